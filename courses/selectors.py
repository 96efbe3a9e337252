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
)
from django.db.models.functions import Lower
from django.utils import timezone

from courses.content_cache import course_content
from courses.hooks import RunFigure, run_figures
from courses.models import (
    MANDATORY_WORKSHOPS,
    Attendance,
    CourseRunPage,
    Enrolment,
    SessionPage,
    WorkshopPage,
)
from organisations.selectors import is_restricted, within_visible_organisations

# A session is mandatory exactly when it is a WorkshopPage; the reverse one-to-one from
# SessionPage to its WorkshopPage row says so inside a single SQL query.
_IS_WORKSHOP = Q(attendances__session__workshoppage__isnull=False)
_IS_QA = Q(attendances__session__qasessionpage__isnull=False)


def enrolments_with_progress(queryset: QuerySet[Enrolment] | None = None) -> QuerySet[Enrolment]:
    """Enrolments annotated with ``mandatory_attended``, ``optional_attended`` (ints) and
    ``mandatory_completed`` (bool: attended both mandatory workshops), in one query."""
    queryset = Enrolment.objects.all() if queryset is None else queryset
    return queryset.annotate(
        mandatory_attended=Count("attendances", filter=_IS_WORKSHOP, distinct=True),
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


@dataclass(frozen=True)
class SessionProgress:
    session: SessionPage
    attended: bool


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


def trainee_dashboard(user) -> list[EnrolmentProgress]:
    """The user's enrolments, newest first, with each run's published sessions and attendance.

    Six queries whatever the number of enrolments or sessions; each run comes with its
    questionnaire schedule.
    """
    enrolments = list(
        enrolments_with_progress(Enrolment.objects.filter(user=user))
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
    by_run: dict[str, list[SessionPage]] = defaultdict(list)
    for session in sessions:
        by_run[session.run_path].append(session)
    return [
        EnrolmentProgress(
            enrolment=e,
            sessions=[
                SessionProgress(s, (e.pk, s.pk) in attended) for s in by_run[e.course_run.path]
            ],
        )
        for e in enrolments
    ]


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
        Enrolment.objects.filter(course_run__path=session.run_path)
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
class RunSummary:
    """One run on the trainers' pages. A new column is one more field here, filled from one
    more annotation or one query over all runs in ``run_summaries`` (never a query per run);
    another app's figure comes through ``courses.hooks.RUN_FIGURES_HOOK`` instead."""

    run: CourseRunPage
    enrolled: int
    mandatory_completed: int
    sessions: list[SessionCount]
    figures: list[RunFigure] = field(default_factory=list)


def run_summaries(runs: QuerySet[CourseRunPage] | None = None) -> list[RunSummary]:
    """Per course run (published or not; ``runs`` narrows them, e.g. to
    ``course_runs_visible_to(user)``): enrolled, attendance per session, how many completed
    the mandatory part, and the figures other apps add.
    A fixed number of queries whatever the number of runs or sessions."""
    runs = CourseRunPage.objects.all() if runs is None else runs
    runs = list(
        runs.annotate(enrolled=Count("enrolments")).order_by("-live", "-starts_on", "title")
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
            Enrolment.objects.filter(course_run__in=runs)
        ).values_list("course_run_id", "mandatory_completed")
        if done
    )
    figures = run_figures(runs)
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
    summaries = run_summaries(runs)
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
