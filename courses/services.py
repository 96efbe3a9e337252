"""Writes for the course: enrolment, attendance and module progress. Views and the demo
loader go through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from accounts.roles import is_trainee
from accounts.services import audit_record
from courses.models import (
    Attendance,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    FootstepModulePage,
    ModuleCompletion,
    SessionPage,
)

CLOSED = "Enrolment on this course run is closed."
ALREADY_ENROLLED = "You are already enrolled on this course run."
NOT_A_TRAINEE = "Only trainees can enrol on a course run. Sign in with your trainee account."
NOT_ENROLLED = (
    "Someone you marked is not enrolled on this course run, so nothing was saved. "
    "Reload the register and try again."
)
NOT_STARTED = "You can take the register once the session has started."
MODULES_ARE_FOR_TRAINEES = "Only trainees keep track of the modules they have done."


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
    return enrolment


def _lock_session(session: SessionPage) -> None:
    """Serialise register saves for one session so two trainers cannot interleave."""
    SessionPage.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()


def _audit_attendance(*, session: SessionPage, enrolment: Enrolment, attended: bool, marked_by):
    mark = f"marked {'present' if attended else 'absent'} at session {session.pk} ({session.title})"
    audit_record(
        actor=marked_by,
        action=AuditEvent.Action.ATTENDANCE,
        summary=f"Enrolment {enrolment.pk} {mark}",
        detail={"session_id": session.pk, "enrolment_id": enrolment.pk, "attended": attended},
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
    elif not attended and existing is not None:
        existing.delete()
        existing = None
        _audit_attendance(session=session, enrolment=enrolment, attended=False, marked_by=marked_by)
    return existing


@dataclass(frozen=True)
class RegisterChanges:
    marked_present: int
    marked_absent: int


@transaction.atomic
def attendance_record(
    *, session: SessionPage, enrolment_ids_attended: set[int], marked_by
) -> RegisterChanges:
    """Save a session's whole register: exactly these enrolments attended it.

    Every id must be an enrolment on the session's run; otherwise ValidationError and
    nothing is saved. Each change is written to the audit log.
    """
    run = CourseRunPage.objects.get(path=session.run_path)
    enrolments = {e.pk: e for e in Enrolment.objects.filter(course_run=run)}
    wanted = set(enrolment_ids_attended)
    if wanted - enrolments.keys():
        raise ValidationError(NOT_ENROLLED, code="not_enrolled")
    if wanted and not session.has_started:
        raise ValidationError(NOT_STARTED, code="not_started")
    _lock_session(session)
    current = set(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True))
    to_add, to_remove = sorted(wanted - current), sorted(current - wanted)

    Attendance.objects.filter(session=session, enrolment_id__in=to_remove).delete()
    new = []
    for pk in to_add:
        enrolment = enrolments[pk]
        enrolment.course_run = run
        attendance = Attendance(enrolment=enrolment, session=session, marked_by=marked_by)
        # Run membership was checked above in one query; skip the per-row foreign-key lookups.
        attendance.full_clean(exclude=["enrolment", "session", "marked_by"])
        new.append(attendance)
    Attendance.objects.bulk_create(new)

    for pk in to_add:
        _audit_attendance(
            session=session, enrolment=enrolments[pk], attended=True, marked_by=marked_by
        )
    for pk in to_remove:
        _audit_attendance(
            session=session, enrolment=enrolments[pk], attended=False, marked_by=marked_by
        )
    return RegisterChanges(marked_present=len(to_add), marked_absent=len(to_remove))


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


@transaction.atomic
def module_completion_set(*, user, module: FootstepModulePage, done: bool) -> bool:
    """Mark a published footstep module as done for a trainee, or not done (an undo).

    Idempotent: marking twice keeps one row (the unique constraint settles a race). Returns
    whether anything changed. Raises ValidationError (``not_trainee``) for other accounts.
    """
    if not is_trainee(user):
        raise ValidationError(MODULES_ARE_FOR_TRAINEES, code="not_trainee")
    existing = ModuleCompletion.objects.filter(user=user, module=module)
    if not done:
        return existing.delete()[0] > 0
    if existing.exists():
        return False
    completion = ModuleCompletion(user=user, module=module)
    completion.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        return False
    return True
