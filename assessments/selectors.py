"""Reads for the questionnaires: when each wave is open, a trainee's record and certificate
status, and what evaluators may see."""

import enum
import hashlib
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, QuerySet, prefetch_related_objects
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    FollowUpEmail,
    Instrument,
    Participant,
    QuestionnaireDraft,
    Response,
    Statement,
)
from courses.hooks import RunFigure
from courses.models import CourseRunPage, Enrolment
from courses.selectors import (
    enrolments_with_progress,
    first_mandatory_workshop_start,
    last_mandatory_workshop_end,
    mandatory_completed,
)
from courses.waves import BASELINE, Wave

REMINDER_AFTER = timedelta(days=7)


class WindowState(enum.StrEnum):
    """Where a questionnaire wave's window stands at a given moment."""

    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"

    # What templates test, rather than comparing with the values.
    @property
    def is_not_yet(self) -> bool:
        return self is WindowState.NOT_YET

    @property
    def is_open(self) -> bool:
        return self is WindowState.OPEN

    @property
    def is_closed(self) -> bool:
        return self is WindowState.CLOSED


@dataclass(frozen=True)
class Window:
    """When a questionnaire wave accepts answers: ``opens_at <= now < closes_at``.

    ``None`` for ``opens_at`` means open from enrolment; for ``closes_at``, no end yet.
    ``scheduled`` is False when the run has no mandatory workshops to time the wave from.
    """

    opens_at: datetime | None
    closes_at: datetime | None
    scheduled: bool = True

    def state(self, now: datetime | None = None) -> WindowState:
        now = now or timezone.now()
        if not self.scheduled or (self.opens_at is not None and now < self.opens_at):
            return WindowState.NOT_YET
        if self.closes_at is not None and now >= self.closes_at:
            return WindowState.CLOSED
        return WindowState.OPEN

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) is WindowState.OPEN


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


def follow_up_window(run: CourseRunPage, wave: Wave, workshops: list | None = None) -> Window:
    """Due N calendar months after the last mandatory workshop ends, open for the run's window.

    "3 months after" is read as calendar months (relativedelta), so a run ending on 15 March
    is due on 15 June, as a trainee would expect from the wording.
    """
    if workshops is None:
        last_end = last_mandatory_workshop_end(run)
    else:
        last_end = max((w.ends_at for w in workshops), default=None)
    if last_end is None:
        return Window(opens_at=None, closes_at=None, scheduled=False)
    opens_at = last_end + relativedelta(months=wave.months)
    return Window(opens_at=opens_at, closes_at=opens_at + timedelta(days=run.follow_up_window_days))


def wave_window(run: CourseRunPage, wave: Wave, workshops: list | None = None) -> Window:
    if wave.is_baseline:
        return baseline_window(run, workshops)
    return follow_up_window(run, wave, workshops)


def certificate_wave(run: CourseRunPage) -> Wave:
    """The follow-up a certificate waits for: the run's first, so later waves never delay it."""
    return run.follow_ups[0]


def participant_for_enrolment(enrolment: Enrolment) -> Participant | None:
    """The trainee's record on this run, or None before they have answered the consent question."""
    return Participant.objects.filter(enrolment=enrolment).first()


def participants_by_enrolment(user) -> dict[int, Participant]:
    """The user's records by enrolment id, each with its responses."""
    return {
        p.enrolment_id: p
        for p in Participant.objects.filter(enrolment__user=user).prefetch_related("responses")
    }


def optional_sessions_attended(enrolment: Enrolment) -> int | None:
    """How many optional Q&A sessions of their run the trainee attended."""
    row = enrolments_with_progress(Enrolment.objects.filter(pk=enrolment.pk)).first()
    return getattr(row, "optional_attended", None)


def certificate_missing(
    run: CourseRunPage, *, mandatory_completed: bool, answered: Collection[str]
) -> list[str]:
    """The certificate rule, in the words trainees read: what is still to do on ``run`` for
    someone who answered the waves named in ``answered``; an empty list means nothing."""
    reasons = []
    if not mandatory_completed:
        reasons.append("Attend both mandatory workshops.")
    wave = certificate_wave(run)
    if wave.name not in answered:
        reasons.append(f"Submit the {wave.noun} questionnaire.")
    return reasons


def certificate_eligibility(
    enrolment: Enrolment, answered: Collection[str] | None = None
) -> list[str]:
    """Why a certificate cannot be issued yet; an empty list means it can. ``answered``: the
    waves the trainee has answered, when the caller has read them already."""
    if answered is None:
        answered = set(
            Response.objects.filter(participant__enrolment=enrolment).values_list("wave", flat=True)
        )
    return certificate_missing(
        enrolment.course_run, mandatory_completed=mandatory_completed(enrolment), answered=answered
    )


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


def research_records_version() -> str:
    """A value that changes whenever the research records change as a whole, read from the
    records themselves (two aggregate queries), so no writer has to announce it: a record
    added or deleted (an import, an anonymised account), consent given or withdrawn, a
    record unlinked from its account, or an import's responses written. A single
    questionnaire answer leaves it as it is (the dashboard shows those within a minute:
    ``analytics.snapshots``)."""
    records = Participant.objects.aggregate(
        n=Count("pk"),
        consented=Count("consented_at"),
        linked=Count("enrolment"),
        last_created=Max("created_at"),
        last_consented=Max("consented_at"),
    )
    imported = Response.objects.filter(participant__source=Participant.Source.IMPORT).aggregate(
        n=Count("pk"), last_written=Max("updated_at")
    )
    state = repr((sorted(records.items()), sorted(imported.items())))
    return hashlib.blake2b(state.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class WaveStatus:
    """Where one trainee stands with one follow-up wave, for the trainer."""

    wave: Wave
    status: str
    label: str
    submitted_at: datetime | None
    due_email_at: datetime | None
    reminder_at: datetime | None


@dataclass(frozen=True)
class FollowUpRow:
    """One trainee on a run, for the trainer: their baseline and each follow-up wave."""

    enrolment: Enrolment
    baseline_at: datetime | None
    waves: list[WaveStatus]


STATUS_LABELS = {
    "not_due": "Not due yet",
    "due": "Due",
    "reminded": "Reminded",
    "done": "Done",
    "missed": "Missed (closed)",
    "no_baseline": "No baseline (cannot be paired)",
}
STATUS_ORDER = list(STATUS_LABELS)


def _wave_status(submitted, baseline_at, emails: dict, window: Window, now) -> tuple[str, str]:
    if submitted is not None:
        return "done", STATUS_LABELS["done"]
    if baseline_at is None:
        return "no_baseline", STATUS_LABELS["no_baseline"]
    state = window.state(now)
    if state is WindowState.NOT_YET:
        return "not_due", STATUS_LABELS["not_due"]
    if state is WindowState.CLOSED:
        return "missed", STATUS_LABELS["missed"]
    if FollowUpEmail.Kind.REMINDER in emails:
        return "reminded", STATUS_LABELS["reminded"]
    if FollowUpEmail.Kind.DUE in emails:
        return "due", "Due, invited"
    return "due", "Due, not yet invited"


def follow_up_overview(run: CourseRunPage, *, now: datetime | None = None) -> dict:
    """Everyone enrolled on ``run`` with the status of each follow-up wave, in five queries."""
    now = now or timezone.now()
    follow_ups = run.follow_ups
    last_end = last_mandatory_workshop_end(run)
    ends = [] if last_end is None else [_End(last_end)]
    windows = {wave: follow_up_window(run, wave, ends) for wave in follow_ups}
    submitted = {
        (enrolment_id, wave): at
        for enrolment_id, wave, at in Response.objects.filter(
            participant__enrolment__course_run=run
        ).values_list("participant__enrolment_id", "wave", "submitted_at")
    }
    emails: dict[tuple[int, str], dict] = {}
    for enrolment_id, wave, kind, sent_at in FollowUpEmail.objects.filter(
        enrolment__course_run=run
    ).values_list("enrolment_id", "wave", "kind", "sent_at"):
        emails.setdefault((enrolment_id, wave), {})[kind] = sent_at
    enrolments = (
        Enrolment.objects.active()
        .filter(course_run=run)
        .select_related("user")
        .order_by(Lower("user__last_name"), Lower("user__first_name"), "user__email")
    )
    rows = []
    counts = {wave.name: dict.fromkeys(STATUS_ORDER, 0) for wave in follow_ups}
    for enrolment in enrolments:
        baseline_at = submitted.get((enrolment.pk, BASELINE.name))
        statuses = []
        for wave in follow_ups:
            sent = emails.get((enrolment.pk, wave.name), {})
            at = submitted.get((enrolment.pk, wave.name))
            status, label = _wave_status(at, baseline_at, sent, windows[wave], now)
            counts[wave.name][status] += 1
            statuses.append(
                WaveStatus(
                    wave=wave,
                    status=status,
                    label=label,
                    submitted_at=at,
                    due_email_at=sent.get(FollowUpEmail.Kind.DUE),
                    reminder_at=sent.get(FollowUpEmail.Kind.REMINDER),
                )
            )
        rows.append(FollowUpRow(enrolment=enrolment, baseline_at=baseline_at, waves=statuses))
    return {
        "rows": rows,
        "waves": [
            {"wave": wave, "window": windows[wave], "counts": counts[wave.name]}
            for wave in follow_ups
        ],
    }


def response_figures(runs: list[CourseRunPage]) -> dict[int, list[RunFigure]]:
    """For the trainers' overview: per run, how many of its trainees answered the baseline
    and each follow-up of its schedule. Two queries whatever the number of runs."""
    prefetch_related_objects(runs, "follow_up_waves")
    answered = Counter(
        {
            (run_id, wave): n
            for run_id, wave, n in Response.objects.filter(
                participant__enrolment__course_run__in=runs
            )
            .values_list("participant__enrolment__course_run_id", "wave")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    return {
        run.pk: [
            RunFigure(
                f"{wave.noun[0].upper()}{wave.noun[1:]} answered",
                answered[run.pk, wave.name],
                of_enrolled=True,
            )
            for wave in run.schedule
        ]
        for run in runs
    }


@dataclass(frozen=True)
class _End:
    """The last workshop's end, in the shape ``follow_up_window`` takes workshops."""

    ends_at: datetime


# The measurement error of the overall score comes from the evaluation (analytics), which
# imports this app and not the other way round: analytics registers the function that gives
# it when Django starts (AnalyticsConfig.ready: analytics.snapshots.reliable_change_se).
_reliable_change_se_source: Callable[[], float | None] | None = None


def register_reliable_change_se(source: Callable[[], float | None]) -> None:
    """Set the function giving the SE of the difference of the overall score, or None."""
    global _reliable_change_se_source
    _reliable_change_se_source = source


def reliable_change_se() -> float | None:
    """The Jacobson-Truax SE of the difference of the overall score over every course run
    (see analytics.snapshots.reliable_change_se); None when it is not available."""
    if _reliable_change_se_source is None:
        return None
    return _reliable_change_se_source()


def questionnaire_draft(enrolment: Enrolment, wave: Wave) -> QuestionnaireDraft | None:
    """The trainee's unsent answers to ``wave``, if they saved any."""
    return QuestionnaireDraft.objects.filter(enrolment=enrolment, wave=wave.name).first()


class StepStatus(enum.StrEnum):
    """Where one of a trainee's steps stands (the task list's status column)."""

    DONE = "done"
    TO_DO = "to_do"
    # Open later, or waiting for an earlier step.
    NOT_YET = "not_yet"
    # Its time has passed without it (a closed questionnaire, a workshop not attended).
    MISSED = "missed"


@dataclass(frozen=True)
class Step:
    """One of a trainee's steps on a run: enrol, baseline, each workshop, each follow-up,
    the certificate. ``action`` is the sentence that names it as the next thing to do."""

    name: str
    title: str
    status: StepStatus
    status_text: str
    hint: str = ""
    url: str = ""
    action: str = ""
    wave: Wave | None = None
    response: Response | None = None


@dataclass(frozen=True)
class TraineeSteps:
    steps: list[Step]

    @property
    def next(self) -> Step | None:
        """What to do next: the first step to do now, else the first still to come."""
        for status in (StepStatus.TO_DO, StepStatus.NOT_YET):
            for step in self.steps:
                if step.status is status and step.action:
                    return step
        return None


def _when(moment: datetime, now: datetime, *, time: bool = True) -> str:
    """ "15 December, 09:30" (the year only when it is not this year), in UK time."""
    moment = timezone.localtime(moment)
    text = f"{moment.day} {moment:%B}"
    if moment.year != timezone.localtime(now).year:
        text += f" {moment.year}"
    return f"{text}, {moment:%H:%M}" if time else text


def _wave_step(
    item, wave: Wave, window: Window, response, participant, has_baseline: bool, now
) -> Step:
    enrolment = item.enrolment
    fill = reverse("assessments:questionnaire", args=[enrolment.pk, wave.name])
    state = window.state(now)
    common = {"name": wave.name, "title": wave.title, "wave": wave, "response": response}
    if response is not None:
        return Step(
            **common,
            status=StepStatus.DONE,
            status_text="Sent",
            hint="You can review or correct your answers while it is open."
            if state.is_open
            else "",
            url=fill if state.is_open else reverse("assessments:chart", args=[enrolment.pk]),
        )
    if not wave.is_baseline and not has_baseline:
        return Step(
            **common,
            status=StepStatus.NOT_YET,
            status_text="Cannot start yet",
            hint="Follows the baseline questionnaire.",
        )
    if state.is_open:
        if window.closes_at is None:
            deadline = ""
        elif wave.is_baseline:
            deadline = f"before {_when(window.closes_at, now)}"
        else:
            deadline = f"until {_when(window.closes_at, now, time=False)}"
        # Consent comes first, asked once per enrolment.
        url = (
            fill if participant is not None else reverse("assessments:consent", args=[enrolment.pk])
        )
        return Step(
            **common,
            status=StepStatus.TO_DO,
            status_text="To do" if wave.is_baseline else "Due",
            hint=f"Open {deadline}." if deadline else "",
            url=url,
            action=f"Fill in the {wave.noun} questionnaire" + (f" {deadline}" if deadline else ""),
        )
    if state.is_not_yet:
        if window.opens_at is not None:
            opens = f"Opens on {_when(window.opens_at, now, time=False)}."
            action = f"Fill in the {wave.noun} questionnaire from {_when(window.opens_at, now)}"
        else:
            opens = f"Opens {wave.label} the last mandatory workshop."
            action = ""
        return Step(
            **common,
            status=StepStatus.NOT_YET,
            status_text="Not open yet",
            hint=opens,
            action=action,
        )
    return Step(
        **common,
        status=StepStatus.MISSED,
        status_text="Closed",
        hint=f"It closed on {_when(window.closes_at, now, time=False)}.",
    )


def _workshop_step(row, number: int, now) -> Step:
    session = row.session
    title = session.title
    when = _when(session.starts_at, now)
    if row.attended:
        return Step(
            f"workshop_{number}", title, StepStatus.DONE, "Attended", hint=when, url=session.url
        )
    if session.ends_at <= now:
        return Step(
            f"workshop_{number}",
            title,
            StepStatus.MISSED,
            "Not attended",
            hint=f"{when}. If you were there, ask your trainer to correct the register.",
            url=session.url,
        )
    return Step(
        f"workshop_{number}",
        title,
        StepStatus.NOT_YET if session.starts_at > now else StepStatus.TO_DO,
        "Coming up" if session.starts_at > now else "Now",
        hint=f"{when} (UK time).",
        url=session.url,
        action=f"Join {session.title} on {when}",
    )


def trainee_steps(
    item, participant: Participant | None, *, now: datetime | None = None
) -> TraineeSteps:
    """A trainee's steps on one run, in order, with their status: enrol, the baseline, each
    mandatory workshop, each follow-up of the run's schedule, the certificate.

    ``item`` is a ``courses.selectors.EnrolmentProgress`` (its sessions give the windows and
    the attendance), ``participant`` the trainee's record on the run (its responses
    prefetched) or None before the consent question. No query of its own beyond reversing
    URLs; the rules are those of the windows (``wave_window``), attendance
    (``courses.selectors``) and the certificate (``certificate_missing``).
    """
    now = now or timezone.now()
    run = item.run
    enrolment = item.enrolment
    workshop_rows = [row for row in item.sessions if row.session.is_mandatory]
    workshops = [row.session for row in workshop_rows]
    responses = {} if participant is None else {r.wave: r for r in participant.responses.all()}
    has_baseline = BASELINE.name in responses
    steps = [
        Step(
            "enrol",
            f"Enrol on {run.title}",
            StepStatus.DONE,
            "Completed",
            hint=f"Enrolled on {_when(enrolment.enrolled_at, now, time=False)}.",
        )
    ]
    schedule = run.schedule
    waves = {wave.name: wave for wave in schedule}

    def wave_step(wave: Wave) -> Step:
        return _wave_step(
            item,
            wave,
            wave_window(run, wave, workshops),
            responses.get(wave.name),
            participant,
            has_baseline,
            now,
        )

    steps.append(wave_step(waves[BASELINE.name]))
    steps.extend(_workshop_step(row, n, now) for n, row in enumerate(workshop_rows, start=1))
    steps.extend(wave_step(wave) for wave in schedule if not wave.is_baseline)
    missing = certificate_missing(
        run, mandatory_completed=item.mandatory_completed, answered=responses
    )
    if missing:
        steps.append(
            Step(
                "certificate",
                "Certificate",
                StepStatus.NOT_YET,
                "Cannot start yet",
                hint="Still to do: " + " ".join(missing),
            )
        )
    else:
        steps.append(
            Step(
                "certificate",
                "Download your certificate (PDF)",
                StepStatus.DONE,
                "Ready",
                url=reverse("assessments:certificate", args=[enrolment.pk]),
            )
        )
    return TraineeSteps(steps)
