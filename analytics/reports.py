"""The evaluation report: statistics per footstep and overall, participant flow, sample.

``build_report`` (of loaded ``EvaluationData``) is the single source of the numbers the
dashboard shows and every aggregate export writes, so they can never disagree;
``course_runs_report`` loads the data of some course runs and builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings
from scipy import special

from analytics import stats
from analytics.sample import participant_flow, sample_description
from analytics.selectors import CourseRunRef, EvaluationData, RunGroup, evaluation_data
from courses.waves import BASELINE, Wave

FOOTSTEP_NUMBERS = range(1, stats.FOOTSTEP_COUNT + 1)
# The stages of the participant flow (the study's Figure 1), in order; every page, file and
# image of the flow uses these words.
FLOW_LABELS = {
    "enrolled": "Enrolled on the course",
    "consented": "Consented to research use",
    "baseline_responses": "Baseline questionnaires",
    "follow_up_responses": "Follow-up questionnaires",
    "matched_pairs": "Matched pairs (same code at both waves)",
    "excluded_mandatory_not_completed": "Excluded: mandatory workshops not both attended",
    "excluded_incomplete": "Excluded: incomplete (no overall score at one wave)",
    "analysed": "Analysed (overall score)",
}
WAVE_FLOW_KEYS = (
    "follow_up_responses",
    "matched_pairs",
    "excluded_mandatory_not_completed",
    "excluded_incomplete",
    "analysed",
)

EFFECT_SIZE_VARIANTS = {
    "cohens_dz": "Cohen's d_z: mean difference / SD of the differences (= t / sqrt(n)); "
    "the paired-design effect size, with an exact 95% CI from the noncentral t distribution.",
    "d_av": "Cohen's d_av: mean difference / mean of the baseline and follow-up SDs; "
    "comparable with between-subjects d (Cumming 2012; Lakens 2013).",
    "hedges_g_av": "Hedges' g_av: d_av with Hedges' small-sample correction J(n - 1).",
}

# The cut-off of a reliable change, |RCI| > z (two-sided 95%), as stats.reliable_change.
RELIABLE_CHANGE_Z = float(special.ndtri(0.975))
# The answers to one statement, in the keys of ``item_distributions``' counts and shares.
RESPONSE_CATEGORIES = ("1", "2", "3", "4", "5", "blank")

SMALL_NUMBER_NOTE = (
    'Counts below {n} are shown as "<{n}" so that no individual can be singled out; '
    "shares based on such counts are withheld, and so is a count that would give a hidden "
    'one away by subtraction from a total ("withheld").'
)


def course_runs_report(
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


def group_reports(
    groups: Sequence[RunGroup], *, small_number_threshold: int | None = None
) -> list[dict[str, Any]]:
    """Per group of runs (``analytics.selectors.organisation_groups``): its participant flow
    and sample, from that group's own report, so the small-number rule applies to each group
    on its own, as to any selection; then across the groups (:func:`_withhold_complements`)."""
    rows = []
    for group in groups:
        report = build_report(
            evaluation_data(course_runs=group.course_runs),
            small_number_threshold=small_number_threshold,
        )
        rows.append(
            {
                "label": group.label,
                "course_runs": [run.slug for run in group.course_runs],
                "flow": report["flow"],
                "wave_flow": report["wave_flow"],
                "sample": report["sample"],
            }
        )
    _withhold_complements(rows)
    return rows


def _group_counts(row: dict[str, Any]):
    """(what it counts, its dict, its key) of every count in one group's flow and sample."""
    flow, sample = row["flow"], row["sample"]
    for key in flow:
        yield ("flow", key), flow, key
    for wave in row["wave_flow"]:
        for key in WAVE_FLOW_KEYS:
            yield ("wave_flow", wave["wave"], key), wave, key
    yield ("baseline_respondents",), sample, "baseline_respondents"
    for profession in sample["professions"]:
        yield ("profession", profession["profession"]), profession, "count"
    for name in ("years_experience", "optional_sessions_attended"):
        yield (name, "n"), sample[name], "n"
    for name in ("uses_resources_at_baseline", "used_resources_at_follow_up"):
        for key in ("count", "n"):
            yield (name, key), sample[name], key


def _withhold_complements(rows: list[dict[str, Any]]) -> None:
    """Secondary suppression across groups (in place).

    The groups split a selection whose own counts are shown, so where exactly one group's
    count is hidden, the total minus the other groups' counts would give it away; the
    smallest other group's count is withheld too (``None``). A count withheld here could in
    turn be worked out within its group's flow, and so on: the two rules are applied until
    neither hides anything more. A share whose count or number answering is withheld goes
    with it. Two or more hidden counts give away only their sum, which is not one group's."""
    across: dict[tuple, list[tuple[dict, str]]] = {}
    for row in rows:
        for what, holder, key in _group_counts(row):
            across.setdefault(what, []).append((holder, key))
    flows = [flow for row in rows for flow in (row["flow"], *row["wave_flow"])]
    changed = True
    while changed:
        changed = any([_withhold_one_more(cells) for cells in across.values()])
        changed = any([_withhold_flow_complement(flow) for flow in flows]) or changed
    for row in rows:
        for name in ("uses_resources_at_baseline", "used_resources_at_follow_up"):
            share = row["sample"][name]
            if share["count"] is None or share["n"] is None:
                share["share"] = None


def build_report(
    data: EvaluationData, *, small_number_threshold: int | None = None
) -> dict[str, Any]:
    """The report of already loaded data (see ``course_runs_report``).

    ``footsteps`` and ``overall`` compare the baseline with the primary wave (the earliest
    follow-up); ``comparisons`` hold the same for every follow-up wave, each with Holm
    within it; ``longitudinal`` (two or more follow-ups) uses every wave at once.
    ``statements`` names each item (code -> footstep, footstep_title, text);
    ``item_distributions`` counts the answers to each statement per wave
    (:func:`_item_distribution`); ``reliable_change_se`` is the reliable-change threshold
    of the overall score (:func:`reliable_change_reference`).
    """
    threshold = (
        settings.ANALYTICS_SMALL_NUMBER_THRESHOLD
        if small_number_threshold is None
        else small_number_threshold
    )
    follow_ups = data.follow_ups
    primary = data.primary_wave
    comparisons = [_comparison(data, wave) for wave in follow_ups]
    first = comparisons[0] if comparisons else _comparison(data, None)
    report = {
        "course_runs": [run.slug for run in data.course_runs],
        "all_course_runs": data.all_course_runs,
        "waves": [wave.name for wave in data.waves],
        "wave_labels": {wave.name: wave.label for wave in data.waves},
        "primary_wave": primary.name if primary else None,
        "footsteps": first["footsteps"],
        "overall": first["overall"],
        "comparisons": comparisons,
        "longitudinal": _longitudinal(data),
        "attrition": _attrition(data),
        "reliability": _reliability(data),
        "reliable_change": _reliable_change(data),
        "reliable_change_se": reliable_change_reference(data),
        "trajectory": _trajectory(data),
        "flow": participant_flow(data, primary),
        "wave_flow": [_wave_flow(data, wave) for wave in follow_ups],
        "sample": sample_description(data, primary),
        "effect_size_variants": EFFECT_SIZE_VARIANTS,
        "small_number_threshold": threshold,
        "statements": {
            item.code: {
                "footstep": item.footstep,
                "footstep_title": data.footstep_titles[item.footstep - 1],
                "text": item.text,
            }
            for item in data.items
        },
        "item_distributions": [_item_distribution(data, wave) for wave in data.waves],
    }
    if threshold > 0:
        _suppress_small_numbers(report, threshold)
    return report


def _comparison(data: EvaluationData, wave: Wave | None) -> dict[str, Any]:
    """Baseline against ``wave`` per footstep and overall (None: no follow-up, no pairs)."""
    if wave is None:
        baseline = follow_up = np.empty((0, len(data.items)))
    else:
        baseline, follow_up = data.analysed_ratings(wave)
    result = stats.evaluate(baseline, follow_up, data.item_footsteps)
    footsteps = [
        {
            "footstep": number,
            "title": data.footstep_titles[number - 1],
            **comparison.as_dict(),
            "p_holm": p_holm,
        }
        for number, (comparison, p_holm) in enumerate(
            zip(result.footsteps, result.p_holm, strict=True), start=1
        )
    ]
    return {
        "wave": wave.name if wave else None,
        "footsteps": footsteps,
        "overall": result.overall.as_dict(),
    }


def _scores(data: EvaluationData) -> list[tuple[int | None, np.ndarray]]:
    """(footstep number or None for overall, participants x waves scores) of every score."""
    return [
        *((number, data.scores_by_wave(number - 1)) for number in FOOTSTEP_NUMBERS),
        (None, data.scores_by_wave(None)),
    ]


def _per_score(data: EvaluationData, entry) -> dict[str, Any]:
    """``entry(scores)`` for each footstep and for the overall score."""
    results = {number: entry(scores) for number, scores in _scores(data)}
    return {
        "footsteps": [
            {"footstep": number, "title": data.footstep_titles[number - 1], **results[number]}
            for number in FOOTSTEP_NUMBERS
        ],
        "overall": results[None],
    }


def _longitudinal(data: EvaluationData) -> dict[str, Any] | None:
    """Friedman and the random-intercept model over every wave; None before two follow-ups."""
    if len(data.follow_ups) < 2:
        return None
    names = [wave.name for wave in data.waves]
    return _per_score(
        data,
        lambda scores: {
            "friedman": stats.friedman_test(scores).as_dict(),
            "mixed_model": stats.random_intercept_model(scores, wave_names=names).as_dict(),
        },
    )


def _attrition(data: EvaluationData) -> list[dict[str, Any]]:
    """Per follow-up wave: baseline overall scores of those who answered it and who did not."""
    baseline = data.scores_by_wave(None)[:, 0]
    has_baseline = ~np.isnan(baseline)
    rows = []
    for wave in data.follow_ups:
        answered = data.answered(wave)[data.mandatory_completed]
        comparison = stats.welch_comparison(
            baseline[has_baseline & answered], baseline[has_baseline & ~answered]
        )
        rows.append({"wave": wave.name, **comparison.as_dict()})
    return rows


def _reliability(data: EvaluationData) -> list[dict[str, Any]]:
    """Cronbach's alpha of the 14 statements per wave (responses with all 14 answered)."""
    codes = [item.code for item in data.items]
    return [
        {
            "wave": wave.name,
            **stats.cronbach_alpha(data.at_wave(data.ratings, wave), item_names=codes).as_dict(),
        }
        for wave in data.waves
    ]


def _reliable_change(data: EvaluationData) -> list[dict[str, Any]]:
    """Jacobson-Truax reliable change of the overall score, per follow-up wave."""
    baseline = data.at_wave(data.footstep_scores, BASELINE)
    return [
        {
            "wave": wave.name,
            **stats.overall_reliable_change(
                baseline, data.at_wave(data.footstep_scores, wave)
            ).as_dict(),
        }
        for wave in data.follow_ups
    ]


def reliable_change_reference(data: EvaluationData) -> dict[str, Any]:
    """The Jacobson-Truax threshold of the overall score, computed once from the baseline.

    As every ``reliable_change`` row (which repeat it per follow-up wave): reliability =
    Cronbach's alpha of the ten baseline footstep scores and ``sd_baseline`` = SD of the
    baseline overall score, over the analysed participants with a baseline overall score
    (``n``); ``se_difference`` = sqrt(2) sd_baseline sqrt(1 - reliability), and a change of
    the overall score is reliable when it exceeds ``critical_difference`` = 1.959964
    se_difference in either direction. ``None`` values come with a ``reason``.
    """
    baseline = data.at_wave(data.footstep_scores, BASELINE)
    # The baseline against itself: the pairs are every baseline, the SE is the one above.
    got = stats.overall_reliable_change(baseline, baseline)
    se = got.se_difference
    return {
        "reliability": got.reliability,
        "sd_baseline": got.sd_baseline,
        "se_difference": se,
        "critical_difference": None if se is None else RELIABLE_CHANGE_Z * se,
        "n": got.n,
        "reason": None if se is not None else got.reason,
    }


def _item_distribution(data: EvaluationData, wave: Wave) -> dict[str, Any]:
    """How the analysed participants who answered ``wave`` rated each statement.

    ``n`` = analysed participants with a response at the wave (blank statements included);
    per statement, ``counts`` and ``shares`` (of ``n``) answering 1 to 5 and left blank.
    """
    ratings = data.at_wave(data.ratings, wave)[data.answered(wave)[data.mandatory_completed]]
    n = int(ratings.shape[0])
    items = []
    for column, item in enumerate(data.items):
        values = ratings[:, column]
        counts = [int((values == rating).sum()) for rating in range(1, 6)]
        counts.append(int(np.isnan(values).sum()))
        items.append(
            {
                "item": item.code,
                "footstep": item.footstep,
                "footstep_title": data.footstep_titles[item.footstep - 1],
                "text": item.text,
                "n": n,
                "counts": dict(zip(RESPONSE_CATEGORIES, counts, strict=True)),
                "shares": {
                    key: count / n if n else None
                    for key, count in zip(RESPONSE_CATEGORIES, counts, strict=True)
                },
            }
        )
    return {"wave": wave.name, "n": n, "items": items}


def _trajectory(data: EvaluationData) -> dict[str, Any]:
    """Mean score per wave with its 95% CI, for each footstep and overall."""
    names = [wave.name for wave in data.waves]
    return _per_score(
        data,
        lambda scores: {
            "points": [
                {"wave": name, **stats.mean_ci(scores[:, k]).as_dict()}
                for k, name in enumerate(names)
            ]
        },
    )


def _wave_flow(data: EvaluationData, wave: Wave) -> dict[str, Any]:
    """The flow from the baseline to the analysis of one follow-up wave."""
    flow = participant_flow(data, wave)
    return {"wave": wave.name, **{key: flow[key] for key in WAVE_FLOW_KEYS}}


def _suppress_small_numbers(report: dict[str, Any], threshold: int) -> None:
    """Replace every count below ``threshold`` by ``"<threshold"`` (in place)."""

    def small(count: int) -> bool:
        return count < threshold

    masked = f"<{threshold}"

    def mask(row: dict, *keys: str) -> None:
        for key in keys:
            if isinstance(row[key], int) and small(row[key]):
                row[key] = masked

    # The primary comparison's rows are the first comparison's, so each row is masked once.
    rows = [*report["footsteps"], report["overall"]]
    for comparison in report["comparisons"][1:]:
        rows += [*comparison["footsteps"], comparison["overall"]]
    for row in rows:
        mask(row, "n_pairs")
    report["flow"] = {
        key: masked if small(count) else count for key, count in report["flow"].items()
    }
    for row in report["wave_flow"]:
        mask(row, *WAVE_FLOW_KEYS)
    for row in [report["flow"], *report["wave_flow"]]:
        _withhold_flow_complement(row)
    for row in report["attrition"]:
        mask(row["responded"], "n")
        mask(row["not_responded"], "n")
    for row in report["reliability"]:
        mask(row, "n")
    for row in report["reliable_change"]:
        mask(row, "n", "improved", "no_change", "deteriorated")
    mask(report["reliable_change_se"], "n")
    for distribution in report["item_distributions"]:
        for item in distribution["items"]:
            _suppress_distribution(item, small, masked)
        mask(distribution, "n")
    trajectory = report["trajectory"]
    for score in [*trajectory["footsteps"], trajectory["overall"]]:
        for point in score["points"]:
            mask(point, "n")
    if report["longitudinal"] is not None:
        longitudinal = report["longitudinal"]
        for score in [*longitudinal["footsteps"], longitudinal["overall"]]:
            mask(score["friedman"], "n")
            mask(score["mixed_model"], "n_participants", "n_observations")
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


def count_text(count: int | str | None) -> str:
    """A count as shown: a number, the masked "<N", or "withheld" (``None``: hidden so that
    a masked count cannot be worked out from the others)."""
    return "withheld" if count is None else str(count)


def _hidden(count) -> bool:
    """Masked ("<N") or withheld (``None``)."""
    return count is None or isinstance(count, str)


def _withhold_one_more(cells: list[tuple[dict, str]]) -> bool:
    """``cells`` ((dict, key) pairs) are tied by one sum, so a single hidden one could be
    worked out from the others: then the smallest shown one is withheld too (in place).
    Returns whether it withheld one."""
    hidden = [cell for cell in cells if _hidden(cell[0][cell[1]])]
    shown = [cell for cell in cells if not _hidden(cell[0][cell[1]])]
    if len(hidden) != 1 or not shown:
        return False
    holder, key = min(shown, key=lambda cell: cell[0][cell[1]])
    holder[key] = None
    return True


# The matched pairs of a flow split into exactly these three.
MATCHED_PAIRS_PARTS = ("excluded_mandatory_not_completed", "excluded_incomplete", "analysed")


def _withhold_flow_complement(flow: dict[str, Any]) -> bool:
    """The matched pairs are the sum of their three parts (:func:`_withhold_one_more`)."""
    return _withhold_one_more([(flow, key) for key in ("matched_pairs", *MATCHED_PAIRS_PARTS)])


def _suppress_distribution(item: dict[str, Any], small, masked: str) -> None:
    """Mask the small counts of one statement's answers and withhold their shares.

    When exactly one count is small and ``n`` is shown, ``n`` minus the other five would
    give it away, so the smallest other count is withheld too (``None``, its share too).
    """
    counts, shares = item["counts"], item["shares"]
    hidden = [key for key, count in counts.items() if small(count)]
    withheld = []
    if len(hidden) == 1 and not small(item["n"]):
        others = [key for key in counts if key not in hidden]
        withheld = [min(others, key=lambda key: counts[key])]
    for key in hidden:
        counts[key], shares[key] = masked, None
    for key in withheld:
        counts[key], shares[key] = None, None
    if small(item["n"]):
        item["n"] = masked
