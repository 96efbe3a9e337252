"""Rescheduling (a published change of time) and cancelling a session: enrolled trainees are
emailed an updated calendar entry with the same UID and a higher SEQUENCE; a cancellation is
METHOD:CANCEL."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from courses import services
from courses.models import SessionChange
from tests import factories
from tests.courses.test_calendar import unfold

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_with_trainees(trainee, other_trainee):
    run = factories.make_course_run(first_workshop_in_days=10)
    factories.enrol(trainee, run)
    factories.enrol(other_trainee, run)
    withdrawn = factories.enrol(factories.TraineeFactory(), run)
    services.enrolment_withdraw(enrolment=withdrawn)
    return run


def publish(page, commit_callbacks):
    with commit_callbacks(execute=True):
        page.save_revision().publish()


def calendar_of(email) -> list[str]:
    ((filename, content, mimetype),) = email.attachments
    assert filename == "session.ics"
    return mimetype, unfold(content)


def test_a_published_new_time_emails_each_enrolled_trainee_an_update(
    run_with_trainees, trainee, other_trainee, django_capture_on_commit_callbacks
):
    workshop = factories.workshops(run_with_trainees)[0]
    publish(workshop, django_capture_on_commit_callbacks)  # first publish: recorded, no email
    assert SessionChange.objects.get(session=workshop).sequence == 0
    assert mail.outbox == []

    draft = workshop.get_latest_revision_as_object()
    draft.starts_at += timedelta(hours=2)
    publish(draft, django_capture_on_commit_callbacks)

    change = SessionChange.objects.get(session=workshop)
    assert change.sequence == 1 and change.starts_at == draft.starts_at
    assert sorted(e.to[0] for e in mail.outbox) == sorted([trainee.email, other_trainee.email])
    email = mail.outbox[0]
    assert "New time: Workshop 1" in email.subject
    assert "attached calendar file" in email.body
    mimetype, lines = calendar_of(email)
    assert mimetype.startswith("text/calendar; method=PUBLISH")
    assert f"UID:session-{workshop.pk}@testserver" in lines
    assert "SEQUENCE:1" in lines and "METHOD:PUBLISH" in lines
    assert f"DTSTART:{draft.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines


def test_publishing_other_changes_sends_nothing(
    run_with_trainees, django_capture_on_commit_callbacks
):
    workshop = factories.workshops(run_with_trainees)[0]
    publish(workshop, django_capture_on_commit_callbacks)
    draft = workshop.get_latest_revision_as_object()
    draft.title = "Workshop one"
    publish(draft, django_capture_on_commit_callbacks)
    assert SessionChange.objects.get(session=workshop).sequence == 0
    assert mail.outbox == []


def test_a_cancellation_is_audited_and_emailed_as_method_cancel(
    run_with_trainees, trainer, django_capture_on_commit_callbacks
):
    session = factories.workshops(run_with_trainees)[1]
    with django_capture_on_commit_callbacks(execute=True):
        change = services.session_cancel(session=session, cancelled_by=trainer)
    assert change.sequence == 1 and change.is_cancelled
    assert len(mail.outbox) == 2
    email = mail.outbox[0]
    assert "Cancelled: Workshop 2" in email.subject
    assert "make it up" in email.body  # a mandatory workshop
    mimetype, lines = calendar_of(email)
    assert mimetype.startswith("text/calendar; method=CANCEL")
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines
    assert "SEQUENCE:1" in lines and f"UID:session-{session.pk}@testserver" in lines
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION)
    assert event.actor == trainer and event.detail == {"session_id": session.pk}

    with pytest.raises(ValidationError, match="already been cancelled"):
        services.session_cancel(session=session, cancelled_by=trainer)
    assert SessionChange.objects.get(session=session).sequence == 1


def test_a_cancelled_sessions_ics_keeps_the_uid_with_the_higher_sequence(
    client, run_with_trainees, trainee, trainer
):
    session = factories.workshops(run_with_trainees)[0]
    services.session_cancel(session=session, cancelled_by=trainer)
    client.force_login(trainee)
    lines = unfold(
        client.get(reverse("courses:session_calendar", args=[session.pk])).content.decode()
    )
    assert "SEQUENCE:1" in lines and "STATUS:CANCELLED" in lines
    assert f"UID:session-{session.pk}@testserver" in lines


def test_an_email_superseded_by_a_newer_change_is_not_sent(run_with_trainees, trainer):
    from courses.tasks import session_change_email_send

    session = factories.workshops(run_with_trainees)[0]
    change = services.session_cancel(session=session, cancelled_by=trainer)
    enrolment = run_with_trainees.enrolments.active().first()
    assert session_change_email_send.call(change.pk, enrolment.pk, change.sequence - 1) is False
    assert session_change_email_send.call(change.pk, enrolment.pk, change.sequence) is True


def test_a_cancelled_session_has_no_register(trainee, trainer):
    run = factories.make_course_run(first_workshop_in_days=-1)
    enrolment = factories.enrol(trainee, run)
    session = factories.workshops(run)[0]
    services.session_cancel(session=session, cancelled_by=trainer)
    with pytest.raises(ValidationError, match="cancelled"):
        services.attendance_record(
            session=session, enrolment_ids_attended={enrolment.pk}, marked_by=trainer
        )


def test_reminders_skip_cancelled_sessions_and_withdrawn_trainees(trainee, trainer):
    run = factories.make_course_run(with_sessions=False)
    soon = timezone.now() + timedelta(hours=20)
    kept = factories.add_workshop(run, soon, "Workshop 1")
    cancelled = factories.add_qa_session(run, soon + timedelta(hours=1), "Q&A session 1")
    factories.enrol(trainee, run)
    withdrawn = factories.enrol(factories.TraineeFactory(), run)
    services.enrolment_withdraw(enrolment=withdrawn)
    services.session_cancel(session=cancelled, cancelled_by=trainer)
    reminders = services.session_reminders_enqueue()
    assert [(r.enrolment.user_id, r.session_id) for r in reminders] == [(trainee.pk, kept.pk)]
