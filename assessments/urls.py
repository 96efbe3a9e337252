from django.urls import path

from assessments import views
from assessments.models import Response

app_name = "assessments"
urlpatterns = [
    path("my/enrolments/<id:enrolment_id>/consent/", views.consent, name="consent"),
    path(
        "my/enrolments/<id:enrolment_id>/baseline/",
        views.questionnaire,
        {"wave": Response.Wave.BASELINE},
        name="baseline",
    ),
    path(
        "my/enrolments/<id:enrolment_id>/follow-up/",
        views.questionnaire,
        {"wave": Response.Wave.FOLLOW_UP},
        name="follow_up",
    ),
    path("my/enrolments/<id:enrolment_id>/confidence/", views.chart, name="chart"),
    path("my/enrolments/<id:enrolment_id>/certificate.pdf", views.certificate, name="certificate"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_detail"),
    path(
        "trainer/runs/<id:run_id>/follow-up/",
        views.trainer_follow_ups,
        name="trainer_follow_ups",
    ),
]
