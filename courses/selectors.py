"""Reads for the course across pages: progress, schedules, registers and per-run summaries.

This module is the one place that decides what "attended" and "completed the mandatory
part" mean; assessments and analytics import these functions rather than counting rows.
A page's reads about itself (its sessions, its modules) are methods of the page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import attrgetter, or_

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Least, Lower
from django.utils import timezone
from wagtail.models import Page

from courses.content_cache import course_content
from courses.hooks import RunFigure, run_figures
from courses.models import (
    MANDATORY_WORKSHOPS,
    Attendance,
    CourseRunPage,
    Enrolment,
    FootstepModulePage,
    ModuleCompletion,
    SessionChange,
    SessionPage,
    WaitingListEntry,
    WorkshopPage,
)
from organisations.selectors import is_restricted, within_visible_organisations

_IS_QA = Q(attendances__session__qasessionpage__isnull=False)
BELOW_MINIMUM_WARNING = timedelta(days=14)


def _workshop_ids_by_number() -> dict[int, list[int]]:
    """The ids of every run's workshop 1 and workshop 2: a workshop's number is its order
    among its run's workshops by start, then by place in the tree (a run has at most two:
    ``WorkshopPage.max_count_per_parent``). From the course content cache, so a page asks
    no query for it: any page saved, deleted or moved renews it."""

    def number_workshops() -> dict[int, list[int]]:
        numbered: dict[int, list[int]] = {1: [], 2: []}
        seen: Counter[str] = Counter()
        rows = WorkshopPage.objects.order_by("starts_at", "path").values_list("pk", "path")
        for pk, path in rows:
            run_path = path[: -Page.steplen]
            seen[run_path] += 1
            if seen[run_path] in numbered:
                numbered[seen[run_path]].append(pk)
        return numbered

    return course_content.get_or_compute("workshops-by-number", number_workshops)


def _attended_workshop(number: int) -> Least:
    """1 when the enrolment attended workshop ``number`` of any run, else 0: a trainee moved
    after workshop 1 of run A completes the mandatory part at workshop 2 of run B, but not
    by attending workshop 1 twice."""
    attended = Count(
        "attendances",
        filter=Q(attendances__session_id__in=_workshop_ids_by_number()[number]),
        distinct=True,
    )
    return Least(attended, Value(1))


def enrolments_with_progress(queryset: QuerySet[Enrolment] | None = None) -> QuerySet[Enrolment]:
    """Enrolments annotated with ``mandatory_attended`` (how many of the two mandatory
    workshops, counted by number wherever attended), ``optional_attended`` (ints) and
    ``mandatory_completed`` (bool: attended workshop 1 and workshop 2), in one query."""
    queryset = Enrolment.objects.all() if queryset is None else queryset
    return queryset.annotate(
        mandatory_attended=_attended_workshop(1) + _attended_workshop(2),
        optional_attended=Count("attendances", filter=_IS_QA, distinct=True),
    ).annotate(
        mandatory_completed=ExpressionWrapper(
            Q(mandatory_attended__gte=MANDATORY_WORKSHOPS), output_field=BooleanField()
        )
    )


def mandatory_completed(enrolment: Enrolment) -> bool:
    """Whether the trainee attended both mandatory workshops of their run."""
    annotated = getattr(enrolment, "mandatory_completed", None)
    if annotated is not None:
        return bool(annotated)
    return (
        enrolments_with_progress(Enrolment.objects.filter(pk=enrolment.pk))
        .values_list("mandatory_completed", flat=True)
        .first()
        is True
    )


# CPD hours are credited per session attended, from the register, whatever its duration:
# the programme's published figures, which the certificate and its public check state.
WORKSHOP_CPD_HOURS = 4
QA_SESSION_CPD_HOURS = 2
CPD_HOURS_RULE = (
    f"{WORKSHOP_CPD_HOURS} for each mandatory workshop and {QA_SESSION_CPD_HOURS} for each "
    "Q&A session attended"
)


def cpd_hours(enrolment: Enrolment) -> int:
    """The CPD hours earned: 4 per mandatory workshop and 2 per Q&A session attended."""
    if getattr(enrolment, "mandatory_attended", None) is None:
        enrolment = enrolments_with_progress(Enrolment.objects.filter(pk=enrolment.pk)).get()
    return (
        WORKSHOP_CPD_HOURS * enrolment.mandatory_attended
        + QA_SESSION_CPD_HOURS * enrolment.optional_attended
    )


@dataclass(frozen=True)
class AttendedSessions:
    """The sessions a trainee attended, each kind by start (what the certificate lists)."""

    workshops: list[SessionPage]
    qa_sessions: list[SessionPage]


def attended_sessions(enrolment: Enrolment) -> AttendedSessions:
    """The workshops and Q&A sessions on the trainee's register, in one query."""
    attendances = (
        Attendance.objects.filter(enrolment=enrolment)
        .filter(Q(session__workshoppage__isnull=False) | Q(session__qasessionpage__isnull=False))
        .select_related("session__workshoppage")
        .order_by("session__starts_at", "session__path")
    )
    workshops, qa_sessions = [], []
    for attendance in attendances:
        session = attendance.session
        is_workshop = hasattr(session, "workshoppage")
        (workshops if is_workshop else qa_sessions).append(session)
    return AttendedSessions(workshops=workshops, qa_sessions=qa_sessions)


def course_runs_visible_to(user) -> QuerySet[CourseRunPage]:
    """The course runs ``user`` may see as staff (published or not): every trainer and
    evaluator page, register, follow-up list, download and command reads runs through here.
    The organisations behind it are ``organisations.selectors``'; another organisation's
    run is then simply not found (404, like a missing one)."""
    return CourseRunPage.objects.filter(within_visible_organisations(user))


def course_run_visible_to(user, *, path: str) -> bool:
    """Whether the run at tree ``path`` (a session's ``run_path``) is visible to ``user``;
    no query for those who see every run."""
    if user.is_authenticated and not is_restricted(user):
        return True
    return course_runs_visible_to(user).filter(path=path).exists()


def pages_without_hidden_runs(pages: QuerySet[Page], user) -> QuerySet[Page]:
    """``pages`` without the course runs ``user`` may not see, nor anything under them (the
    admin's explorer, search, chooser and page menus); unchanged for unrestricted staff."""
    if not user.is_authenticated or not is_restricted(user):
        return pages
    hidden = CourseRunPage.objects.exclude(pk__in=course_runs_visible_to(user).values("pk"))
    paths = list(hidden.values_list("path", flat=True))
    if not paths:
        return pages
    return pages.exclude(reduce(or_, (Q(path__startswith=path) for path in paths)))


def _children_of(runs) -> Q:
    """Pages directly under any of ``runs`` (the tree path has one step per level)."""
    runs = list(runs)
    if not runs:
        return Q(pk__in=[])
    return reduce(or_, (Q(path__startswith=run.path, depth=run.depth + 1) for run in runs))


def mandatory_workshops(course_run: CourseRunPage) -> list[WorkshopPage]:
    """The run's published mandatory workshops, by start."""
    return course_content.get_or_compute(
        f"run:{course_run.pk}:workshops",
        lambda: list(
            WorkshopPage.objects.child_of(course_run).live().order_by("starts_at", "path")
        ),
    )


def first_mandatory_workshop_start(course_run: CourseRunPage) -> datetime | None:
    workshops = mandatory_workshops(course_run)
    return workshops[0].starts_at if workshops else None


def last_mandatory_workshop_end(course_run: CourseRunPage) -> datetime | None:
    """When the mandatory part of the run ends; every follow-up wave counts from here."""
    workshops = mandatory_workshops(course_run)
    return max((w.ends_at for w in workshops), default=None)


def open_runs(*, excluding: Iterable[int] = ()) -> list[CourseRunPage]:
    """Published runs open for enrolment, soonest first, each with ``first_workshop_at``."""
    runs = course_content.get_or_compute(
        "open-runs",
        lambda: list(
            CourseRunPage.with_first_workshop(
                CourseRunPage.objects.live().filter(enrolment_open=True)
            ).order_by("starts_on", "first_workshop_at", "title")
        ),
    )
    excluded = set(excluding)
    return [run for run in runs if run.pk not in excluded]


# The dashboard shows a session's joining link from this long before it starts.
JOINING_LINK_AHEAD = timedelta(days=7)


@dataclass(frozen=True)
class SessionProgress:
    """One session of a trainee's run: whether they attended, and where it stands in time."""

    session: SessionPage
    attended: bool
    cancelled: bool = False
    # It has ended: the dashboard says attended or not instead of offering a calendar file.
    is_past: bool = False
    # It has not ended and starts within JOINING_LINK_AHEAD: its joining link is shown.
    join_soon: bool = False


@dataclass(frozen=True)
class EnrolmentProgress:
    """One of a trainee's enrolments with its schedule and what they attended."""

    enrolment: Enrolment
    sessions: list[SessionProgress] = field(default_factory=list)

    @property
    def run(self) -> CourseRunPage:
        return self.enrolment.course_run

    @property
    def mandatory_attended(self) -> int:
        return self.enrolment.mandatory_attended

    @property
    def optional_attended(self) -> int:
        return self.enrolment.optional_attended

    @property
    def mandatory_completed(self) -> bool:
        return bool(self.enrolment.mandatory_completed)

    @property
    def can_withdraw(self) -> bool:
        """Before the run's first mandatory workshop starts (``services.withdrawal_deadline``)."""
        first = next((row.session for row in self.sessions if row.session.is_mandatory), None)
        return first is None or not first.has_started


def _session_progress(
    session: SessionPage, attended: bool, now: datetime, *, cancelled: bool
) -> SessionProgress:
    is_past = session.ends_at <= now
    join_soon = (
        not cancelled
        and bool(session.joining_url)
        and not is_past
        and session.starts_at - JOINING_LINK_AHEAD <= now
    )
    return SessionProgress(
        session, attended, cancelled=cancelled, is_past=is_past, join_soon=join_soon
    )


def trainee_dashboard(user, *, now: datetime | None = None) -> list[EnrolmentProgress]:
    """The user's enrolments, newest first, with each run's published sessions and attendance.

    Seven queries whatever the number of enrolments or sessions; each run comes with its
    questionnaire schedule.
    """
    now = now or timezone.now()
    enrolments = list(
        enrolments_with_progress(Enrolment.objects.active().filter(user=user))
        .select_related("course_run")
        .prefetch_related("course_run__follow_up_waves")
        .order_by("-enrolled_at")
    )
    if not enrolments:
        return []
    runs = sorted({e.course_run for e in enrolments}, key=lambda run: run.pk)
    sessions = course_content.get_or_compute(
        "sessions-of-runs:" + ",".join(str(run.pk) for run in runs),
        lambda: list(
            SessionPage.objects.live().filter(_children_of(runs)).order_by("starts_at").specific()
        ),
    )
    attended = set(
        Attendance.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "session_id"
        )
    )
    cancelled = set(
        SessionChange.objects.filter(
            session_id__in=[s.pk for s in sessions], cancelled_at__isnull=False
        ).values_list("session_id", flat=True)
    )
    by_run: dict[str, list[SessionPage]] = defaultdict(list)
    for session in sessions:
        by_run[session.run_path].append(session)
    return [
        EnrolmentProgress(
            enrolment=e,
            sessions=[
                _session_progress(s, (e.pk, s.pk) in attended, now, cancelled=s.pk in cancelled)
                for s in by_run[e.course_run.path]
            ],
        )
        for e in enrolments
    ]


def completed_module_ids(user) -> set[int]:
    """The footstep modules the user marked as done (page ids)."""
    if not user.is_authenticated:
        return set()
    return set(ModuleCompletion.objects.filter(user=user).values_list("module_id", flat=True))


@dataclass(frozen=True)
class ModuleRow:
    module: FootstepModulePage
    done: bool


@dataclass(frozen=True)
class ModuleProgress:
    """The published footstep modules in order, each with whether the trainee marked it done."""

    rows: list[ModuleRow]

    @property
    def done(self) -> int:
        return sum(row.done for row in self.rows)

    @property
    def total(self) -> int:
        return len(self.rows)


def module_progress(user) -> ModuleProgress:
    """ "4 of 10 done": the published modules with the user's marks, in one query (the
    modules themselves come from the content cache)."""
    done = completed_module_ids(user)
    return ModuleProgress([ModuleRow(m, m.pk in done) for m in FootstepModulePage.published()])


@dataclass(frozen=True)
class RegisterRow:
    enrolment: Enrolment
    attended: bool

    @property
    def user(self):
        return self.enrolment.user


def run_register(session: SessionPage) -> list[RegisterRow]:
    """Everyone enrolled on the session's run, by name, with whether they attended it."""
    enrolments = (
        Enrolment.objects.active()
        .filter(course_run__path=session.run_path)
        .select_related("user")
        .annotate(
            attended=Exists(
                Attendance.objects.filter(enrolment=OuterRef("pk"), session_id=session.pk)
            )
        )
        .order_by(Lower("user__last_name"), Lower("user__first_name"), "user__email")
    )
    return [RegisterRow(enrolment=e, attended=e.attended) for e in enrolments]


@dataclass(frozen=True)
class SessionCount:
    session: SessionPage
    attended: int


@dataclass(frozen=True)
class ModuleCount:
    """How many of a run's enrolled trainees marked one footstep's module done."""

    module: FootstepModulePage
    done: int


@dataclass(frozen=True)
class RunSummary:
    """One run on the trainers' pages. A new column is one more field here, filled from one
    more annotation or one query over all runs in ``run_summaries`` (never a query per run);
    another app's figure comes through ``courses.hooks.RUN_FIGURES_HOOK`` instead."""

    run: CourseRunPage
    enrolled: int
    mandatory_completed: int
    sessions: list[SessionCount]
    figures: list[RunFigure] = field(default_factory=list)
    modules: list[ModuleCount] = field(default_factory=list)
    waiting: int = 0
    below_minimum: bool = False


def run_summaries(
    runs: QuerySet[CourseRunPage] | None = None, *, now: datetime | None = None
) -> list[RunSummary]:
    """Per course run (published or not; ``runs`` narrows them, e.g. to
    ``course_runs_visible_to(user)``): enrolled, waiting, attendance per session, how many
    completed the mandatory part, how many marked each footstep's module done, whether it is
    below its minimum, and the figures other apps add. A fixed number of queries whatever the
    number of runs or sessions."""
    now = now or timezone.now()
    runs = CourseRunPage.objects.all() if runs is None else runs
    runs = list(
        CourseRunPage.with_first_workshop(
            runs.annotate(
                enrolled=Count(
                    "enrolments",
                    filter=Q(enrolments__status=Enrolment.Status.ACTIVE),
                    distinct=True,
                ),
                waiting=Count(
                    "waiting_list",
                    filter=Q(waiting_list__status__in=WaitingListEntry.OPEN),
                    distinct=True,
                ),
            )
        ).order_by("-live", "-starts_on", "title")
    )
    if not runs:
        return []
    sessions = list(
        SessionPage.objects.filter(_children_of(runs))
        .annotate(attended=Count("attendances"))
        .order_by("starts_at")
        .specific()
    )
    completed = Counter(
        run_id
        for run_id, done in enrolments_with_progress(
            Enrolment.objects.active().filter(course_run__in=runs)
        ).values_list("course_run_id", "mandatory_completed")
        if done
    )
    figures = run_figures(runs)
    modules_done = {
        (row["user__enrolments__course_run_id"], row["module_id"]): row["done"]
        for row in ModuleCompletion.objects.filter(
            user__enrolments__course_run__in=runs,
            user__enrolments__status=Enrolment.Status.ACTIVE,
        )
        .values("user__enrolments__course_run_id", "module_id")
        .annotate(done=Count("user", distinct=True))
    }
    by_run: dict[str, list[SessionCount]] = defaultdict(list)
    for session in sessions:
        by_run[session.run_path].append(SessionCount(session, session.attended))
    return [
        RunSummary(
            run=run,
            enrolled=run.enrolled,
            mandatory_completed=completed[run.pk],
            sessions=by_run[run.path],
            figures=figures.get(run.pk, []),
            modules=[
                ModuleCount(module, modules_done.get((run.pk, module.pk), 0))
                for module in FootstepModulePage.published()
            ],
            waiting=run.waiting,
            below_minimum=is_below_minimum(run, enrolled=run.enrolled, now=now),
        )
        for run in runs
    ]


REGISTERS_DUE_DAYS = 7
LINKS_NEEDED_DAYS = 14


@dataclass(frozen=True)
class SessionToDo:
    run: CourseRunPage
    session: SessionPage


@dataclass(frozen=True)
class TrainerOverview:
    """A trainer's home: their runs, and what needs doing this week."""

    runs: list[RunSummary]
    # Published sessions that started in the last week, or start today, with nobody marked
    # present yet (an empty register and one not yet taken look the same).
    registers_to_take: list[SessionToDo]
    # Published sessions starting in the next fortnight without a joining link.
    without_joining_link: list[SessionToDo]


def trainer_overview(
    runs: QuerySet[CourseRunPage] | None = None, *, now: datetime | None = None
) -> TrainerOverview:
    """``run_summaries`` and the week's to-do list read from them: no query of its own."""
    now = now or timezone.now()
    summaries = run_summaries(runs, now=now)
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    registers, links = [], []
    for summary in summaries:
        if not summary.run.live:
            continue
        for row in summary.sessions:
            session = row.session
            if not session.live:
                continue
            starts = session.starts_at
            if (
                now - timedelta(days=REGISTERS_DUE_DAYS) <= starts <= end_of_today
                and not row.attended
            ):
                registers.append(SessionToDo(summary.run, session))
            if now <= starts <= now + timedelta(days=LINKS_NEEDED_DAYS) and not session.joining_url:
                links.append(SessionToDo(summary.run, session))
    by_start = attrgetter("session.starts_at")
    return TrainerOverview(
        runs=summaries,
        registers_to_take=sorted(registers, key=by_start),
        without_joining_link=sorted(links, key=by_start),
    )


# Places and the waiting list ---------------------------------------------------------------


@dataclass(frozen=True)
class RunPlaces:
    """A run's places now: enrolled (active enrolments), offered (held for someone on the
    waiting list) and waiting (in the queue)."""

    places: int | None  # None: no limit
    enrolled: int
    offered: int
    waiting: int

    @property
    def free(self) -> int | None:
        """Places nobody holds (None: no limit)."""
        if self.places is None:
            return None
        return max(self.places - self.enrolled - self.offered, 0)

    @property
    def is_full(self) -> bool:
        """No place for a newcomer: none free, or people already waiting for one."""
        return self.free == 0 or self.waiting > 0


def run_places(run: CourseRunPage) -> RunPlaces:
    """Where a run's places stand (two queries)."""
    enrolled = Enrolment.objects.active().filter(course_run=run).count()
    by_status = dict(
        WaitingListEntry.objects.filter(course_run=run, status__in=WaitingListEntry.OPEN)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return RunPlaces(
        places=run.places,
        enrolled=enrolled,
        offered=by_status.get(WaitingListEntry.Status.OFFERED, 0),
        waiting=by_status.get(WaitingListEntry.Status.WAITING, 0),
    )


def waiting_list_position(entry: WaitingListEntry) -> int | None:
    """1 for the first in the queue; None once the entry is no longer waiting."""
    if entry.status != WaitingListEntry.Status.WAITING:
        return None
    ahead = WaitingListEntry.objects.filter(
        Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, pk__lt=entry.pk),
        course_run_id=entry.course_run_id,
        status=WaitingListEntry.Status.WAITING,
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class WaitingListRow:
    entry: WaitingListEntry
    position: int | None

    @property
    def run(self) -> CourseRunPage:
        return self.entry.course_run


def trainee_waiting_lists(user) -> list[WaitingListRow]:
    """The user's open waiting-list entries (offers first), each with its position."""
    entries = WaitingListEntry.objects.filter(
        user=user, status__in=WaitingListEntry.OPEN
    ).select_related("course_run")
    rows = [WaitingListRow(entry, waiting_list_position(entry)) for entry in entries]
    return sorted(rows, key=lambda row: (not row.entry.is_offered, row.entry.joined_at))


def withdrawn_enrolments(user) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(user=user, status=Enrolment.Status.WITHDRAWN)
        .select_related("course_run")
        .order_by("-withdrawn_at")
    )


def run_start(run: CourseRunPage) -> datetime | None:
    """When a run starts: its first mandatory workshop, else its start date."""
    first = getattr(run, "first_workshop_at", None) or first_mandatory_workshop_start(run)
    if first is not None:
        return first
    if run.starts_on is not None:
        return timezone.make_aware(datetime.combine(run.starts_on, datetime.min.time()))
    return None


def is_below_minimum(run: CourseRunPage, *, enrolled: int, now: datetime) -> bool:
    """The minimum-enrolment rule: a run with a minimum, starting within two weeks and not
    yet started, with fewer trainees enrolled than the minimum."""
    if run.minimum_enrolments is None or enrolled >= run.minimum_enrolments:
        return False
    starts = run_start(run)
    return starts is not None and now < starts <= now + BELOW_MINIMUM_WARNING


def runs_below_minimum(
    runs: QuerySet[CourseRunPage] | None = None, *, now: datetime | None = None
) -> list[CourseRunPage]:
    """Published runs (of ``runs``, e.g. those a trainer may see) below their minimum number
    of enrolments two weeks before they start, each annotated with ``enrolled``; for the
    trainer runs page and anything that warns."""
    now = now or timezone.now()
    runs = CourseRunPage.objects.all() if runs is None else runs
    runs = CourseRunPage.with_first_workshop(
        runs.live()
        .filter(minimum_enrolments__isnull=False)
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ACTIVE))
        )
    )
    return [run for run in runs if is_below_minimum(run, enrolled=run.enrolled, now=now)]


# Changes to sessions ------------------------------------------------------------------------


def session_changes(sessions: Iterable[SessionPage]) -> dict[int, SessionChange]:
    """Session id -> its recorded schedule (sequence, cancellation), in one query."""
    ids = [session.pk for session in sessions]
    return {
        change.session_id: change for change in SessionChange.objects.filter(session_id__in=ids)
    }


def session_cancelled(session: SessionPage) -> bool:
    return SessionChange.objects.filter(session=session, cancelled_at__isnull=False).exists()
