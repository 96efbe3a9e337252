"""The evaluation report: statistics per footstep and overall, participant flow, sample.

``export_statistics`` is the single source of the numbers the dashboard shows and every
aggregate export writes, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from analytics import stats
from analytics.selectors import (
    CourseRunRef,
    EvaluationData,
    evaluation_data,
    participant_flow,
    sample_description,
)

EFFECT_SIZE_VARIANTS = {
    "cohens_dz": "Cohen's d_z: mean difference / SD of the differences (= t / sqrt(n)); "
    "the paired-design effect size, with an exact 95% CI from the noncentral t distribution.",
    "d_av": "Cohen's d_av: mean difference / mean of the baseline and follow-up SDs; "
    "comparable with between-subjects d (Cumming 2012; Lakens 2013).",
    "hedges_g_av": "Hedges' g_av: d_av with Hedges' small-sample correction J(n - 1).",
}

SMALL_NUMBER_NOTE = (
    'Counts below {n} are shown as "<{n}" so that no individual can be singled out; '
    "shares based on such counts are withheld."
)


def export_statistics(
    *,
    course_runs: Sequence[CourseRunRef] | None = None,
    small_number_threshold: int | None = None,
) -> dict[str, Any]:
    """The full report for some course runs (``None``: all runs pooled), ready for JSON.

    ``small_number_threshold`` defaults to ``settings.ANALYTICS_SMALL_NUMBER_THRESHOLD``;
    pass 0 to switch the small-number rule off.
    """
    return build_report(
        evaluation_data(course_runs=course_runs),
        small_number_threshold=small_number_threshold,
    )


def build_report(
    data: EvaluationData, *, small_number_threshold: int | None = None
) -> dict[str, Any]:
    """The report of already loaded data (see ``export_statistics``)."""
    threshold = (
        settings.ANALYTICS_SMALL_NUMBER_THRESHOLD
        if small_number_threshold is None
        else small_number_threshold
    )
    baseline, follow_up = data.analysed_ratings()
    result = stats.evaluate(baseline, follow_up, data.item_footsteps)
    footsteps = []
    for number, (comparison, p_holm) in enumerate(
        zip(result.footsteps, result.p_holm, strict=True), start=1
    ):
        footsteps.append(
            {
                "footstep": number,
                "title": data.footstep_titles[number - 1],
                **comparison.as_dict(),
                "p_holm": p_holm,
            }
        )
    report = {
        "course_runs": [run.slug for run in data.course_runs],
        "all_course_runs": data.all_course_runs,
        "footsteps": footsteps,
        "overall": result.overall.as_dict(),
        "flow": participant_flow(data),
        "sample": sample_description(data),
        "effect_size_variants": EFFECT_SIZE_VARIANTS,
        "small_number_threshold": threshold,
    }
    if threshold > 0:
        _suppress_small_numbers(report, threshold)
    return report


def _suppress_small_numbers(report: dict[str, Any], threshold: int) -> None:
    """Replace every count below ``threshold`` by ``"<threshold"`` (in place)."""

    def small(count: int) -> bool:
        return count < threshold

    masked = f"<{threshold}"
    for row in [*report["footsteps"], report["overall"]]:
        if small(row["n_pairs"]):
            row["n_pairs"] = masked
    report["flow"] = {
        key: masked if small(count) else count for key, count in report["flow"].items()
    }
    sample = report["sample"]
    if small(sample["baseline_respondents"]):
        sample["baseline_respondents"] = masked
    for row in sample["professions"]:
        if small(row["count"]):
            row["count"] = masked
    for key in ("years_experience", "optional_sessions_attended"):
        if small(sample[key]["n"]):
            sample[key]["n"] = masked
    for key in ("uses_resources_at_baseline", "used_resources_at_follow_up"):
        share = sample[key]
        count, n = share["count"], share["n"]
        # The complement would give the hidden count away too.
        if small(count) or small(n - count):
            share["share"] = None
        share["count"] = masked if small(count) else count
        share["n"] = masked if small(n) else n
    report["small_number_note"] = SMALL_NUMBER_NOTE.format(n=threshold)
