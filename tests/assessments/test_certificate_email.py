"""The "certificate ready" email: once, at the moment the certificate becomes available."""

import pytest
from django.core import mail
from django.urls import reverse

from assessments import services
from assessments.models import CertificateReadyEmail
from assessments.selectors import certificate_eligibility
from assessments.tasks import certificate_ready_email_send
from courses.services import attendance_mark, attendance_record
from tests import factories
from tests.assessments.conftest import (
    attend_workshops,
    follow_up_answers,
    submit_follow_up,
    with_baseline,
)
from tests.email_checks import assert_ours

pytestmark = pytest.mark.django_db

PUBLIC = "https://footsteps.example.nhs.uk"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PUBLIC_BASE_URL = PUBLIC


def certificate_emails():
    return [m for m in mail.outbox if "certificate is ready" in m.subject]


@pytest.fixture
def attended(past_enrolment):
    """Both mandatory workshops attended, a baseline; the 3-month follow-up open, unanswered."""
    attend_workshops(past_enrolment)
    with_baseline(past_enrolment)
    return past_enrolment


def test_sending_the_follow_up_that_completes_it_emails_the_certificate(attended):
    assert certificate_eligibility(attended) != []
    submit_follow_up(attended)
    assert certificate_eligibility(attended) == []
    [message] = certificate_emails()
    assert message.to == [attended.user.email]
    assert message.subject == "Ten Footsteps: Your certificate is ready"
    html = assert_ours(message, name=attended.user.get_full_name())
    url = f"{PUBLIC}{reverse('assessments:certificate', args=[attended.pk])}"
    assert f"Download your certificate:\n{url}" in message.body
    assert f'href="{url}"' in html and ">Download your certificate</a>" in html


def test_correcting_the_answers_sends_nothing_more(attended):
    submit_follow_up(attended)
    services.response_submit(
        enrolment=attended, wave="month_3", data=follow_up_answers(s1=5), revise=True
    )
    assert len(certificate_emails()) == 1
    assert CertificateReadyEmail.objects.count() == 1


def test_no_email_without_both_workshops(past_enrolment):
    with_baseline(past_enrolment)
    submit_follow_up(past_enrolment)
    assert certificate_emails() == []


def test_a_register_corrected_after_the_follow_up_sends_it_then_once(past_enrolment, trainer):
    with_baseline(past_enrolment)
    submit_follow_up(past_enrolment)
    first, second = factories.workshops(past_enrolment.course_run)
    attendance_mark(session=first, enrolment=past_enrolment, attended=True, marked_by=trainer)
    assert certificate_emails() == []  # one workshop still missing
    attendance_record(session=second, enrolment_ids_attended={past_enrolment.pk}, marked_by=trainer)
    assert len(certificate_emails()) == 1
    # Marked absent and present again: still one email.
    attendance_mark(session=second, enrolment=past_enrolment, attended=False, marked_by=trainer)
    attendance_mark(session=second, enrolment=past_enrolment, attended=True, marked_by=trainer)
    assert len(certificate_emails()) == 1


def test_the_task_sends_nothing_for_a_row_that_is_gone():
    assert certificate_ready_email_send.call(987654) is False
