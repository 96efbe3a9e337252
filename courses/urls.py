from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path(
        "my/enrolments/<int:enrolment_id>/calendar.ics",
        views.enrolment_calendar,
        name="enrolment_calendar",
    ),
    path("modules/", views.modules, name="modules"),
    path("runs/<int:run_id>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:session_id>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("trainer/runs/", views.trainer_runs, name="trainer_runs"),
    path("trainer/sessions/<int:session_id>/register/", views.register, name="register"),
]
