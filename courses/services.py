"""Writes for the course: enrolment, places and the waiting list, withdrawal, moving between
runs, attendance, module progress and changes to sessions. Views, signals and the demo loader
go through here.

Places are race-free because every write that takes or frees a place (enrolling, joining the
waiting list, offering, accepting, declining, withdrawing, moving, expiring offers) first
locks the run's row (``_lock_run``), so for one run they happen one after the other; the
unique constraints on enrolments and open waiting-list entries back it up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import AuditEvent
from accounts.roles import is_trainee
from accounts.services import audit_record
from courses import selectors
from courses.models import (
    Attendance,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    FootstepModulePage,
    ModuleCompletion,
    SessionChange,
    SessionPage,
    SessionReminder,
    WaitingListEntry,
)
from courses.signals import attendance_added
from courses.tasks import (
    enrolment_confirmation_send,
    place_offered_email_send,
    session_change_email_send,
    session_reminder_send,
)

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
SESSION_CANCELLED = "This session was cancelled, so it has no register."
FULL = (
    "This course run is full. You can join its waiting list and we will email you if a place frees."
)
NOT_FULL = "This course run has places free, so you can enrol straight away."
ALREADY_WAITING = "You are already on the waiting list for this course run."
OFFER_CLOSED = "This offer of a place is no longer open."
ALREADY_WITHDRAWN = "You have already withdrawn from this course run."
NOT_ACTIVE = "This trainee is not enrolled on this course run (they may have withdrawn)."
SAME_RUN = "The trainee is already on that course run."
ALREADY_ON_TARGET = (
    "The trainee already has an enrolment (perhaps withdrawn) on that course run, so they "
    "cannot be moved there."
)
ALREADY_CANCELLED = "This session has already been cancelled."
MODULES_ARE_FOR_TRAINEES = "Only trainees keep track of the modules they have done."


def offer_hours() -> int:
    """How long a trainee holds an offered place (settings.WAITING_LIST_OFFER_HOURS)."""
    return int(getattr(settings, "WAITING_LIST_OFFER_HOURS", 48))


def _lock_run(run_id: int) -> CourseRunPage:
    """Lock the run's row: places on one run are taken and freed one writer at a time."""
    return CourseRunPage.objects.select_for_update(of=("self",)).get(pk=run_id)


def _check_may_enrol(user, course_run: CourseRunPage) -> None:
    if not is_trainee(user):
        raise ValidationError(NOT_A_TRAINEE, code="not_trainee")
    if not (course_run.live and course_run.enrolment_open):
        raise ValidationError(CLOSED, code="closed")


def _place_take(*, user, course_run: CourseRunPage, now: datetime) -> Enrolment:
    """Give ``user`` a place (the caller holds the run's lock and has checked there is one):
    a new enrolment, or their withdrawn one made active again."""
    enrolment = Enrolment.objects.filter(user=user, course_run=course_run).first()
    if enrolment is not None and enrolment.is_active:
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled")
    if enrolment is None:
        enrolment = Enrolment(user=user, course_run=course_run, enrolled_at=now)
    else:
        enrolment.status, enrolment.withdrawn_at = Enrolment.Status.ACTIVE, None
        enrolment.enrolled_at = now
    # The unique constraint is checked by the database below, where a race cannot slip past.
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled") from None
    enrolment_confirmation_send.enqueue(enrolment.pk)  # in this transaction: both or neither
    return enrolment


@transaction.atomic
def enrolment_create(*, user, course_run: CourseRunPage, now: datetime | None = None) -> Enrolment:
    """Enrol a trainee on an open, published course run that has a place free.

    Raises ValidationError (code ``closed``, ``already_enrolled``, ``not_trainee`` or
    ``full``) and changes nothing when the enrolment is not allowed. A second click, even a
    concurrent one, finds the unique constraint and gets ``already_enrolled``. A trainee who
    had withdrawn gets their enrolment back. Nobody jumps the waiting list: while anyone
    waits, the free places are theirs.
    """
    now = now or timezone.now()
    _check_may_enrol(user, course_run)
    run = _lock_run(course_run.pk)
    if Enrolment.objects.active().filter(user=user, course_run=run).exists():
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled")
    offered = WaitingListEntry.objects.filter(
        user=user, course_run=run, status=WaitingListEntry.Status.OFFERED
    ).first()
    if offered is not None:
        return _offer_accept(entry=offered, run=run, now=now)
    _offers_make(run=run, now=now)
    if selectors.run_places(run).is_full:
        raise ValidationError(FULL, code="full")
    return _place_take(user=user, course_run=run, now=now)


@transaction.atomic
def waiting_list_join(
    *, user, course_run: CourseRunPage, now: datetime | None = None
) -> WaitingListEntry:
    """Put a trainee at the end of a full run's waiting list (their position is by the time
    they joined). Refused (``not_full``) while the run has a place free."""
    now = now or timezone.now()
    _check_may_enrol(user, course_run)
    run = _lock_run(course_run.pk)
    if Enrolment.objects.active().filter(user=user, course_run=run).exists():
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled")
    if WaitingListEntry.objects.filter(
        user=user, course_run=run, status__in=WaitingListEntry.OPEN
    ).exists():
        raise ValidationError(ALREADY_WAITING, code="already_waiting")
    _offers_make(run=run, now=now)
    if not selectors.run_places(run).is_full:
        raise ValidationError(NOT_FULL, code="not_full")
    entry = WaitingListEntry(user=user, course_run=run, joined_at=now)
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError(ALREADY_WAITING, code="already_waiting") from None
    return entry


def _offers_make(*, run: CourseRunPage, now: datetime) -> list[WaitingListEntry]:
    """Offer every free place of ``run`` (locked by the caller) to the first on its waiting
    list, in the order they joined; each offer is emailed once the transaction commits.

    Under the run's lock the count of free places and the queue cannot change underneath,
    so two places freed at once go to the first two people, never twice to the first.
    """
    free = selectors.run_places(run).free  # None: no limit
    if not run.live or free == 0:
        return []
    waiting = WaitingListEntry.objects.filter(
        course_run=run, status=WaitingListEntry.Status.WAITING
    ).order_by("joined_at", "id")
    offered = []
    expires = now + timedelta(hours=offer_hours())
    for entry in waiting if free is None else waiting[:free]:
        entry.status = WaitingListEntry.Status.OFFERED
        entry.offered_at, entry.offer_expires_at = now, expires
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        offered.append(entry)
    if offered:
        ids = [entry.pk for entry in offered]
        transaction.on_commit(lambda: [place_offered_email_send.enqueue(pk) for pk in ids])
    return offered


@transaction.atomic
def waiting_list_offer_places(*, course_run: CourseRunPage, now: datetime | None = None) -> int:
    """Offer a run's free places to its waiting list (after a trainer raised the number of
    places, or published the run); returns how many offers were made."""
    return len(_offers_make(run=_lock_run(course_run.pk), now=now or timezone.now()))


def _offer_accept(*, entry: WaitingListEntry, run: CourseRunPage, now: datetime) -> Enrolment:
    entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == WaitingListEntry.Status.ACCEPTED:
        # A second click (or a second tab): the place is already theirs, enrolled once.
        active = Enrolment.objects.active().filter(user=entry.user_id, course_run=run).first()
        if active is not None:
            return active
    if entry.status != WaitingListEntry.Status.OFFERED:
        raise ValidationError(OFFER_CLOSED, code="offer_closed")
    if entry.offer_expires_at <= now:
        ended = date_format(timezone.localtime(entry.offer_expires_at), "j F Y, H:i")
        raise ValidationError(
            f"{OFFER_CLOSED} It ended on {ended} and the place has passed to the next person "
            "on the list.",
            code="offer_expired",
        )
    enrolment = _place_take(user=entry.user, course_run=run, now=now)
    entry.status, entry.closed_at = WaitingListEntry.Status.ACCEPTED, now
    entry.save(update_fields=["status", "closed_at"])
    return enrolment


@transaction.atomic
def waiting_list_accept(*, entry: WaitingListEntry, now: datetime | None = None) -> Enrolment:
    """Take up an offered place: the trainee is enrolled (once, however often they click)."""
    run = _lock_run(entry.course_run_id)
    return _offer_accept(entry=entry, run=run, now=now or timezone.now())


@transaction.atomic
def waiting_list_leave(*, entry: WaitingListEntry, now: datetime | None = None) -> None:
    """Leave the waiting list, or decline an offered place, which then goes to the next."""
    now = now or timezone.now()
    run = _lock_run(entry.course_run_id)
    entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in WaitingListEntry.OPEN:
        raise ValidationError(OFFER_CLOSED, code="offer_closed")
    declined = entry.status == WaitingListEntry.Status.OFFERED
    entry.status = WaitingListEntry.Status.DECLINED if declined else WaitingListEntry.Status.LEFT
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at"])
    if declined:
        _offers_make(run=run, now=now)


def waiting_list_expire_offers(*, now: datetime | None = None) -> int:
    """End every offer past its deadline and pass each place to the next person on that
    run's list; returns how many offers ended. Runs with people waiting are looked at too,
    so a place freed without a service (an account deleted) still reaches the list. One
    transaction per run, so one run's problem never holds up another's. Run every few
    minutes (``expire_place_offers``)."""
    now = now or timezone.now()
    expired = Q(status=WaitingListEntry.Status.OFFERED, offer_expires_at__lte=now)
    run_ids = sorted(
        set(
            WaitingListEntry.objects.filter(
                expired | Q(status=WaitingListEntry.Status.WAITING)
            ).values_list("course_run_id", flat=True)
        )
    )
    ended = 0
    for run_id in run_ids:
        with transaction.atomic():
            run = _lock_run(run_id)
            ended += WaitingListEntry.objects.filter(
                course_run=run, status=WaitingListEntry.Status.OFFERED, offer_expires_at__lte=now
            ).update(status=WaitingListEntry.Status.EXPIRED, closed_at=now)
            _offers_make(run=run, now=now)
    return ended


def withdrawal_deadline(run: CourseRunPage) -> datetime | None:
    """Trainees may withdraw until the first mandatory workshop starts (None: no workshop
    scheduled yet, so any time)."""
    return selectors.first_mandatory_workshop_start(run)


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, now: datetime | None = None) -> Enrolment:
    """Withdraw a trainee from their run before its first mandatory workshop.

    The enrolment stays, marked withdrawn: the research record (``Participant``) and any
    attendance keep pointing at it, and research use of the answers still follows consent
    alone. The place goes to the first on the waiting list.
    """
    now = now or timezone.now()
    run = _lock_run(enrolment.course_run_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.is_active:
        raise ValidationError(ALREADY_WITHDRAWN, code="already_withdrawn")
    deadline = withdrawal_deadline(run)
    if deadline is not None and deadline <= now:
        raise ValidationError(
            "The first workshop has started, so you can no longer withdraw here. If you "
            "cannot attend, tell your trainer: they can move you to another course run.",
            code="too_late",
        )
    enrolment.status, enrolment.withdrawn_at = Enrolment.Status.WITHDRAWN, now
    enrolment.full_clean(validate_constraints=False)
    enrolment.save(update_fields=["status", "withdrawn_at"])
    _offers_make(run=run, now=now)
    return enrolment


@transaction.atomic
def enrolment_move(
    *, enrolment: Enrolment, to_run: CourseRunPage, moved_by, now: datetime | None = None
) -> Enrolment:
    """Move a trainee to another run (a trainer's action), keeping their attendance.

    Attendance already recorded stays on the enrolment, so workshop 1 of the old run and
    workshop 2 of the new one together complete the mandatory part
    (``selectors.enrolments_with_progress``). The research record keeps the run where it was
    made (``Participant.course_run``), which the evaluation uses. The target run needs a free
    place; the place left behind goes to that run's waiting list.
    """
    now = now or timezone.now()
    if enrolment.course_run_id == to_run.pk:
        raise ValidationError(SAME_RUN, code="same_run")
    # Both runs locked in id order, so two opposite moves cannot deadlock.
    locked = {pk: _lock_run(pk) for pk in sorted({enrolment.course_run_id, to_run.pk})}
    from_run, to_run = locked[enrolment.course_run_id], locked[to_run.pk]
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.is_active:
        raise ValidationError(NOT_ACTIVE, code="not_active")
    if not to_run.live:
        raise ValidationError("That course run is not published.", code="closed")
    if Enrolment.objects.filter(user=enrolment.user_id, course_run=to_run).exists():
        raise ValidationError(ALREADY_ON_TARGET, code="already_on_target")
    if selectors.run_places(to_run).is_full:
        raise ValidationError(
            f"{to_run.title} is full ({to_run.places} places). Raise its number of places "
            "first, or choose another run.",
            code="full",
        )
    enrolment.course_run = to_run
    enrolment.full_clean(validate_constraints=False)
    enrolment.save(update_fields=["course_run"])
    # A place on the new run ends any wait for one.
    WaitingListEntry.objects.filter(
        user=enrolment.user_id, course_run=to_run, status__in=WaitingListEntry.OPEN
    ).update(status=WaitingListEntry.Status.LEFT, closed_at=now)
    move = f"moved from run {from_run.pk} ({from_run.title}) to run {to_run.pk} ({to_run.title})"
    audit_record(
        actor=moved_by,
        action=AuditEvent.Action.ENROLMENT,
        summary=f"Enrolment {enrolment.pk} {move}",
        detail={"enrolment_id": enrolment.pk, "from_run": from_run.pk, "to_run": to_run.pk},
        subject_id=enrolment.user_id,
        anonymised_summary=f"A trainee (account deleted) {move}",
    )
    _offers_make(run=from_run, now=now)
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
    if not (enrolment.is_active and session.is_child_of(enrolment.course_run)):
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
    enrolments = {e.pk: e for e in Enrolment.objects.active().filter(course_run=run)}
    wanted = set(enrolment_ids_attended)
    minutes = {pk: m for pk, m in (minutes or {}).items() if pk in wanted}
    if (wanted | minutes.keys()) - enrolments.keys():
        raise ValidationError(NOT_ENROLLED, code="not_enrolled")
    if wanted and not session.has_started:
        raise ValidationError(NOT_STARTED, code="not_started")
    if wanted and selectors.session_cancelled(session):
        raise ValidationError(SESSION_CANCELLED, code="cancelled")
    _lock_session(session)
    # Only the register's own rows: a trainee since moved to another run keeps the
    # attendance recorded here (it still counts towards their mandatory part).
    rows = {
        a.enrolment_id: a
        for a in Attendance.objects.filter(session=session, enrolment_id__in=enrolments)
    }
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


def _session_changes_email(*, change: SessionChange) -> None:
    """Email every trainee enrolled on the session's run the change and its calendar entry,
    once the transaction commits (one task per trainee)."""
    session = change.session
    ids = list(
        Enrolment.objects.active()
        .filter(course_run__path=session.run_path)
        .values_list("pk", flat=True)
    )
    sequence = change.sequence
    transaction.on_commit(
        lambda: [session_change_email_send.enqueue(change.pk, pk, sequence) for pk in ids]
    )


@transaction.atomic
def session_schedule_published(*, session: SessionPage) -> SessionChange | None:
    """Record a published session's time; if it differs from what trainees were last told,
    raise the calendar SEQUENCE and email them (a reschedule). Called when a session page
    is published (``courses.signals``)."""
    session = SessionPage.objects.get(pk=session.pk)
    change = SessionChange.objects.select_for_update().filter(session=session).first()
    if change is None:
        # First publish: nothing was announced yet. Two publishes at once create one row.
        change, _ = SessionChange.objects.get_or_create(
            session=session,
            defaults={"starts_at": session.starts_at, "ends_at": session.ends_at},
        )
        return change
    if change.is_cancelled or (change.starts_at, change.ends_at) == (
        session.starts_at,
        session.ends_at,
    ):
        return change
    change.starts_at, change.ends_at = session.starts_at, session.ends_at
    change.sequence += 1
    change.save(update_fields=["starts_at", "ends_at", "sequence"])
    _session_changes_email(change=change)
    return change


@transaction.atomic
def session_cancel(
    *, session: SessionPage, cancelled_by, now: datetime | None = None
) -> SessionChange:
    """Cancel a session: trainees get an email and a calendar cancellation (same UID, higher
    SEQUENCE, ``METHOD:CANCEL``). The page stays, marked cancelled; its register closes."""
    now = now or timezone.now()
    change, _ = SessionChange.objects.get_or_create(
        session=session, defaults={"starts_at": session.starts_at, "ends_at": session.ends_at}
    )
    change = SessionChange.objects.select_for_update().get(pk=change.pk)
    if change.is_cancelled:
        raise ValidationError(ALREADY_CANCELLED, code="already_cancelled")
    change.cancelled_at, change.cancelled_by = now, cancelled_by
    change.sequence += 1
    change.save(update_fields=["cancelled_at", "cancelled_by", "sequence"])
    audit_record(
        actor=cancelled_by,
        action=AuditEvent.Action.SESSION,
        summary=f"Session {session.pk} ({session.title}) cancelled",
        detail={"session_id": session.pk},
    )
    _session_changes_email(change=change)
    return change


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
    sessions = SessionPage.objects.live().filter(
        starts_at__gt=now, starts_at__lt=until, change__cancelled_at__isnull=True
    )
    for session in sessions:
        waiting = (
            Enrolment.objects.active()
            .filter(course_run__path=session.run_path, user__is_active=True)
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
