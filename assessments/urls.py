from django.urls import path, register_converter
from django.views.generic import RedirectView

from assessments import views
from courses.waves import DEFAULT_FOLLOW_UP, UnknownWaveError, Wave


class WaveConverter:
    """A questionnaire wave by name (``baseline``, ``month_6``); anything else is a 404."""

    regex = "baseline|month_[1-9][0-9]?"

    def to_python(self, value: str) -> Wave:
        try:
            return Wave.parse(value)
        except UnknownWaveError as error:  # month_61..month_99
            raise ValueError(str(error)) from None

    def to_url(self, value: Wave | str) -> str:
        return str(value)


register_converter(WaveConverter, "wave")

app_name = "assessments"
urlpatterns = [
    path("my/enrolments/<id:enrolment_id>/consent/", views.consent, name="consent"),
    path(
        "my/enrolments/<id:enrolment_id>/questionnaires/<wave:wave>/",
        views.questionnaire,
        name="questionnaire",
    ),
    path(
        "my/enrolments/<id:enrolment_id>/questionnaires/<wave:wave>/draft/",
        views.questionnaire_draft,
        name="questionnaire_draft",
    ),
    # Addresses of the two-wave design, still in emails people have received.
    path(
        "my/enrolments/<id:enrolment_id>/baseline/",
        RedirectView.as_view(pattern_name="assessments:questionnaire"),
        {"wave": "baseline"},
    ),
    path(
        "my/enrolments/<id:enrolment_id>/follow-up/",
        RedirectView.as_view(pattern_name="assessments:questionnaire"),
        {"wave": DEFAULT_FOLLOW_UP.name},
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
