"""Reads for the evaluation: one query per table, turned into arrays for ``analytics.stats``.

Only consenting participants count (imported ones carry a consent date from the import).
Whether a participant completed the mandatory part comes from attendance while they are
linked to an enrolment, and from ``Participant.mandatory_completed`` otherwise (imported
records, and accounts deleted after consenting).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, reduce

import numpy as np
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from analytics import stats
from assessments.models import Participant, Response, Statement
from courses.models import CourseRunPage, Enrolment
from courses.selectors import enrolments_with_progress

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


def course_run_choices() -> list[CourseRunRef]:
    """Every course run an evaluator can choose, oldest first (one query)."""
    rows = CourseRunPage.objects.order_by("path").values_list("id", "slug", "title")
    return [CourseRunRef(*row) for row in rows]


def course_runs_by_slug(slugs: Iterable[str]) -> list[CourseRunRef]:
    """The course runs with these slugs, in the order given.

    Raises
    ------
    UnknownCourseRunError
        If any slug matches no course run; the message lists the unknown ones.
    """
    wanted = list(dict.fromkeys(slugs))
    found = {
        slug: CourseRunRef(id_, slug, title)
        for id_, slug, title in CourseRunPage.objects.filter(slug__in=wanted).values_list(
            "id", "slug", "title"
        )
    }
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise UnknownCourseRunError(f"No course run with the slug(s): {', '.join(unknown)}.")
    return [found[slug] for slug in wanted]


@dataclass(frozen=True, eq=False)
class EvaluationData:
    """Everything the analysis needs for a selection of course runs, as arrays.

    Participants are the consenting ones with at least one response, indexed ``0..P-1`` in
    id order; responses are rows ``0..R-1`` and point at their participant through
    ``response_participant``. Codes, runs, sources and free text are loaded only for the
    row-level exports (``row_level=True``), else None / empty.
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
    response_is_baseline: np.ndarray
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
    def baseline_row(self) -> np.ndarray:
        """(P,) row of each participant's baseline response, -1 if none."""
        return self._row_of_wave(self.response_is_baseline)

    @cached_property
    def follow_up_row(self) -> np.ndarray:
        """(P,) row of each participant's follow-up response, -1 if none."""
        return self._row_of_wave(~self.response_is_baseline)

    def _row_of_wave(self, in_wave: np.ndarray) -> np.ndarray:
        rows = np.full(self.participant_ids.size, -1, dtype=np.int64)
        # One response per participant and wave is a database constraint, so no collisions.
        rows[self.response_participant[in_wave]] = np.flatnonzero(in_wave)
        return rows

    @cached_property
    def matched(self) -> np.ndarray:
        """(P,) whether the participant answered both waves."""
        return (self.baseline_row >= 0) & (self.follow_up_row >= 0)

    @cached_property
    def compared(self) -> np.ndarray:
        """(P,) matched participants who completed the mandatory part: the analysis sample."""
        return self.matched & self.mandatory_completed

    def analysed_ratings(self) -> tuple[np.ndarray, np.ndarray]:
        """Baseline and follow-up ratings of the analysis sample, row i = same participant."""
        return (
            self.ratings[self.baseline_row[self.compared]],
            self.ratings[self.follow_up_row[self.compared]],
        )


def _selection_filter(course_runs: Sequence[CourseRunRef] | None, prefix: str = "") -> Q:
    if course_runs is None:
        return Q()
    return Q(**{f"{prefix}course_run_id__in": [run.id for run in course_runs]})


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
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
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


class _BigInt(Cast):
    """bigint, so PostgreSQL never overflows a 4-byte intermediate; SQLite's integers are
    64-bit already, and the cast would cost time on every row."""

    def __init__(self, expression):
        super().__init__(expression, BigIntegerField())

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


def _pack(digits: Sequence[tuple[Expression, int | None]]) -> ExpressionWrapper:
    """Several small non-negative integers as one: digit i in base ``size`` i.

    Every Python object fetched costs time, so a response's 14 ratings (base 6, 0 for
    unanswered) travel as one integer, and its coded answers as another; only the last
    digit may be unbounded (size None). ``_unpack`` reverses it.
    """
    terms, multiplier = [], 1
    for expression, size in digits:
        terms.append(_BigInt(expression) * Value(multiplier))
        multiplier *= size or 1
    return ExpressionWrapper(reduce(operator.add, terms), output_field=BigIntegerField())


def _unpack(packed: np.ndarray, sizes: Sequence[int | None]) -> list[np.ndarray]:
    remaining, digits = packed.astype(np.int64), []
    for size in sizes[:-1]:
        remaining, digit = np.divmod(remaining, size)
        digits.append(digit)
    return [*digits, remaining]


RATING_BASE = 6  # ratings 1..5, 0 = unanswered
# Coded by position; any other value (blank, unknown) gets the next code.
PROFESSIONS = Response.Profession.values
RESOURCE_USES = Response.ResourceUse.values
ANSWER_SIZES = [len(PROFESSIONS) + 1, 3, len(RESOURCE_USES) + 1, 3, None]


def _coded_answers() -> ExpressionWrapper:
    """A response's coded answers and its participant's stored completion, in one integer."""
    return _pack(
        [
            (_index_of("profession", PROFESSIONS), ANSWER_SIZES[0]),
            (_index_of("uses_resources", [False, True]), ANSWER_SIZES[1]),
            (_index_of("resource_use", RESOURCE_USES), ANSWER_SIZES[2]),
            (_index_of("participant__mandatory_completed", [False, True]), ANSWER_SIZES[3]),
            # optional sessions + 1, 0 = not answered
            (Coalesce(F("optional_sessions_attended") + 1, Value(0)), ANSWER_SIZES[4]),
        ]
    )


def evaluation_data(
    *, course_runs: Sequence[CourseRunRef] | None = None, row_level: bool = False
) -> EvaluationData:
    """Load the evaluation data of some course runs (``None``: all runs pooled).

    Five queries whatever the number of participants: course runs, statements, enrolments
    with their attendance and participant, participant counts, responses. ``row_level``
    adds one query for the participants' codes and one for the responses' free text.
    """
    all_runs = course_runs is None
    runs = tuple(course_run_choices()) if all_runs else tuple(course_runs)
    selection = _selection_filter(None if all_runs else runs)
    items, footstep_titles = _instrument_items()
    codes = [item.code for item in items]

    enrolments = _numeric_rows(
        enrolments_with_progress(Enrolment.objects.filter(selection))
        .order_by()
        .values_list("participant__id", "mandatory_completed", "optional_attended"),
        3,
    )
    # By research record; enrolments without one (NaN) sort last, beyond every id.
    enrolments = enrolments[np.argsort(enrolments[:, 0], kind="stable")]
    counts = Participant.objects.filter(selection).aggregate(
        consented=Count("id", filter=Q(consented_at__isnull=False)),
        unlinked=Count("id", filter=Q(enrolment__isnull=True)),
    )

    consenting_responses = Response.objects.filter(
        _selection_filter(None if all_runs else runs, "participant__"),
        participant__consented_at__isnull=False,
    ).order_by()  # rows are matched by key, so the model's ordering would only cost a sort
    responses = _numeric_rows(
        consenting_responses.annotate(
            key=F("participant_id") * 2 + _index_of("wave", [Response.Wave.BASELINE]),
            ratings=_pack([(Coalesce(F(code), Value(0)), RATING_BASE) for code in codes]),
            years=Cast("years_experience", FloatField()),
            answers=_coded_answers(),
        ).values_list("key", "ratings", "years", "answers"),
        4,
    )
    keys = responses[:, 0].astype(np.int64)
    is_baseline = keys % 2 == 0
    ids, first_row, response_participant = np.unique(
        keys // 2, return_index=True, return_inverse=True
    )
    ratings = np.column_stack(_unpack(responses[:, 1], [RATING_BASE] * len(codes))).astype(float)
    ratings[ratings == 0] = np.nan
    profession, uses_resources, resource_use, stored_completed, optional_plus_one = _unpack(
        responses[:, 3], ANSWER_SIZES
    )

    # Attendance decides for participants linked to an enrolment; else the stored flag.
    position = np.searchsorted(enrolments[:, 0], ids)
    found = position < enrolments.shape[0]
    found[found] = enrolments[position[found], 0] == ids[found]
    mandatory = stored_completed[first_row] == 1
    mandatory[found] = enrolments[position[found], 1] == 1
    optional = np.full(ids.size, np.nan)
    optional[found] = enrolments[position[found], 2]
    # Where attendance is unknown, the follow-up answer on optional sessions stands in.
    reported = np.where(optional_plus_one > 0, optional_plus_one - 1.0, np.nan)
    follow_up = ~is_baseline & ~np.isnan(reported)
    unknown = np.isnan(optional[response_participant[follow_up]])
    optional[response_participant[follow_up][unknown]] = reported[follow_up][unknown]

    participant_codes = participant_course_runs = participant_sources = None
    free_text: dict[str, np.ndarray] = {}
    if row_level:
        text = list(
            Participant.objects.filter(selection, consented_at__isnull=False)
            .order_by("id")
            .values_list("id", "code", "course_run_id", "source")
        )
        # Consenting participants without responses are in this list but not in ``ids``.
        at = np.searchsorted(np.array([row[0] for row in text], dtype=np.int64), ids)
        participant_codes = np.array([row[1] for row in text], dtype=object)[at]
        participant_course_runs = np.array([row[2] for row in text], dtype=np.int64)[at]
        participant_sources = np.array([row[3] for row in text], dtype=object)[at]
        # Ordered by participant then wave ("baseline" < "follow_up"), which is key order.
        texts = list(
            consenting_responses.order_by("participant_id", "wave").values_list(*FREE_TEXT_FIELDS)
        )
        rank = np.argsort(keys)
        for i, name in enumerate(FREE_TEXT_FIELDS):
            column = np.empty(keys.size, dtype=object)
            column[rank] = [row[i] for row in texts]
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
        response_is_baseline=is_baseline,
        ratings=ratings,
        profession=profession,
        years_experience=responses[:, 2],
        uses_resources=np.array([0.0, 1.0, np.nan])[uses_resources],
        resource_use=resource_use,
        free_text=free_text,
    )


def participant_flow(data: EvaluationData) -> dict[str, int]:
    """Counts of the study flow diagram (Figure 1), from enrolment to analysis."""
    compared = data.compared
    # Every statement belongs to a footstep, so a response has an overall score exactly
    # when it answered every statement; cheaper than scoring every response.
    answered_all = ~np.isnan(data.ratings).any(axis=1)
    incomplete = ~(
        answered_all[data.baseline_row[compared]] & answered_all[data.follow_up_row[compared]]
    )
    return {
        "enrolled": data.enrolled,
        "consented": data.consented,
        "baseline_responses": int((data.baseline_row >= 0).sum()),
        "follow_up_responses": int((data.follow_up_row >= 0).sum()),
        "matched_pairs": int(data.matched.sum()),
        "excluded_mandatory_not_completed": int((data.matched & ~data.mandatory_completed).sum()),
        "excluded_incomplete": int(incomplete.sum()),
        "analysed": int(compared.sum() - incomplete.sum()),
    }


def _share(flags: np.ndarray) -> dict[str, float | int | None]:
    """Count and share of true values among the answered (non-NaN) ones."""
    answered = flags[~np.isnan(flags)]
    count = int(answered.sum())
    return {
        "n": int(answered.size),
        "count": count,
        "share": count / answered.size if answered.size else None,
    }


def sample_description(data: EvaluationData) -> dict:
    """Who answered the baseline questionnaire, as the study's sample description.

    Professions, experience and prior resource use describe the baseline respondents;
    resource use since the training describes the follow-up respondents; optional
    sessions describe every respondent whose attendance is known.
    """
    baseline = data.response_is_baseline
    per_code = np.bincount(data.profession[baseline], minlength=len(PROFESSIONS) + 1)
    counts = [
        {"profession": value, "label": str(label), "count": int(count)}
        for (value, label), count in zip(Response.Profession.choices, per_code, strict=False)
    ]
    if per_code[-1]:
        counts.append({"profession": "", "label": "Not stated", "count": int(per_code[-1])})

    years = data.years_experience[baseline]
    years = years[~np.isnan(years)]
    follow_up_use = data.resource_use[~baseline]
    follow_up_use = follow_up_use[follow_up_use < len(RESOURCE_USES)]
    respondents = (data.baseline_row >= 0) | (data.follow_up_row >= 0)
    optional = data.optional_sessions[respondents]
    optional = optional[~np.isnan(optional)]
    return {
        "baseline_respondents": int(baseline.sum()),
        "professions": counts,
        "years_experience": {
            "n": int(years.size),
            "mean": float(years.mean()) if years.size else None,
            "sd": float(years.std(ddof=1)) if years.size > 1 else None,
            "min": float(years.min()) if years.size else None,
            "max": float(years.max()) if years.size else None,
        },
        "uses_resources_at_baseline": _share(data.uses_resources[baseline]),
        "used_resources_at_follow_up": _share(
            (follow_up_use == RESOURCE_USES.index(Response.ResourceUse.USED)).astype(float)
        ),
        "optional_sessions_attended": {
            "n": int(optional.size),
            "mean": float(optional.mean()) if optional.size else None,
        },
    }
