"""Reads for the questionnaires: when each wave is open, and what evaluators may see."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from assessments.models import FollowUpEmail, Instrument, Participant, Response, Statement
from courses.models import CourseRunPage, Enrolment
from courses.selectors import first_mandatory_workshop_start, last_mandatory_workshop_end

# "3 months after the last mandatory workshop" is read as calendar months (relativedelta),
# so a run ending on 15 March is due on 15 June, as a trainee would expect from the wording.
FOLLOW_UP_DELAY = relativedelta(months=3)
REMINDER_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Window:
    """When a questionnaire wave accepts answers: ``opens_at <= now < closes_at``.

    ``None`` for ``opens_at`` means open from enrolment; for ``closes_at``, no end yet.
    ``scheduled`` is False when the run has no mandatory workshops to time the wave from.
    """

    opens_at: datetime | None
    closes_at: datetime | None
    scheduled: bool = True

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if not self.scheduled or (self.opens_at is not None and now < self.opens_at):
            return "not_yet"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) == "open"


def baseline_window(run: CourseRunPage, workshops: list | None = None) -> Window:
    """Open from enrolment until the first mandatory workshop starts.

    A trainer who sets ``baseline_closes_at`` on the run decides the closing time instead.
    With neither, the baseline stays open (the run has no workshop scheduled yet).
    ``workshops``: the run's published mandatory workshops when the caller has them already.
    """
    if run.baseline_closes_at is not None:
        return Window(opens_at=None, closes_at=run.baseline_closes_at)
    if workshops is None:
        first_start = first_mandatory_workshop_start(run)
    else:
        first_start = min((w.starts_at for w in workshops), default=None)
    return Window(opens_at=None, closes_at=first_start)


def follow_up_window(run: CourseRunPage, workshops: list | None = None) -> Window:
    """Due 3 calendar months after the last mandatory workshop ends, open for the run's window."""
    if workshops is None:
        last_end = last_mandatory_workshop_end(run)
    else:
        last_end = max((w.ends_at for w in workshops), default=None)
    if last_end is None:
        return Window(opens_at=None, closes_at=None, scheduled=False)
    opens_at = last_end + FOLLOW_UP_DELAY
    return Window(opens_at=opens_at, closes_at=opens_at + timedelta(days=run.follow_up_window_days))


def wave_window(run: CourseRunPage, wave: str) -> Window:
    return baseline_window(run) if wave == Response.Wave.BASELINE else follow_up_window(run)


def current_instrument() -> Instrument:
    return Instrument.objects.get(is_current=True)


def statements_for(instrument: Instrument) -> list[Statement]:
    """The instrument's statements in questionnaire order, with their footsteps."""
    return list(instrument.statements.select_related("footstep").order_by("position"))


def research_participants() -> QuerySet[Participant]:
    """Participants whose answers may be used for evaluation: those who consented.

    Imported records count as consented (consent was collected with the original survey).
    Everything shown to evaluators must start from this queryset, never from ``Participant``.
    """
    return Participant.objects.filter(consented_at__isnull=False)


def research_responses() -> QuerySet[Response]:
    """Responses of consenting participants only; see ``research_participants``."""
    return Response.objects.filter(participant__consented_at__isnull=False)


@dataclass(frozen=True)
class FollowUpRow:
    """One trainee on a run, for the trainer: where their follow-up stands."""

    enrolment: Enrolment
    status: str
    label: str
    baseline_at: datetime | None
    follow_up_at: datetime | None
    due_email_at: datetime | None
    reminder_at: datetime | None


def _follow_up_status(row, emails: dict, window: Window, now: datetime) -> tuple[str, str]:
    if row.follow_up_at is not None:
        return "done", "Done"
    if row.baseline_at is None:
        return "no_baseline", "No baseline (cannot be paired)"
    state = window.state(now)
    if state == "not_yet":
        return "not_due", "Not due yet"
    if state == "closed":
        return "missed", "Missed (closed)"
    if FollowUpEmail.Kind.REMINDER in emails:
        return "reminded", "Reminded"
    if FollowUpEmail.Kind.DUE in emails:
        return "due", "Due, invited"
    return "due", "Due, not yet invited"


def follow_up_overview(run: CourseRunPage, *, now: datetime | None = None) -> dict:
    """Everyone enrolled on ``run`` with their follow-up status, in a fixed number of queries."""
    now = now or timezone.now()
    window = follow_up_window(run)

    def submitted(wave):
        return Subquery(
            Response.objects.filter(participant__enrolment=OuterRef("pk"), wave=wave).values(
                "submitted_at"
            )[:1]
        )

    enrolments = (
        Enrolment.objects.filter(course_run=run)
        .select_related("user")
        .annotate(
            baseline_at=submitted(Response.Wave.BASELINE),
            follow_up_at=submitted(Response.Wave.FOLLOW_UP),
        )
        .prefetch_related("follow_up_emails")
        .order_by(Lower("user__last_name"), Lower("user__first_name"), "user__email")
    )
    rows = []
    for enrolment in enrolments:
        emails = {email.kind: email.sent_at for email in enrolment.follow_up_emails.all()}
        status, label = _follow_up_status(enrolment, emails, window, now)
        rows.append(
            FollowUpRow(
                enrolment=enrolment,
                status=status,
                label=label,
                baseline_at=enrolment.baseline_at,
                follow_up_at=enrolment.follow_up_at,
                due_email_at=emails.get(FollowUpEmail.Kind.DUE),
                reminder_at=emails.get(FollowUpEmail.Kind.REMINDER),
            )
        )
    counts = {status: sum(1 for r in rows if r.status == status) for status in STATUS_ORDER}
    return {"rows": rows, "window": window, "counts": counts}


STATUS_ORDER = ["not_due", "due", "reminded", "done", "missed", "no_baseline"]
