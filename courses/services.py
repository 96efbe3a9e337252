"""Writes for the course: enrolment and attendance. Views and the demo loader go through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.roles import is_trainee
from accounts.services import audit_record
from courses.models import (
    Attendance,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    SessionPage,
    SessionReminder,
)
from courses.signals import attendance_added
from courses.tasks import enrolment_confirmation_send, session_reminder_send

CLOSED = "Enrolment on this course run is closed."
ALREADY_ENROLLED = "You are already enrolled on this course run."
NOT_A_TRAINEE = "Only trainees can enrol on a course run. Sign in with your trainee account."
NOT_ENROLLED = (
    "Someone you marked is not enrolled on this course run, so nothing was saved. "
    "Reload the register and try again."
)
NOT_STARTED = "You can take the register once the session has started."
CHANGED = (
    "Someone else saved this register after you opened it, so nothing was saved. Your ticks "
    "are still below; check the people listed and save again."
)


@transaction.atomic
def enrolment_create(*, user, course_run: CourseRunPage) -> Enrolment:
    """Enrol a trainee on an open, published course run.

    Raises ValidationError (code ``closed``, ``already_enrolled`` or ``not_trainee``) and
    changes nothing when the enrolment is not allowed. A second click, even a concurrent
    one, finds the unique constraint and gets ``already_enrolled``.
    """
    if not is_trainee(user):
        raise ValidationError(NOT_A_TRAINEE, code="not_trainee")
    if not (course_run.live and course_run.enrolment_open):
        raise ValidationError(CLOSED, code="closed")
    if Enrolment.objects.filter(user=user, course_run=course_run).exists():
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled")
    enrolment = Enrolment(user=user, course_run=course_run)
    # The unique constraint is checked by the database below, where a race cannot slip past.
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled") from None
    enrolment_confirmation_send.enqueue(enrolment.pk)  # in this transaction: both or neither
    return enrolment


def _lock_session(session: SessionPage) -> None:
    """Serialise register saves for one session so two trainers cannot interleave."""
    SessionPage.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()


def _audit_attendance(
    *, session: SessionPage, enrolment: Enrolment, attended: bool, marked_by, minutes=None
):
    mark = f"marked {'present' if attended else 'absent'} at session {session.pk} ({session.title})"
    if minutes is not None:
        mark += f", {minutes} minutes from the attendance report"
    detail = {"session_id": session.pk, "enrolment_id": enrolment.pk, "attended": attended}
    if minutes is not None:
        detail["minutes_attended"] = minutes
    audit_record(
        actor=marked_by,
        action=AuditEvent.Action.ATTENDANCE,
        summary=f"Enrolment {enrolment.pk} {mark}",
        detail=detail,
        subject_id=enrolment.user_id,
        anonymised_summary=f"A trainee (account deleted) {mark}",
    )


@transaction.atomic
def attendance_mark(
    *, session: SessionPage, enrolment: Enrolment, attended: bool, marked_by
) -> Attendance | None:
    """Mark one trainee present (returns the Attendance) or absent (returns None)."""
    if not session.is_child_of(enrolment.course_run):
        raise ValidationError(NOT_ENROLLED, code="not_enrolled")
    if attended and not session.has_started:
        raise ValidationError(NOT_STARTED, code="not_started")
    _lock_session(session)
    existing = Attendance.objects.filter(session=session, enrolment=enrolment).first()
    if attended and existing is None:
        existing = Attendance(session=session, enrolment=enrolment, marked_by=marked_by)
        existing.full_clean()
        existing.save()
        _audit_attendance(session=session, enrolment=enrolment, attended=True, marked_by=marked_by)
        attendance_added.send(sender=Attendance, session=session, enrolment_ids=[enrolment.pk])
    elif not attended and existing is not None:
        existing.delete()
        existing = None
        _audit_attendance(session=session, enrolment=enrolment, attended=False, marked_by=marked_by)
    return existing


@dataclass(frozen=True)
class RegisterChanges:
    marked_present: int
    marked_absent: int
    minutes_updated: int = 0


@transaction.atomic
def attendance_record(
    *,
    session: SessionPage,
    enrolment_ids_attended: set[int],
    marked_by,
    minutes: Mapping[int, int] | None = None,
    present_when_opened: Iterable[int] | None = None,
) -> RegisterChanges:
    """Save a session's whole register: exactly these enrolments attended it.

    Every id must be an enrolment on the session's run; otherwise ValidationError and
    nothing is saved. ``minutes`` (enrolment id -> minutes, from an attendance report) is
    stored on those marked present. ``present_when_opened``: who was present when the trainer
    opened the form; if the register has changed since (another trainer saved) and differs
    from this save, ValidationError (code ``changed``) and nothing is saved, so neither
    trainer's ticks are silently lost. Saving the same register twice (a double submit)
    changes nothing the second time. Each change is written to the audit log.
    """
    run = CourseRunPage.objects.get(path=session.run_path)
    enrolments = {e.pk: e for e in Enrolment.objects.filter(course_run=run)}
    wanted = set(enrolment_ids_attended)
    minutes = {pk: m for pk, m in (minutes or {}).items() if pk in wanted}
    if (wanted | minutes.keys()) - enrolments.keys():
        raise ValidationError(NOT_ENROLLED, code="not_enrolled")
    if wanted and not session.has_started:
        raise ValidationError(NOT_STARTED, code="not_started")
    _lock_session(session)
    rows = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
    current = set(rows)
    if (
        present_when_opened is not None
        and current != set(present_when_opened)
        and current != wanted
    ):
        raise ValidationError(CHANGED, code="changed")
    to_add, to_remove = sorted(wanted - current), sorted(current - wanted)

    Attendance.objects.filter(session=session, enrolment_id__in=to_remove).delete()
    new = []
    for pk in to_add:
        enrolment = enrolments[pk]
        enrolment.course_run = run
        attendance = Attendance(
            enrolment=enrolment,
            session=session,
            marked_by=marked_by,
            minutes_attended=minutes.get(pk),
        )
        # Run membership was checked above in one query; skip the per-row foreign-key lookups.
        attendance.full_clean(exclude=["enrolment", "session", "marked_by"])
        new.append(attendance)
    Attendance.objects.bulk_create(new)
    # Present already: the report's minutes replace what was stored.
    updated = []
    for pk in sorted((current & wanted) & minutes.keys()):
        attendance = rows[pk]
        if attendance.minutes_attended != minutes[pk]:
            attendance.minutes_attended = minutes[pk]
            attendance.full_clean(exclude=["enrolment", "session", "marked_by"])
            updated.append(attendance)
    Attendance.objects.bulk_update(updated, ["minutes_attended"])

    for pk in to_add:
        _audit_attendance(
            session=session,
            enrolment=enrolments[pk],
            attended=True,
            marked_by=marked_by,
            minutes=minutes.get(pk),
        )
    for pk in to_remove:
        _audit_attendance(
            session=session, enrolment=enrolments[pk], attended=False, marked_by=marked_by
        )
    for attendance in updated:
        _audit_attendance(
            session=session,
            enrolment=enrolments[attendance.enrolment_id],
            attended=True,
            marked_by=marked_by,
            minutes=attendance.minutes_attended,
        )
    if to_add:
        attendance_added.send(sender=Attendance, session=session, enrolment_ids=to_add)
    return RegisterChanges(
        marked_present=len(to_add), marked_absent=len(to_remove), minutes_updated=len(updated)
    )


@transaction.atomic
def schedule_follow_ups_add(*, run: CourseRunPage, months: Iterable[int], user=None) -> None:
    """Add follow-up waves to a run's questionnaire schedule (never removes one).

    The page's latest revision gets them too, so the next edit in the admin shows them; a
    run with unpublished changes keeps its draft as a draft.
    """
    missing = sorted(set(months) - {wave.months for wave in run.follow_ups})
    if not missing:
        return
    draft = run.get_latest_revision_as_object()
    for month in missing:
        draft.follow_up_waves.add(FollowUpWave(months=month))
    revision = draft.save_revision(user=user, clean=False, log_action=False)
    if run.has_unpublished_changes:
        FollowUpWave.objects.bulk_create([FollowUpWave(page=run, months=m) for m in missing])
    else:
        revision.publish(user=user, log_action=False)


def session_reminders_enqueue(*, now: datetime | None = None) -> list[SessionReminder]:
    """Queue a reminder of each published session that starts before the end of tomorrow
    (UK time) for every trainee enrolled on its run who has not turned reminders off.

    Run daily, this reminds everyone the day before each session (and on the day, if they
    enrolled or the session was published after the day before's run). Safe to run any number
    of times, even two at once: the ``SessionReminder`` row, unique on (enrolment, session), is
    the claim, and its task is queued in the same transaction, as for follow-up emails.
    """
    now = now or timezone.now()
    day_after_tomorrow = timezone.localdate(now) + timedelta(days=2)
    until = datetime.combine(day_after_tomorrow, time.min, tzinfo=timezone.get_current_timezone())
    queued = []
    for session in SessionPage.objects.live().filter(starts_at__gt=now, starts_at__lt=until):
        waiting = (
            Enrolment.objects.filter(course_run__path=session.run_path, user__is_active=True)
            .exclude(user__email_preference__session_reminders=False)
            .exclude(session_reminders__session=session)
        )
        for enrolment in waiting:
            try:
                with transaction.atomic():
                    reminder = SessionReminder(enrolment=enrolment, session=session, sent_at=now)
                    reminder.full_clean(exclude=["enrolment", "session"])  # checked above
                    reminder.save()
                    session_reminder_send.enqueue(reminder.pk)
            except IntegrityError:
                continue  # another run of the command queued this reminder first
            queued.append(reminder)
    return queued
