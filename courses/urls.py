from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path(
        "my/enrolments/<id:enrolment_id>/calendar.ics",
        views.enrolment_calendar,
        name="enrolment_calendar",
    ),
    path("modules/", views.modules, name="modules"),
    path("modules/<id:module_id>/done/", views.module_done, name="module_done"),
    path("runs/<id:run_id>/enrol/", views.enrol, name="enrol"),
    path("sessions/<id:session_id>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("trainer/runs/", views.trainer_runs, name="trainer_runs"),
    path("trainer/sessions/<id:session_id>/register/", views.register, name="register"),
]
