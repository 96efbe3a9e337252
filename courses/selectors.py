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
from operator import or_

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
from courses.models import (
    MANDATORY_WORKSHOPS,
    Attendance,
    CourseRunPage,
    Enrolment,
    FootstepModulePage,
    ModuleCompletion,
    SessionPage,
    WorkshopPage,
)

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


def _session_progress(session: SessionPage, attended: bool, now: datetime) -> SessionProgress:
    is_past = session.ends_at <= now
    join_soon = (
        bool(session.joining_url) and not is_past and session.starts_at - JOINING_LINK_AHEAD <= now
    )
    return SessionProgress(session, attended, is_past=is_past, join_soon=join_soon)


def trainee_dashboard(user, *, now: datetime | None = None) -> list[EnrolmentProgress]:
    """The user's enrolments, newest first, with each run's published sessions and attendance.

    Six queries whatever the number of enrolments or sessions; each run comes with its
    questionnaire schedule.
    """
    now = now or timezone.now()
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
                _session_progress(s, (e.pk, s.pk) in attended, now)
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
    run: CourseRunPage
    enrolled: int
    mandatory_completed: int
    sessions: list[SessionCount]


def run_summaries() -> list[RunSummary]:
    """Per course run (published or not): enrolled, attendance per session and how many
    completed the mandatory part. Six queries whatever the number of runs or sessions."""
    runs = list(
        CourseRunPage.objects.annotate(enrolled=Count("enrolments")).order_by(
            "-live", "-starts_on", "title"
        )
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
    by_run: dict[str, list[SessionCount]] = defaultdict(list)
    for session in sessions:
        by_run[session.run_path].append(SessionCount(session, session.attended))
    return [
        RunSummary(
            run=run,
            enrolled=run.enrolled,
            mandatory_completed=completed[run.pk],
            sessions=by_run[run.path],
        )
        for run in runs
    ]
