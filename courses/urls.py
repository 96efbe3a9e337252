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
    path("my/enrolments/<id:enrolment_id>/withdraw/", views.withdraw, name="withdraw"),
    path("my/waiting-list/<id:entry_id>/", views.place_offer, name="place_offer"),
    path("modules/", views.modules, name="modules"),
    path("modules/<id:module_id>/done/", views.module_done, name="module_done"),
    path("runs/<id:run_id>/enrol/", views.enrol, name="enrol"),
    path("runs/<id:run_id>/waiting-list/", views.waiting_list_join, name="waiting_list_join"),
    path("sessions/<id:session_id>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("trainer/runs/", views.trainer_runs, name="trainer_runs"),
    path("trainer/runs/<id:run_id>/places/", views.run_places, name="run_places"),
    path("trainer/enrolments/<id:enrolment_id>/move/", views.enrolment_move, name="enrolment_move"),
    path("trainer/sessions/<id:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("trainer/sessions/<id:session_id>/register/", views.register, name="register"),
    path(
        "trainer/sessions/<id:session_id>/register/import/",
        views.register_import,
        name="register_import",
    ),
    path(
        "trainer/sessions/<id:session_id>/register/import/confirm/",
        views.register_import_confirm,
        name="register_import_confirm",
    ),
]
