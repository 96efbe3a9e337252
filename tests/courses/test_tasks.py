"""The enrolment confirmation (with the run's calendar) and the session reminders."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.services import email_preference_set
from courses.models import SessionReminder
from courses.services import enrolment_create, session_reminders_enqueue
from courses.tasks import session_reminder_send
from tests import factories
from tests.email_checks import assert_ours

pytestmark = pytest.mark.django_db

PUBLIC = "https://footsteps.example.nhs.uk"
JOIN = "https://meet.example.org/ws"  # factories' joining link


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PUBLIC_BASE_URL = PUBLIC


@pytest.fixture
def person():
    return factories.TraineeFactory(first_name="Aled", last_name="Ŵyn")


# Enrolment confirmed ---------------------------------------------------------------------


def test_enrolling_sends_the_schedule_with_one_calendar_of_every_session(person, course_run):
    enrolment_create(user=person, course_run=course_run)
    [message] = mail.outbox
    assert message.to == [person.email]
    assert message.subject == f"Ten Footsteps: You are enrolled on {course_run.title}"
    html = assert_ours(message, name="Aled Ŵyn")
    sessions = course_run.sessions()
    for session in sessions:
        assert session.title in message.body and escape(session.title) in html
    first = timezone.localtime(factories.workshops(course_run)[0].starts_at)
    assert f"before your first workshop on {first.day} {first:%B %Y}" in message.body
    assert f"{PUBLIC}{reverse('courses:dashboard')}" in message.body

    [(filename, content, mimetype)] = message.attachments
    assert filename == f"{course_run.slug}.ics" and mimetype == "text/calendar"
    assert content.count("BEGIN:VEVENT") == len(sessions) == 3
    assert f"UID:session-{sessions[0].pk}@footsteps.example.nhs.uk" in content
    try:
        import icalendar
    except ImportError:  # another branch adds it; the count above still holds
        return
    events = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        f"{s.title} ({course_run.title})" for s in sessions
    ]
    starts = [s.starts_at.replace(microsecond=0) for s in sessions]
    assert [event.decoded("DTSTART") for event in events] == starts
    assert JOIN in str(events[0]["URL"])


def test_a_refused_enrolment_sends_nothing(person, course_run):
    factories.enrol(person, course_run)
    with pytest.raises(Exception):  # noqa: B017 - ValidationError, tested in test_services
        enrolment_create(user=person, course_run=course_run)
    assert mail.outbox == []


# Session reminders -----------------------------------------------------------------------


def day_before(session):
    """The daily run of the command on the morning of the day before ``session``."""
    start = timezone.localtime(session.starts_at)
    return (start - timedelta(days=1)).replace(hour=7, minute=0)


@pytest.fixture
def run_soon():
    """A run whose first workshop is in two days (the other sessions weeks later)."""
    return factories.make_course_run(first_workshop_in_days=2)


def test_a_reminder_the_day_before_each_session_with_its_joining_link(person, run_soon):
    factories.enrol(person, run_soon)
    workshop = factories.workshops(run_soon)[0]
    assert session_reminders_enqueue(now=day_before(workshop) - timedelta(days=1)) == []
    [reminder] = session_reminders_enqueue(now=day_before(workshop))
    assert (reminder.enrolment.user, reminder.session_id) == (person, workshop.pk)
    [message] = mail.outbox
    starts = timezone.localtime(workshop.starts_at)
    assert message.subject.startswith("Ten Footsteps: Reminder: Workshop 1 is ")
    assert f"at {starts:%H:%M}" in message.subject
    html = assert_ours(message, name="Aled Ŵyn", external=(JOIN,))
    assert f"Join the session online:\n{JOIN}" in message.body
    assert f'href="{JOIN}"' in html and ">Join the session online</a>" in html
    assert f"{PUBLIC}{reverse('accounts:account')}" in message.body  # how to turn them off


def test_never_twice_for_the_same_session_and_person(person, other_trainee, run_soon):
    factories.enrol(person, run_soon)
    factories.enrol(other_trainee, run_soon)
    now = day_before(factories.workshops(run_soon)[0])
    assert len(session_reminders_enqueue(now=now)) == 2
    for hours in (0, 1, 12):
        assert session_reminders_enqueue(now=now + timedelta(hours=hours)) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, other_trainee.email])
    # The database refuses a second row, whatever code tries it (two overlapping runs).
    reminder = SessionReminder.objects.first()
    with pytest.raises(IntegrityError):
        SessionReminder.objects.create(enrolment=reminder.enrolment, session=reminder.session)


def test_the_command_reminds_of_tomorrows_sessions_only(person, run_soon):
    factories.enrol(person, run_soon)
    factories.enrol(person, factories.make_course_run(first_workshop_in_days=5))
    out = io.StringIO()
    tomorrow = factories.make_course_run(first_workshop_in_days=1)
    factories.enrol(person, tomorrow)
    call_command("send_session_reminders", stdout=out)
    assert out.getvalue() == "Queued 1 session reminder for 1 session.\n"
    assert [r.session_id for r in SessionReminder.objects.all()] == [
        factories.workshops(tomorrow)[0].pk
    ]
    call_command("send_session_reminders", stdout=out)
    assert len(mail.outbox) == 1


def test_a_trainee_who_turned_reminders_off_gets_none(person, other_trainee, run_soon):
    factories.enrol(person, run_soon)
    factories.enrol(other_trainee, run_soon)
    email_preference_set(user=person, session_reminders=False)
    session_reminders_enqueue(now=day_before(factories.workshops(run_soon)[0]))
    assert [m.to for m in mail.outbox] == [[other_trainee.email]]


def test_turning_reminders_off_after_one_was_queued_stops_it(person, run_soon):
    enrolment = factories.enrol(person, run_soon)
    reminder = SessionReminder.objects.create(
        enrolment=enrolment, session=factories.workshops(run_soon)[0]
    )
    email_preference_set(user=person, session_reminders=False)
    assert session_reminder_send.call(reminder.pk) is False
    email_preference_set(user=person, session_reminders=True)
    assert session_reminder_send.call(reminder.pk) is True
    assert len(mail.outbox) == 1


def test_no_reminder_of_an_unpublished_or_started_session(person):
    run = factories.make_course_run(first_workshop_in_days=-1)  # started yesterday
    factories.enrol(person, run)
    late = factories.add_workshop(run, timezone.now() + timedelta(hours=3), "Extra workshop")
    late.unpublish()
    assert session_reminders_enqueue() == []
    assert mail.outbox == []


def test_a_session_without_a_joining_link_points_to_its_page(person):
    run = factories.make_course_run(with_sessions=False)
    factories.enrol(person, run)
    qa = factories.add_qa_session(run, timezone.now() + timedelta(hours=20), "Q&A session 1")
    session_reminders_enqueue()
    [message] = mail.outbox
    assert f"Open the session page:\n{PUBLIC}{qa.url}" in message.body
    assert_ours(message)
