"""Reads for the evaluation: one query per table, turned into arrays for ``analytics.stats``.

Only consenting participants count (imported ones carry a consent date from the import):
every read of participants or their responses starts from
``assessments.selectors.research_participants()``, the one definition of who may be
analysed; only the count of everyone enrolled looks at the others. The pure report parts
computed from the loaded data are in ``analytics.sample`` and ``analytics.reports``.
Whether a participant completed the mandatory part comes from attendance while they are
linked to an enrolment, and from ``Participant.mandatory_completed`` otherwise (imported
records, and accounts deleted after consenting).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr

from analytics import stats
from analytics.packing import pack, unpack
from analytics.sections import free_text_redactor
from assessments.models import Participant, Response, Statement
from assessments.selectors import research_participants
from courses.models import CourseRunPage, Enrolment
from courses.selectors import course_runs_visible_to, enrolments_with_progress
from courses.waves import BASELINE, BASELINE_NAME, Wave
from organisations.models import Organisation
from organisations.selectors import is_restricted

FREE_TEXT_FIELDS = ("profession_other", "prior_training", "programme_feedback", "clinical_use")


class UnknownCourseRunError(ValueError):
    """One or more course-run slugs match no course run."""


@dataclass(frozen=True)
class CourseRunRef:
    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class Item:
    """One statement of the instrument: the rating column, its footstep and its wording."""

    code: str
    footstep: int
    text: str


def course_run_choices(user) -> list[CourseRunRef]:
    """Every course run ``user`` may analyse, oldest first (one query).

    ``user=None`` is the server's operator (a command run without ``--as-user``): every run.
    """
    runs = CourseRunPage.objects.all() if user is None else course_runs_visible_to(user)
    rows = runs.order_by("path").values_list("id", "slug", "title")
    return [CourseRunRef(*row) for row in rows]


def course_runs_by_slug(slugs: Iterable[str], *, user) -> list[CourseRunRef]:
    """The course runs with these slugs that ``user`` may analyse (None: any), in the order
    given; another organisation's run is unknown, exactly like a missing one.

    Raises
    ------
    UnknownCourseRunError
        If any slug matches no such course run; the message lists the unknown ones.
    """
    wanted = list(dict.fromkeys(slugs))
    runs = CourseRunPage.objects.all() if user is None else course_runs_visible_to(user)
    found = {
        slug: CourseRunRef(id_, slug, title)
        for id_, slug, title in runs.filter(slug__in=wanted).values_list("id", "slug", "title")
    }
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise UnknownCourseRunError(f"No course run with the slug(s): {', '.join(unknown)}.")
    return [found[slug] for slug in wanted]


def analysed_runs(user, course_runs: Sequence[CourseRunRef] | None) -> list[CourseRunRef] | None:
    """What "all runs pooled" (``course_runs=None``) means for ``user``: every run, as
    before organisations, for those who see them all; only their own runs (listed) for staff
    limited to organisations. A chosen selection is returned as it is (already checked
    against ``course_run_choices(user)`` or ``course_runs_by_slug``)."""
    if course_runs is not None:
        return list(course_runs)
    if user is None or not is_restricted(user):
        return None
    return course_run_choices(user)


# How the dashboard can group runs by organisation: the run's own organisation, or the
# region or integrated care board it is in.
GROUP_LEVELS = {
    "organisation": "Organisation of each run",
    "icb": "Integrated care board",
    "region": "Region",
}
NO_ORGANISATION = "No organisation"


@dataclass(frozen=True)
class RunGroup:
    label: str
    course_runs: tuple[CourseRunRef, ...]


def organisation_groups(course_runs: Sequence[CourseRunRef], level: str) -> list[RunGroup]:
    """The runs grouped by organisation at ``level`` (a key of ``GROUP_LEVELS``), in tree
    order; runs without one (or not under an organisation of that kind) come last. Two
    queries."""
    if level not in GROUP_LEVELS:
        raise ValueError(f"Unknown grouping {level!r}; use one of {', '.join(GROUP_LEVELS)}.")
    paths = dict(
        CourseRunPage.objects.filter(pk__in=[run.id for run in course_runs]).values_list(
            "pk", "organisation__path"
        )
    )
    steplen = Organisation.steplen
    ancestors = {
        path[:end]
        for path in paths.values()
        if path
        for end in range(steplen, len(path) + 1, steplen)
    }
    organisations = {org.path: org for org in Organisation.objects.filter(path__in=ancestors)}

    def group_of(path: str | None) -> Organisation | None:
        if not path:
            return None
        if level == "organisation":
            return organisations[path]
        chain = (organisations[path[:end]] for end in range(len(path), 0, -steplen))
        return next((org for org in chain if org.kind == level), None)

    grouped: dict[str, list[CourseRunRef]] = {}
    labels: dict[str, str] = {}
    for run in course_runs:
        org = group_of(paths.get(run.id))
        key = org.path if org else "~"  # after every tree path
        labels[key] = org.name if org else NO_ORGANISATION
        if org is None and level != "organisation":
            labels[key] = f"Not in any {GROUP_LEVELS[level].lower()}"
        grouped.setdefault(key, []).append(run)
    return [RunGroup(labels[key], tuple(grouped[key])) for key in sorted(grouped)]


@dataclass(frozen=True, eq=False)
class EvaluationData:
    """Everything the analysis needs for a selection of course runs, as arrays.

    Participants are the consenting ones with at least one response, indexed ``0..P-1`` in
    id order; responses are rows ``0..R-1`` and point at their participant through
    ``response_participant`` and at their wave through ``response_months`` (0 = baseline).
    Codes, runs, sources and free text are loaded only for the row-level exports
    (``row_level=True``), else None / empty.
    """

    course_runs: tuple[CourseRunRef, ...]
    all_course_runs: bool
    items: tuple[Item, ...]
    footstep_titles: tuple[str, ...]
    enrolled: int
    consented: int
    participant_ids: np.ndarray
    participant_codes: np.ndarray | None
    participant_course_runs: np.ndarray | None
    participant_sources: np.ndarray | None
    mandatory_completed: np.ndarray
    optional_sessions: np.ndarray
    response_participant: np.ndarray
    response_months: np.ndarray
    ratings: np.ndarray
    profession: np.ndarray  # index into PROFESSIONS; len(PROFESSIONS) = not stated
    years_experience: np.ndarray
    uses_resources: np.ndarray
    resource_use: np.ndarray  # index into RESOURCE_USES; len(RESOURCE_USES) = not answered
    free_text: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def item_footsteps(self) -> list[int]:
        return [item.footstep for item in self.items]

    @cached_property
    def footstep_scores(self) -> np.ndarray:
        """(R, 10) footstep scores of every response; NaN where a statement is unanswered."""
        return stats.footstep_scores(self.ratings, self.item_footsteps)

    @cached_property
    def overall_scores(self) -> np.ndarray:
        """(R,) overall score of every response; NaN unless all ten footstep scores exist."""
        return stats.overall_scores(self.footstep_scores)

    @cached_property
    def response_waves(self) -> list[Wave]:
        """The wave of each response, for the row-level exports."""
        by_months = {months: Wave(int(months)) for months in np.unique(self.response_months)}
        return [by_months[months] for months in self.response_months]

    @cached_property
    def waves(self) -> tuple[Wave, ...]:
        """The waves answered, in time order; the baseline always.

        A wave answered only by participants who are not analysed still appears (the flow
        counts them); its comparisons are then empty, with a reason.
        """
        months = np.unique(self.response_months)
        return (BASELINE, *(Wave(int(m)) for m in months if m > 0))

    @property
    def follow_ups(self) -> tuple[Wave, ...]:
        return self.waves[1:]

    @property
    def primary_wave(self) -> Wave | None:
        """The earliest follow-up: the primary comparison is with it (None: no follow-up)."""
        return self.follow_ups[0] if self.follow_ups else None

    @cached_property
    def _rows(self) -> dict[int, np.ndarray]:
        rows = {}
        for months in np.unique(self.response_months):
            in_wave = self.response_months == months
            row = np.full(self.participant_ids.size, -1, dtype=np.int64)
            # One response per participant and wave is a database constraint: no collisions.
            row[self.response_participant[in_wave]] = np.flatnonzero(in_wave)
            rows[int(months)] = row
        return rows

    def row_of(self, wave: Wave) -> np.ndarray:
        """(P,) row of each participant's response at ``wave``, -1 if none."""
        row = self._rows.get(wave.months)
        return np.full(self.participant_ids.size, -1, dtype=np.int64) if row is None else row

    def answered(self, wave: Wave) -> np.ndarray:
        """(P,) whether the participant answered ``wave``."""
        return self.row_of(wave) >= 0

    def matched(self, wave: Wave) -> np.ndarray:
        """(P,) whether the participant answered the baseline and ``wave``."""
        return self.answered(BASELINE) & self.answered(wave)

    def compared(self, wave: Wave) -> np.ndarray:
        """(P,) matched participants who completed the mandatory part: the analysis sample."""
        return self.matched(wave) & self.mandatory_completed

    def analysed_ratings(self, wave: Wave) -> tuple[np.ndarray, np.ndarray]:
        """Baseline and ``wave`` ratings of the analysis sample, row i = same participant."""
        compared = self.compared(wave)
        return (
            self.ratings[self.row_of(BASELINE)[compared]],
            self.ratings[self.row_of(wave)[compared]],
        )

    def at_wave(self, values: np.ndarray, wave: Wave) -> np.ndarray:
        """Rows of a per-response array (ratings, scores) for the analysed participants at
        ``wave``, row i = the i-th analysed participant; NaN where they did not answer."""
        row = self.row_of(wave)[self.mandatory_completed]
        out = np.full((row.size, *values.shape[1:]), np.nan)
        out[row >= 0] = values[row[row >= 0]]
        return out

    def scores_by_wave(self, column: int | None) -> np.ndarray:
        """(P_included, waves) one score of the analysed participants at every wave.

        ``column`` is a footstep index (0..9), or None for the overall score; NaN where a
        participant has no such score at a wave.
        """
        scores = self.overall_scores if column is None else self.footstep_scores[:, column]
        return np.column_stack([self.at_wave(scores, wave) for wave in self.waves])


def _selection_filter(course_runs: Sequence[CourseRunRef] | None, prefix: str = "") -> Q:
    if course_runs is None:
        return Q()
    return Q(**{f"{prefix}course_run_id__in": [run.id for run in course_runs]})


def _enrolment_selection(selection: Q) -> Q:
    """The enrolments of the selected runs, as the evaluation counts them: a trainee with a
    research record belongs to its run (where the baseline was answered), even if since
    moved to another; one without counts on their run while enrolled (not after withdrawing).
    """
    research_run = Q(participant__isnull=False) & _prefixed(selection, "participant__")
    return research_run | (Q(participant__isnull=True, status=Enrolment.Status.ACTIVE) & selection)


def _prefixed(selection: Q, prefix: str) -> Q:
    return Q(*((prefix + key, value) for key, value in selection.children))


def _instrument_items() -> tuple[tuple[Item, ...], tuple[str, ...]]:
    """Statements of the current instrument (else the newest) and the footstep titles."""
    rows = list(
        Statement.objects.order_by(
            "-instrument__is_current", "-instrument__version", "position"
        ).values_list("instrument_id", "code", "footstep__number", "footstep__title", "text")
    )
    if not rows:
        raise LookupError("No instrument with statements exists; run the migrations.")
    instrument_id = rows[0][0]
    items, titles = [], {}
    for row_instrument, code, number, title, text in rows:
        if row_instrument == instrument_id:
            items.append(Item(code, number, text))
            titles[number] = title
    return tuple(items), tuple(titles.get(n, f"Footstep {n}") for n in range(1, 11))


def _numeric_rows(queryset, width: int) -> np.ndarray:
    """Rows of a ``values_list`` of numeric columns as a float array (NULL becomes NaN).

    The ORM's SQL runs on the cursor directly: at 100,000 participants Django's per-value
    converters cost more than the query itself, and these columns are plain numbers.
    """
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # an empty selection (staff whose organisations have no runs)
        return np.empty((0, width))
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.array(rows, dtype=float).reshape(len(rows), width)


def _index_of(field: str, values: Sequence) -> Case:
    """Position of the field's value in ``values``; ``len(values)`` for anything else."""
    return Case(
        *[When(**{field: value}, then=Value(i)) for i, value in enumerate(values)],
        default=Value(len(values)),
        output_field=IntegerField(),
    )


RATING_BASE = 6  # ratings 1..5, 0 = unanswered
# Coded by position; any other value (blank, unknown) gets the next code.
PROFESSIONS = Response.Profession.values
RESOURCE_USES = Response.ResourceUse.values
YES_NO = [False, True]
# The coded answers packed into one integer per response, in order: each coded by its
# position among its values, with one more code for anything else (blank, unknown) ...
CODED_ANSWERS = {
    "profession": PROFESSIONS,
    "uses_resources": YES_NO,
    "resource_use": RESOURCE_USES,
    "participant__mandatory_completed": YES_NO,
}
# ... and last the optional sessions attended + 1 (0 = not answered), which has no bound.
PACKED_ANSWER_SIZES = [len(values) + 1 for values in CODED_ANSWERS.values()] + [None]


def _coded_answers() -> ExpressionWrapper:
    """A response's coded answers and its participant's stored completion, in one integer."""
    coded = [(_index_of(field, values), len(values) + 1) for field, values in CODED_ANSWERS.items()]
    optional_plus_one = Coalesce(F("optional_sessions_attended") + 1, Value(0))
    return pack([*coded, (optional_plus_one, None)])


def _months() -> Case:
    """A response's wave as months after the training: 0 for the baseline, N for month_N."""
    return Case(
        When(wave=BASELINE_NAME, then=Value(0)),
        default=Cast(Substr("wave", len("month_") + 1), IntegerField()),
        output_field=IntegerField(),
    )


def _free_text_redact(response_ids: list[int], columns: dict[str, list[str]]) -> dict:
    redactor = free_text_redactor()
    if redactor is None:
        # Never hand out free text unredacted: the qualitative app registers the redactor.
        raise RuntimeError("No free-text redactor is registered (is qualitative installed?).")
    return redactor(response_ids, columns)


def evaluation_data(
    *, course_runs: Sequence[CourseRunRef] | None = None, row_level: bool = False
) -> EvaluationData:
    """Load the evaluation data of some course runs (``None``: all runs pooled).

    Five queries whatever the number of participants: course runs, statements, enrolments
    with their attendance and participant, participant counts, responses. ``row_level``
    adds one query for the participants' codes and one for the responses' free text.
    """
    all_runs = course_runs is None
    runs = tuple(course_run_choices(None)) if all_runs else tuple(course_runs)
    selection = _selection_filter(None if all_runs else runs)
    items, footstep_titles = _instrument_items()
    codes = [item.code for item in items]

    enrolments = _numeric_rows(
        enrolments_with_progress(Enrolment.objects.filter(_enrolment_selection(selection)))
        .order_by()
        .values_list("participant__id", "mandatory_completed", "optional_attended"),
        3,
    )
    # By research record; enrolments without one (NaN) sort last, beyond every id.
    enrolments = enrolments[np.argsort(enrolments[:, 0], kind="stable")]
    research = research_participants().filter(selection)
    counts = Participant.objects.filter(selection).aggregate(
        consented=Count("id", filter=Q(id__in=research.values("id"))),
        unlinked=Count("id", filter=Q(enrolment__isnull=True)),
    )

    consenting_responses = Response.objects.filter(
        participant__in=research.values("id")
    ).order_by()  # rows are matched by key, so the model's ordering would only cost a sort
    responses = _numeric_rows(
        consenting_responses.annotate(
            months=_months(),
            ratings=pack([(Coalesce(F(code), Value(0)), RATING_BASE) for code in codes]),
            years=Cast("years_experience", FloatField()),
            answers=_coded_answers(),
        ).values_list("participant_id", "months", "ratings", "years", "answers"),
        5,
    )
    months = responses[:, 1].astype(np.int64)
    ids, first_row, response_participant = np.unique(
        responses[:, 0].astype(np.int64), return_index=True, return_inverse=True
    )
    ratings = np.column_stack(unpack(responses[:, 2], [RATING_BASE] * len(codes))).astype(float)
    ratings[ratings == 0] = np.nan
    profession, uses_resources, resource_use, stored_completed, optional_plus_one = unpack(
        responses[:, 4], PACKED_ANSWER_SIZES
    )

    # Attendance decides for participants linked to an enrolment; else the stored flag.
    position = np.searchsorted(enrolments[:, 0], ids)
    found = position < enrolments.shape[0]
    found[found] = enrolments[position[found], 0] == ids[found]
    mandatory = stored_completed[first_row] == 1
    mandatory[found] = enrolments[position[found], 1] == 1
    optional = np.full(ids.size, np.nan)
    optional[found] = enrolments[position[found], 2]
    # Where attendance is unknown, the follow-up answers on optional sessions stand in: the
    # largest, as each follow-up counts the sessions attended so far.
    reported = np.where((optional_plus_one > 0) & (months > 0), optional_plus_one - 1.0, np.nan)
    from_answers = np.full(ids.size, np.nan)
    np.fmax.at(from_answers, response_participant, reported)
    optional = np.where(np.isnan(optional), from_answers, optional)

    participant_codes = participant_course_runs = participant_sources = None
    free_text: dict[str, np.ndarray] = {}
    if row_level:
        text = list(research.order_by("id").values_list("id", "code", "course_run_id", "source"))
        # Consenting participants without responses are in this list but not in ``ids``.
        at = np.searchsorted(np.array([row[0] for row in text], dtype=np.int64), ids)
        participant_codes = np.array([row[1] for row in text], dtype=object)[at]
        participant_course_runs = np.array([row[2] for row in text], dtype=np.int64)[at]
        participant_sources = np.array([row[3] for row in text], dtype=object)[at]
        # In (participant, months) order, which the rank of the rows above gives back.
        texts = list(
            consenting_responses.annotate(months=_months())
            .order_by("participant_id", "months")
            .values_list("id", *FREE_TEXT_FIELDS)
        )
        rank = np.lexsort((months, responses[:, 0]))
        redacted = _free_text_redact(
            [row[0] for row in texts],
            {name: [row[i] for row in texts] for i, name in enumerate(FREE_TEXT_FIELDS, start=1)},
        )
        for name in FREE_TEXT_FIELDS:
            column = np.empty(months.size, dtype=object)
            column[rank] = redacted[name]
            free_text[name] = column

    return EvaluationData(
        course_runs=runs,
        all_course_runs=all_runs,
        items=items,
        footstep_titles=footstep_titles,
        # Everyone enrolled: live enrolments plus records that no longer (or never) had one.
        enrolled=enrolments.shape[0] + counts["unlinked"],
        consented=counts["consented"],
        participant_ids=ids,
        participant_codes=participant_codes,
        participant_course_runs=participant_course_runs,
        participant_sources=participant_sources,
        mandatory_completed=mandatory,
        optional_sessions=optional,
        response_participant=response_participant,
        response_months=months,
        ratings=ratings,
        profession=profession,
        years_experience=responses[:, 3],
        uses_resources=np.array([0.0, 1.0, np.nan])[uses_resources],
        resource_use=resource_use,
        free_text=free_text,
    )
