"""Reads for the evaluation: one query per table, turned into arrays for ``analytics.stats``.

Only consenting participants count (imported ones carry a consent date from the import).
Whether a participant completed the mandatory part comes from attendance while they are
linked to an enrolment, and from ``Participant.mandatory_completed`` otherwise (imported
records, and accounts deleted after consenting).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q
from django.db.models.functions import Cast

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

    Participants (consenting only) are indexed ``0..P-1`` in id order; responses are rows
    ``0..R-1`` and point at their participant through ``response_participant``.
    """

    course_runs: tuple[CourseRunRef, ...]
    all_course_runs: bool
    items: tuple[Item, ...]
    footstep_titles: tuple[str, ...]
    enrolled: int
    participant_codes: np.ndarray
    participant_course_runs: np.ndarray
    participant_sources: np.ndarray
    mandatory_completed: np.ndarray
    optional_sessions: np.ndarray
    response_participant: np.ndarray
    response_is_baseline: np.ndarray
    ratings: np.ndarray
    profession: np.ndarray
    years_experience: np.ndarray
    uses_resources: np.ndarray
    resource_use: np.ndarray
    free_text: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def item_footsteps(self) -> list[int]:
        return [item.footstep for item in self.items]

    @property
    def consented(self) -> int:
        return int(self.participant_codes.size)

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
        rows = np.full(self.consented, -1, dtype=np.int64)
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


def evaluation_data(
    *, course_runs: Sequence[CourseRunRef] | None = None, with_free_text: bool = False
) -> EvaluationData:
    """Load the evaluation data of some course runs (``None``: all runs pooled).

    Five queries whatever the number of participants: course runs, statements, enrolments
    with their attendance, participants, responses.
    """
    all_runs = course_runs is None
    runs = tuple(course_run_choices()) if all_runs else tuple(course_runs)
    items, footstep_titles = _instrument_items()

    enrolment_rows = list(
        enrolments_with_progress(
            Enrolment.objects.filter(_selection_filter(None if all_runs else runs))
        )
        .order_by("id")
        .values_list("id", "mandatory_completed", "optional_attended")
    )
    enrolment_ids = np.array([row[0] for row in enrolment_rows], dtype=np.int64)
    enrolment_completed = np.array([bool(row[1]) for row in enrolment_rows], dtype=bool)
    enrolment_optional = np.array([row[2] or 0 for row in enrolment_rows], dtype=float)

    participant_rows = list(
        Participant.objects.filter(_selection_filter(None if all_runs else runs))
        .annotate(
            consented=ExpressionWrapper(Q(consented_at__isnull=False), output_field=BooleanField())
        )
        .order_by("id")
        .values_list(
            "id",
            "code",
            "course_run_id",
            "source",
            "enrolment_id",
            "mandatory_completed",
            "consented",
        )
    )
    # Everyone enrolled: live enrolments plus records that no longer (or never) had one.
    enrolled = len(enrolment_rows) + sum(1 for row in participant_rows if row[4] is None)
    consenting = [row for row in participant_rows if row[6]]
    ids = np.array([row[0] for row in consenting], dtype=np.int64)
    linked = np.array([row[4] if row[4] is not None else -1 for row in consenting], dtype=np.int64)
    stored_completed = np.array([bool(row[5]) for row in consenting], dtype=bool)

    # Attendance decides for linked participants; the stored flag for everyone else.
    position = np.searchsorted(enrolment_ids, linked)
    found = position < enrolment_ids.size
    found[found] = enrolment_ids[position[found]] == linked[found]
    mandatory = stored_completed.copy()
    mandatory[found] = enrolment_completed[position[found]]
    optional = np.full(ids.size, np.nan)
    optional[found] = enrolment_optional[position[found]]

    codes = [item.code for item in items]
    free_text = FREE_TEXT_FIELDS if with_free_text else ()
    response_rows = list(
        Response.objects.filter(
            _selection_filter(None if all_runs else runs, "participant__"),
            participant__consented_at__isnull=False,
        )
        .annotate(years=Cast("years_experience", FloatField()))
        .values_list(
            "participant_id",
            "wave",
            "profession",
            "years",
            "uses_resources",
            "resource_use",
            "optional_sessions_attended",
            *free_text,
            *codes,
        )
    )
    columns = (
        list(zip(*response_rows, strict=True))
        if response_rows
        else [()] * (7 + len(free_text) + len(codes))
    )
    response_participant = np.searchsorted(ids, np.array(columns[0], dtype=np.int64))
    is_baseline = np.array(columns[1], dtype=object) == Response.Wave.BASELINE
    ratings = np.array(columns[7 + len(free_text) :], dtype=float).T.reshape(-1, len(codes))

    # Where attendance is unknown, the follow-up answer on optional sessions stands in.
    reported = np.array(columns[6], dtype=float)
    follow_up = ~is_baseline & ~np.isnan(reported)
    unknown = np.isnan(optional[response_participant[follow_up]])
    optional[response_participant[follow_up][unknown]] = reported[follow_up][unknown]

    return EvaluationData(
        course_runs=runs,
        all_course_runs=all_runs,
        items=items,
        footstep_titles=footstep_titles,
        enrolled=enrolled,
        participant_codes=np.array([row[1] for row in consenting], dtype=object),
        participant_course_runs=np.array([row[2] for row in consenting], dtype=np.int64),
        participant_sources=np.array([row[3] for row in consenting], dtype=object),
        mandatory_completed=mandatory,
        optional_sessions=optional,
        response_participant=response_participant,
        response_is_baseline=is_baseline,
        ratings=ratings,
        profession=np.array(columns[2], dtype=object),
        years_experience=np.array(columns[3], dtype=float),
        uses_resources=np.array(columns[4], dtype=float),
        resource_use=np.array(columns[5], dtype=object),
        free_text={
            name: np.array(columns[7 + i], dtype=object) for i, name in enumerate(free_text)
        },
    )


def participant_flow(data: EvaluationData) -> dict[str, int]:
    """Counts of the study flow diagram (Figure 1), from enrolment to analysis."""
    compared = data.compared
    incomplete = np.isnan(data.overall_scores[data.baseline_row[compared]]) | np.isnan(
        data.overall_scores[data.follow_up_row[compared]]
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
    professions = data.profession[baseline]
    counts = [
        {"profession": value, "label": str(label), "count": int((professions == value).sum())}
        for value, label in Response.Profession.choices
    ]
    not_stated = int((professions == "").sum())
    if not_stated:
        counts.append({"profession": "", "label": "Not stated", "count": not_stated})

    years = data.years_experience[baseline]
    years = years[~np.isnan(years)]
    follow_up_use = data.resource_use[~baseline]
    follow_up_use = follow_up_use[follow_up_use != ""]
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
            (follow_up_use == Response.ResourceUse.USED).astype(float)
        ),
        "optional_sessions_attended": {
            "n": int(optional.size),
            "mean": float(optional.mean()) if optional.size else None,
        },
    }
