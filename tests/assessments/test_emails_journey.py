"""A trainee's whole course, from sign-up to certificate: every email of ours, in order."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from assessments.services import follow_up_emails_enqueue
from courses.models import Attendance, Enrolment
from courses.services import session_reminders_enqueue
from courses.waves import DEFAULT_FOLLOW_UP
from tests import factories
from tests.assessments.conftest import opened, submit_follow_up, with_baseline
from tests.email_checks import assert_ours

pytestmark = pytest.mark.django_db

PUBLIC = "https://footsteps.example.nhs.uk"
JOIN = "https://meet.example.org/ws"


def test_every_email_from_sign_up_to_certificate(client, settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    run = factories.make_course_run(first_workshop_in_days=2)
    name = "Llŷr Łukasz-Nguyễn"
    password = "a-long-unusual-passphrase-42"
    client.post(
        reverse("account_signup"),
        {
            "email": "llyr@example.org",
            "password1": password,
            "password2": password,
            "first_name": "Llŷr",
            "last_name": "Łukasz-Nguyễn",
        },
    )
    confirm = re.search(rf"{PUBLIC}(/accounts/confirm-email/\S+)", mail.outbox[-1].body)[1]
    client.post(confirm)  # signed in on confirmation
    client.post(reverse("account_reset_password"), {"email": "llyr@example.org"})
    client.post(reverse("courses:enrol", args=[run.pk]))
    enrolment = Enrolment.objects.get(user=get_user_model().objects.get(email="llyr@example.org"))

    first, second = factories.workshops(run)
    session_reminders_enqueue(now=first.starts_at - timedelta(hours=20))
    with_baseline(enrolment)
    for workshop in (first, second):
        Attendance.objects.create(enrolment=enrolment, session=workshop)
    opens = opened(run, DEFAULT_FOLLOW_UP.months)
    follow_up_emails_enqueue(now=opens)
    follow_up_emails_enqueue(now=opens + timedelta(days=7))
    submit_follow_up(enrolment, now=opens + timedelta(days=8))

    assert [m.subject for m in mail.outbox] == [
        "Ten Footsteps: Confirm your email address",
        "Ten Footsteps: Reset your password",
        f"Ten Footsteps: You are enrolled on {run.title}",
        mail.outbox[3].subject,  # the reminder: "... is tomorrow at 09:30" or similar
        "Ten Footsteps: Your 3-month follow-up questionnaire is open",
        "Ten Footsteps: Reminder: your 3-month follow-up questionnaire",
        "Ten Footsteps: Your certificate is ready",
    ]
    assert mail.outbox[3].subject.startswith("Ten Footsteps: Reminder: Workshop 1 is ")
    for message in mail.outbox:
        assert message.to == ["llyr@example.org"]
        assert_ours(message, name=name, external=(JOIN,))
    [(filename, calendar, _)] = mail.outbox[2].attachments
    assert filename.endswith(".ics") and calendar.count("BEGIN:VEVENT") == 3
