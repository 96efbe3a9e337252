"""Reads for the course: progress, schedules, registers and per-run summaries.

This module is the one place that decides what "attended" and "completed the mandatory
part" mean; assessments and analytics import these functions rather than counting rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
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
    Subquery,
)
from django.db.models.functions import Lower
from wagtail import hooks
from wagtail.models import Page

from courses.content_cache import course_content
from courses.models import (
    MANDATORY_WORKSHOPS,
    Attendance,
    CourseIndexPage,
    CourseRunPage,
    Enrolment,
    FootstepLibraryPage,
    FootstepModulePage,
    SessionPage,
    WorkshopPage,
)
from home.roles import is_trainer

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


def is_mandatory_complete(enrolment: Enrolment) -> bool:
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


def run_sessions(course_run: CourseRunPage, *, live_only: bool = True) -> list[SessionPage]:
    """The run's sessions as their specific types (WorkshopPage / QASessionPage), by start."""

    def sessions(queryset: QuerySet[SessionPage]) -> list[SessionPage]:
        return list(queryset.order_by("starts_at", "path").specific())

    every = SessionPage.objects.child_of(course_run)
    if not live_only:
        return sessions(every)
    return course_content.get_or_compute(
        f"run:{course_run.pk}:sessions", lambda: sessions(every.live())
    )


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


def can_join(user, session: SessionPage) -> bool:
    """The joining link is for trainers and trainees enrolled on the session's run."""
    if not user.is_authenticated:
        return False
    if is_trainer(user):
        return True
    return Enrolment.objects.filter(
        user=user, course_run__path=session.path[: -SessionPage.steplen]
    ).exists()


def with_first_workshop(runs: QuerySet[CourseRunPage]) -> QuerySet[CourseRunPage]:
    """Annotate ``first_workshop_at``: run lists show it when a run has no dates set."""
    first_workshop = (
        WorkshopPage.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return runs.annotate(first_workshop_at=Subquery(first_workshop))


def course_runs_for_index(index: CourseIndexPage) -> list[CourseRunPage]:
    """Published runs under ``index``, newest first, each with ``first_workshop_at``."""
    return list(
        with_first_workshop(CourseRunPage.objects.child_of(index).live()).order_by(
            "-enrolment_open", "-starts_on", "-first_workshop_at", "title"
        )
    )


def footstep_modules(library: FootstepLibraryPage | None = None) -> list[FootstepModulePage]:
    """Published footstep modules in footstep order (all libraries when none is given)."""
    modules = course_content.get_or_compute(
        "modules",
        lambda: list(
            FootstepModulePage.objects.live()
            .select_related("footstep")
            .order_by("footstep__number", "path")
        ),
    )
    if library is None:
        return modules
    return [m for m in modules if m.depth == library.depth + 1 and m.path.startswith(library.path)]


def parent_page(page: Page) -> Page:
    """The page's parent as its specific type (breadcrumbs on every module page)."""
    return course_content.get_or_compute(f"parent:{page.pk}", lambda: page.get_parent().specific)


def open_runs(*, excluding: Iterable[int] = ()) -> list[CourseRunPage]:
    """Published runs open for enrolment, soonest first, each with ``first_workshop_at``."""
    runs = course_content.get_or_compute(
        "open-runs",
        lambda: list(
            with_first_workshop(CourseRunPage.objects.live().filter(enrolment_open=True)).order_by(
                "starts_on", "first_workshop_at", "title"
            )
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
        by_run[session.path[: -SessionPage.steplen]].append(session)
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
    run_path = session.path[: -SessionPage.steplen]
    enrolments = (
        Enrolment.objects.filter(course_run__path=run_path)
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
    completed_mandatory: int
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
        by_run[session.path[: -SessionPage.steplen]].append(SessionCount(session, session.attended))
    return [
        RunSummary(
            run=run,
            enrolled=run.enrolled,
            completed_mandatory=completed[run.pk],
            sessions=by_run[run.path],
        )
        for run in runs
    ]


# Other apps link their trainer pages about a run (assessments: its follow-ups) through this
# Wagtail hook, so courses shows them without importing those apps. A hook function takes
# (run, user) and returns the RunLinks that user may follow.
RUN_LINKS_HOOK = "register_course_run_links"


@dataclass(frozen=True)
class RunLink:
    label: str
    url: str


def run_links(run: CourseRunPage, user) -> list[RunLink]:
    """The links other apps offer ``user`` for ``run`` (no queries of its own)."""
    return [link for hook in hooks.get_hooks(RUN_LINKS_HOOK) for link in hook(run, user)]
