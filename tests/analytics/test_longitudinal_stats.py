"""Tests for the longitudinal statistics of analytics.stats, pinned to R.

Reference numbers come from R 4.2.2 (nlme 3.1-162, effectsize 0.8.3):

* ``examples/waves.csv`` / ``waves.ref.json``: the repository's multi-wave example and the
  statistics ``examples/reference_waves.R`` computes for it (its ``longitudinal`` and ``attrition``
  keys: ``friedman.test``, ``nlme::lme`` and ``t.test`` / ``effectsize::cohens_d``);
* ``data/longitudinal_cases.json``: hand-made cases printed by
  ``Rscript reference_longitudinal.R``, which names the R call behind each kind of number.

No Django is needed; the module imports nothing from it.
"""

from __future__ import annotations

import csv
import json
import math
from typing import Any

import numpy as np
import pytest
from scipy import stats as scipy_stats

from analytics.stats import (
    REASON_NO_BASELINE,
    REASON_NO_RESIDUAL_DF,
    REASON_NO_VARIATION_ACROSS_WAVES,
    REASON_NO_VARIATION_IN_GROUPS,
    REASON_NO_VARIATION_WITHIN_WAVES,
    REASON_TOO_FEW_COMPLETE,
    REASON_TOO_FEW_IN_GROUP,
    REASON_TOO_FEW_PARTICIPANTS,
    REASON_TOO_FEW_WAVES,
    REASON_ZERO_RESIDUAL,
    footstep_scores,
    friedman_test,
    overall_scores,
    random_intercept_model,
    welch_comparison,
)
from tests.analytics.reference import (
    DATA,
    EXAMPLES_DIR,
    ITEM_FOOTSTEPS,
    assert_matches,
    assert_plain,
)

# Warnings (RuntimeWarning from numpy, scipy's optimiser, ...) must not escape.
pytestmark = pytest.mark.filterwarnings("error")

NA = math.nan
FUNCTIONS = {
    "friedman_test": friedman_test,
    "random_intercept_model": random_intercept_model,
    "welch_comparison": welch_comparison,
}


def tolerance(function: str, key: str) -> dict[str, float]:
    """Agreement with R: 1e-6 relative; mixed model 1e-5 (p values 1e-3); abs floor near 0."""
    if function == "random_intercept_model":
        return {"rel": 1e-3, "abs": 1e-12} if key == "p" else {"rel": 1e-5, "abs": 1e-8}
    return {"rel": 1e-6, "abs": 1e-9}


def matches_r(got: Any, expected: Any, function: str, where: str) -> int:
    """:func:`assert_matches` with this file's tolerances for ``function``."""
    return assert_matches(got, expected, where, tolerance=lambda key, _: tolerance(function, key))


# --------------------------------------------------------------------------- example file


def load_waves() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Score ``examples/waves.csv`` exactly as reference_waves.R builds ``S``.

    ``follow_up`` means ``month_3``; a participant is included only if every one of
    their rows says ``mandatory_completed == "yes"``. Returns the wave names, the
    scores ``S[wave, participant, j]`` (j = footsteps 1..10, then overall) and
    ``answered[wave, participant]`` (the participant has a row at that wave).
    """
    with (EXAMPLES_DIR / "waves.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    included: dict[str, bool] = {}
    for row in rows:
        row["wave"] = "month_3" if row["wave"] == "follow_up" else row["wave"]
        code = row["participant_code"]
        included[code] = included.get(code, True) and row["mandatory_completed"] == "yes"
    rows = [row for row in rows if included[row["participant_code"]]]
    months = sorted(
        {int(r["wave"].removeprefix("month_")) for r in rows if r["wave"] != "baseline"}
    )
    waves = ["baseline"] + [f"month_{m}" for m in months]
    codes = sorted({row["participant_code"] for row in rows})
    position = {code: i for i, code in enumerate(codes)}

    scores = np.full((len(waves), len(codes), 11), NA)
    answered = np.zeros((len(waves), len(codes)), dtype=bool)
    for w, wave in enumerate(waves):
        ratings = np.full((len(codes), len(ITEM_FOOTSTEPS)), NA)
        for row in rows:
            if row["wave"] == wave:
                i = position[row["participant_code"]]
                answered[w, i] = True
                ratings[i] = [float(row[f"s{k}"]) if row[f"s{k}"] else NA for k in range(1, 15)]
        by_footstep = footstep_scores(ratings, ITEM_FOOTSTEPS)
        scores[w, :, :10] = by_footstep
        scores[w, :, 10] = overall_scores(by_footstep)
    return waves, scores, answered


WAVES, SCORES, ANSWERED = load_waves()
REFERENCE = json.loads((EXAMPLES_DIR / "waves.ref.json").read_text(encoding="utf-8"))
LONGITUDINAL = [*REFERENCE["longitudinal"]["footsteps"], REFERENCE["longitudinal"]["overall"]]


def test_example_waves() -> None:
    assert REFERENCE["waves"] == WAVES == ["baseline", "month_3", "month_6", "month_12"]


@pytest.mark.parametrize(
    "column", range(11), ids=[*(f"footstep_{f}" for f in range(1, 11)), "overall"]
)
def test_example_longitudinal_matches_r(column: int) -> None:
    expected = LONGITUDINAL[column]
    matrix = SCORES[:, :, column].T  # participants x waves
    friedman = friedman_test(matrix).as_dict()
    mixed = random_intercept_model(matrix, WAVES).as_dict()
    assert friedman["reason"] is None and mixed["reason"] is None
    assert_plain(friedman)
    assert_plain(mixed)
    checked = matches_r(friedman, expected["friedman"], "friedman_test", "friedman")
    checked += matches_r(mixed, expected["mixed_model"], "random_intercept_model", "mixed")
    assert checked == 5 + 5 + 3 * 7  # every number of both R results


@pytest.mark.parametrize("wave", WAVES[1:])
def test_example_attrition_matches_r(wave: str) -> None:
    (expected,) = [entry for entry in REFERENCE["attrition"] if entry["wave"] == wave]
    baseline = SCORES[0, :, 10]
    responded = ANSWERED[WAVES.index(wave)]
    got = welch_comparison(baseline[responded], baseline[~responded]).as_dict()
    assert got["reason"] is None
    assert_plain(got)
    expected = {key: value for key, value in expected.items() if key != "wave"}
    assert matches_r(got, expected, "welch_comparison", wave) == 11


@pytest.mark.parametrize("column", range(11))
def test_friedman_agrees_with_scipy(column: int) -> None:
    matrix = SCORES[:, :, column].T
    complete = np.round(matrix[~np.isnan(matrix).any(axis=1)], 10)
    scipy_result = scipy_stats.friedmanchisquare(*complete.T)
    got = friedman_test(matrix)
    assert got.statistic == pytest.approx(scipy_result.statistic, rel=1e-12)
    assert got.p == pytest.approx(scipy_result.pvalue, rel=1e-10)


# --------------------------------------------------------------------------- hand-made R cases

CASES = json.loads((DATA / "longitudinal_cases.json").read_text(encoding="utf-8"))


def call(case: dict[str, Any]) -> Any:
    arguments = {
        key: [[NA if v is None else v for v in row] for row in value]
        if key == "scores"
        else [NA if v is None else v for v in value]
        if key.startswith("group_")
        else value
        for key, value in case["input"].items()
    }
    return FUNCTIONS[case["function"]](**arguments)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hand_made_case_matches_r(case: dict[str, Any]) -> None:
    got = call(case).as_dict()
    assert_plain(got)
    assert (got["reason"] is not None) == case["has_reason"], got["reason"]
    expected = case["expected"]
    if case["name"] == "mixed_boundary":
        # lme stops its search at sd_participant ~ 2e-5; the exact REML optimum is 0
        assert got["sd_participant"] == 0.0
        assert expected["sd_participant"] < 1e-4
        expected = {**expected, "sd_participant": 0.0}
    matches_r(got, expected, case["function"], case["name"])


def test_friedman_rounds_before_ranking() -> None:
    (case,) = [case for case in CASES if case["name"] == "friedman_rounding"]
    raw = np.array(case["input"]["scores"], dtype=float)
    assert raw[0, 0] != raw[0, 1]  # tied only after rounding
    assert friedman_test(raw).statistic == pytest.approx(case["expected"]["statistic"], rel=1e-12)


def test_between_participant_wave_gets_nlme_df() -> None:
    (case,) = [case for case in CASES if case["name"] == "mixed_between_wave"]
    effects = call(case).as_dict()["effects"]
    # within: N - P - 2 = 13 - 7 - 2; between (w3, only one-score participants): P - 1 - 1
    assert [effect["df"] for effect in effects] == [4, 4, 5]


def test_omitted_wave_is_listed_as_not_estimable() -> None:
    scores = [[3, 4, NA, 4.5], [2, 3, NA, 3.5], [4, 4, NA, NA], [3, NA, NA, 4], [2.5, 3.5, NA, 3]]
    named = random_intercept_model(scores, ["baseline", "month_3", "month_6", "month_12"])
    assert named.reason == "no scores at wave(s) month_6, so their effects are not estimable"
    assert named.effects[1].estimate is None and named.effects[1].ci == (None, None)
    unnamed = random_intercept_model(scores).as_dict()
    assert [effect["wave_index"] for effect in unnamed["effects"]] == [1, 2, 3]
    assert "wave" not in unnamed["effects"][0]
    assert unnamed["reason"] == "no scores at wave(s) index 2, so their effects are not estimable"
    assert unnamed["effects"][2]["estimate"] == named.effects[2].estimate


# --------------------------------------------------------------------------- degenerate data

EMPTY_EFFECT = {"estimate": None, "se": None, "df": None, "t": None, "p": None, "ci": [None, None]}


@pytest.mark.parametrize(
    ("scores", "n", "reason"),
    [
        (np.empty((0, 4)), 0, REASON_TOO_FEW_COMPLETE),
        (np.full((3, 4), NA), 0, REASON_TOO_FEW_COMPLETE),
        ([[1, 2, 3], [NA, 2, 3]], 1, REASON_TOO_FEW_COMPLETE),
        ([[1], [2], [3]], 3, REASON_TOO_FEW_WAVES),
        ([[2, 2, 2], [3, 3, 3]], 2, REASON_NO_VARIATION_ACROSS_WAVES),
        ([[2.0, 2.0], [0.1 + 0.2, 0.3]], 2, REASON_NO_VARIATION_ACROSS_WAVES),
    ],
)
def test_friedman_degenerate(scores: Any, n: int, reason: str) -> None:
    got = friedman_test(scores).as_dict()
    assert got == {
        "n": n,
        "statistic": None,
        "df": None,
        "p": None,
        "kendall_w": None,
        "reason": reason,
    }


@pytest.mark.parametrize(
    ("scores", "counts", "reason"),
    [
        (np.empty((0, 3)), (0, 0), REASON_TOO_FEW_PARTICIPANTS),
        (np.full((4, 3), NA), (0, 0), REASON_TOO_FEW_PARTICIPANTS),
        ([[3, 4, 5], [NA, NA, NA]], (1, 3), REASON_TOO_FEW_PARTICIPANTS),
        ([[NA, 4, 5], [NA, 2, 3.5], [NA, 3, 4]], (3, 6), REASON_NO_BASELINE),
        ([[3, NA, NA], [NA, 4, NA], [2, NA, 5]], (3, 4), REASON_NO_RESIDUAL_DF),
        ([[3, NA, NA], [2, NA, NA], [4, NA, NA]], (3, 3), REASON_NO_RESIDUAL_DF),
        ([[3, 3, 3], [3, 3, 3], [3, NA, 3]], (3, 8), REASON_NO_VARIATION_WITHIN_WAVES),
        ([[3, 4, 5], [3, 4, 5], [3, NA, 5]], (3, 8), REASON_NO_VARIATION_WITHIN_WAVES),
        ([[3, 4, 5], [1, 2, 3], [2, 3, NA]], (3, 8), REASON_ZERO_RESIDUAL),
    ],
)
def test_mixed_model_degenerate(scores: Any, counts: tuple[int, int], reason: str) -> None:
    got = random_intercept_model(scores).as_dict()
    assert got == {
        "n_participants": counts[0],
        "n_observations": counts[1],
        "intercept": None,
        "effects": [{"wave_index": 1, **EMPTY_EFFECT}, {"wave_index": 2, **EMPTY_EFFECT}],
        "sd_participant": None,
        "sd_residual": None,
        "reason": reason,
    }


def test_mixed_model_baseline_only() -> None:
    got = random_intercept_model([[3], [4], [2.5]]).as_dict()
    assert got["effects"] == [] and got["reason"] == REASON_NO_RESIDUAL_DF


def test_mixed_model_rejects_wrong_wave_names() -> None:
    with pytest.raises(ValueError, match="wave_names has 2 entries"):
        random_intercept_model([[1, 2, 3], [2, 3, 4]], ["baseline", "month_3"])


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ([], [], REASON_TOO_FEW_IN_GROUP),
        ([NA, NA], [1, 2, 3], REASON_TOO_FEW_IN_GROUP),
        ([3.5], [2, 3, 4], REASON_TOO_FEW_IN_GROUP),
        ([1, 2, 3], [4], REASON_TOO_FEW_IN_GROUP),
        ([3, 3, 3], [2, 2], REASON_NO_VARIATION_IN_GROUPS),
        ([0, 0], [0, 0, NA], REASON_NO_VARIATION_IN_GROUPS),
    ],
)
def test_welch_degenerate(a: list[float], b: list[float], reason: str) -> None:
    got = welch_comparison(a, b).as_dict()
    assert_plain(got)
    assert got["reason"] == reason
    assert [got[key] for key in ("t", "df", "p", "cohens_d")] == [None] * 4
    present_a, present_b = [v for v in a if v == v], [v for v in b if v == v]
    for group, values in (("responded", present_a), ("not_responded", present_b)):
        assert got[group]["n"] == len(values)
        assert (got[group]["mean"] is None) == (not values)
        assert (got[group]["sd"] is None) == (len(values) < 2)
    if present_a and present_b:
        assert got["mean_difference"] == pytest.approx(np.mean(present_a) - np.mean(present_b))
    else:
        assert got["mean_difference"] is None


# --------------------------------------------------------------------------- scale


def test_random_intercept_model_at_scale() -> None:
    """100,000 participants x 4 waves, 40% of the scores missing: one vectorised fit."""
    rng = np.random.default_rng(20240501)
    n = 100_000
    effects = np.array([0.0, 0.5, 0.4, 0.3])
    scores = 3.0 + rng.normal(0, 0.6, (n, 1)) + effects + rng.normal(0, 0.8, (n, 4))
    scores[rng.random((n, 4)) < 0.4] = NA
    got = random_intercept_model(scores)
    assert got.reason is None
    assert got.n_observations == int((~np.isnan(scores)).sum())
    assert [effect.estimate for effect in got.effects] == pytest.approx(effects[1:], abs=0.03)
    assert got.sd_participant == pytest.approx(0.6, abs=0.03)
    assert got.sd_residual == pytest.approx(0.8, abs=0.03)
