"""Tests for analytics.stats, pinned to R.

Every reference number comes from R 4.2.2 with effectsize 0.8.3:

* ``examples/responses.csv`` / ``responses.ref.json``: the repository's worked example
  and the statistics ``examples/reference.R`` computes for it;
* ``data/responses_60.csv`` / ``data/responses_60.ref.json``: a second file in the
  import format made by ``make_responses_60.R`` (60 participants, missing items,
  non-completers, one-wave participants), its statistics also from ``reference.R``;
* ``CASES`` and ``HOLM`` below: printed by ``Rscript reference_cases.R``; the R
  expression behind each number is in the comment beside it.

No Django is needed; the module imports nothing from it.
"""

from __future__ import annotations

import csv
import doctest
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special
from scipy import stats as scipy_stats

from analytics import stats
from analytics.stats import (
    FOOTSTEP_COUNT,
    REASON_CONSTANT_DIFFERENCES,
    REASON_TOO_FEW_PAIRS,
    REASON_ZERO_SD,
    EvaluationResult,
    PairedComparison,
    evaluate,
    footstep_scores,
    holm,
    overall_scores,
    paired_comparison,
    welch_comparison,
)
from assessments import scoring
from tests.analytics.reference import DATA, EXAMPLES_DIR, ITEM_FOOTSTEPS

# Warnings (RuntimeWarning from numpy, scipy's root finder, ...) must not escape.
pytestmark = pytest.mark.filterwarnings("error")

NA = math.nan

N_ITEMS = len(ITEM_FOOTSTEPS)

JSON_KEYS = [
    "n_pairs",
    "baseline_mean",
    "baseline_sd",
    "follow_up_mean",
    "follow_up_sd",
    "mean_difference",
    "mean_difference_ci",
    "t",
    "df",
    "p",
    "cohens_dz",
    "cohens_dz_ci",
    "d_av",
    "hedges_g_av",
    "wilcoxon_p",
    "rank_biserial",
    "shapiro_p",
    "reason",
]


def close(expected: float) -> object:
    """R agreement: relative 1e-6, absolute 1e-9 near zero."""
    return pytest.approx(expected, rel=1e-6, abs=1e-9)


def assert_matches(got: object, expected: object, where: str) -> None:
    """``expected`` None (R's NA/null) must be None; numbers must agree with R."""
    if expected is None:
        assert got is None, f"{where}: expected None, got {got!r}"
    else:
        assert got is not None, f"{where}: expected {expected!r}, got None"
        assert got == close(expected), f"{where}: got {got!r}, R gives {expected!r}"


# --------------------------------------------------------------------------- example files


def load_matched(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read an import-format CSV and pair it exactly as reference.R does.

    Keep ``mandatory_completed == "yes"``; the pairs are the codes present at both
    waves, in baseline order, each wave's first row for a code (R's ``intersect``
    and ``match``); a blank cell is an unanswered statement.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["mandatory_completed"] == "yes"]
    baseline: dict[str, dict[str, str]] = {}
    follow_up: dict[str, dict[str, str]] = {}
    for row in rows:
        wave = baseline if row["wave"] == "baseline" else follow_up
        wave.setdefault(row["participant_code"], row)
    codes = [code for code in baseline if code in follow_up]

    def matrix(wave: dict[str, dict[str, str]]) -> np.ndarray:
        return np.array(
            [
                [float(wave[code][f"s{i}"]) if wave[code][f"s{i}"] else NA for i in range(1, 15)]
                for code in codes
            ],
            dtype=float,
        ).reshape(len(codes), N_ITEMS)

    return matrix(baseline), matrix(follow_up)


# Where each file lives: the worked example in examples/, the test-only file in data/.
EXAMPLES = {"responses": EXAMPLES_DIR, "responses_60": DATA}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_file_matches_r(name: str) -> None:
    baseline, follow_up = load_matched(EXAMPLES[name] / f"{name}.csv")
    reference = json.loads((EXAMPLES[name] / f"{name}.ref.json").read_text(encoding="utf-8"))
    result = evaluate(baseline, follow_up, ITEM_FOOTSTEPS).as_dict()

    assert len(result["footsteps"]) == len(reference["footsteps"]) == FOOTSTEP_COUNT
    pairs = [*zip(result["footsteps"], reference["footsteps"], strict=True)]
    pairs.append((result["overall"], reference["overall"]))
    checked = 0
    for got, expected in pairs:
        label = f"{name} footstep {expected.get('footstep', 'overall')}"
        assert got["reason"] is None
        for key, value in expected.items():
            if isinstance(value, list):
                for side, (g, e) in enumerate(zip(got[key], value, strict=True)):
                    assert_matches(g, e, f"{label} {key}[{side}]")
                    checked += 1
            else:
                assert_matches(got[key], value, f"{label} {key}")
                checked += 1
    assert checked == 10 * 17 + 15  # every figure of the reference file was compared


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_file_pairs_as_reference(name: str) -> None:
    """The overall n is the strictest check of the pairing and completeness rules."""
    baseline, follow_up = load_matched(EXAMPLES[name] / f"{name}.csv")
    reference = json.loads((EXAMPLES[name] / f"{name}.ref.json").read_text(encoding="utf-8"))
    both = ~np.isnan(overall_scores(footstep_scores(baseline, ITEM_FOOTSTEPS))) & ~np.isnan(
        overall_scores(footstep_scores(follow_up, ITEM_FOOTSTEPS))
    )
    assert int(both.sum()) == reference["overall"]["n_pairs"]


def test_example_result_is_strict_json() -> None:
    baseline, follow_up = load_matched(EXAMPLES_DIR / "responses.csv")
    result = evaluate(baseline, follow_up, ITEM_FOOTSTEPS)
    assert isinstance(result, EvaluationResult)
    assert len(result.footsteps) == len(result.p_holm) == FOOTSTEP_COUNT
    for comparison in (*result.footsteps, result.overall):
        as_dict = comparison.as_dict()
        assert list(as_dict) == JSON_KEYS
        assert isinstance(as_dict["mean_difference_ci"], list)
        assert isinstance(as_dict["cohens_dz_ci"], list)
        assert type(as_dict["n_pairs"]) is int
    text = json.dumps(result.as_dict(), allow_nan=False)
    assert json.loads(text)["footsteps"][0]["footstep"] == 1


def test_d_z_is_t_over_root_n_not_sd_of_differences() -> None:
    """The study's "d = 0.951" was sd(d); d_z is t / sqrt(n) (5.012 / sqrt(21) = 1.094)."""
    assert 5.012 / math.sqrt(21) == pytest.approx(1.094, abs=5e-4)
    baseline, follow_up = load_matched(EXAMPLES_DIR / "responses.csv")
    for comparison in evaluate(baseline, follow_up, ITEM_FOOTSTEPS).footsteps:
        assert comparison.cohens_dz == pytest.approx(comparison.t / math.sqrt(comparison.n_pairs))
        assert comparison.cohens_dz == pytest.approx(
            comparison.mean_difference
            / (
                (comparison.mean_difference_ci[1] - comparison.mean_difference)
                / special.stdtrit(comparison.df, 0.975)
                * math.sqrt(comparison.n_pairs)
            )
        )


# --------------------------------------------------------------------------- pinned cases
# Inputs of reference_cases.R (NA -> NA here); the third element is the confidence level.
INPUTS = {
    "ties_and_zeros": ([3, 2, 4, 3, 5, 2, 3, 4, 1, 3], [4, 2, 5, 3, 5, 4, 4, 3, 3, 5], 0.95),
    "ties_and_zeros_90": ([3, 2, 4, 3, 5, 2, 3, 4, 1, 3], [4, 2, 5, 3, 5, 4, 4, 3, 3, 5], 0.90),
    "negative": (
        [4.2, 3.8, 5.0, 4.4, 3.9, 4.7, 4.1],
        [3.1, 3.9, 4.2, 3.0, 3.5, 4.6, 2.8],
        0.95,
    ),
    "two_pairs": ([2, 3], [3, 5], 0.95),
    "with_missing": ([1, NA, 3, 4, 2, 5, NA, 3, 2.5], [2, 4, NA, 5, 2, 4, 3, 5, 4], 0.95),
    "rounding_ties": (
        [0.1, 0.2, 0.7, 1.0, 0.3, 0.5, 2.3, 1.2],
        [0.3, 0.4, 0.9, 1.1, 0.6, 0.5, 2.0, 1.7],
        0.95,
    ),
    "strong": ([1, 2, 3, 4, 5], [3.1, 3.7, 5.4, 5.6, 7.2], 0.95),
}

# ---- output of `Rscript reference_cases.R` (R 4.2.2, effectsize 0.8.3) ----
# Abbreviations in the comments below (x = baseline, y = follow-up, NA dropped pairwise):
#   tt <- t.test(y, x, paired = TRUE, conf.level = conf)
#   ncp_at <- function(prob) uniroot(function(ncp) pt(tt$statistic, n - 1, ncp) - prob,
#                                    c(-60, 60), tol = 1e-13)$root
#   J <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
#   wt <- wilcox.test(round(y - x, 10), mu = 0, exact = FALSE, correct = TRUE)
CASES = {
    "ties_and_zeros": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.95); n <- length(x)
        "n_pairs": 10,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 3,  # mean(x)
        "baseline_sd": 1.15470053837925,  # sd(x)
        "follow_up_mean": 3.8,  # mean(y)
        "follow_up_sd": 1.03279555898864,  # sd(y)
        "mean_difference": 0.8,  # tt$estimate
        "mean_difference_ci_low": 0.0611825644216402,  # tt$conf.int[1]
        "mean_difference_ci_high": 1.53881743557836,  # tt$conf.int[2]
        "t": 2.44948974278318,  # tt$statistic
        "df": 9,  # tt$parameter
        "p": 0.0367874978797861,  # tt$p.value
        "cohens_dz": 0.774596669241484,  # cohens_d(y, x, paired = TRUE, ci = 0.95)$Cohens_d
        "cohens_dz_ci_low": 0.0456577902012117,  # ncp_at(0.975) / sqrt(n)
        "cohens_dz_ci_high": 1.47171278383583,  # ncp_at(0.025) / sqrt(n)
        "d_av": 0.731429876343642,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": 0.668435399097386,  # d_av * J(n - 1)
        "wilcoxon_p": 0.0564375114865741,  # wt$p.value
    },
    "ties_and_zeros_90": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.9); n <- length(x)
        "n_pairs": 10,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 3,  # mean(x)
        "baseline_sd": 1.15470053837925,  # sd(x)
        "follow_up_mean": 3.8,  # mean(y)
        "follow_up_sd": 1.03279555898864,  # sd(y)
        "mean_difference": 0.8,  # tt$estimate
        "mean_difference_ci_low": 0.201307823212714,  # tt$conf.int[1]
        "mean_difference_ci_high": 1.39869217678729,  # tt$conf.int[2]
        "t": 2.44948974278318,  # tt$statistic
        "df": 9,  # tt$parameter
        "p": 0.0367874978797861,  # tt$p.value
        "cohens_dz": 0.774596669241484,  # cohens_d(y, x, paired = TRUE, ci = 0.9)$Cohens_d
        "cohens_dz_ci_low": 0.158182235966369,  # ncp_at(0.95) / sqrt(n)
        "cohens_dz_ci_high": 1.35499927274978,  # ncp_at(0.05) / sqrt(n)
        "d_av": 0.731429876343642,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": 0.668435399097386,  # d_av * J(n - 1)
        "wilcoxon_p": 0.0564375114865741,  # wt$p.value
    },
    "negative": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.95); n <- length(x)
        "n_pairs": 7,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 4.3,  # mean(x)
        "baseline_sd": 0.432049379893857,  # sd(x)
        "follow_up_mean": 3.58571428571429,  # mean(y)
        "follow_up_sd": 0.671884343788848,  # sd(y)
        "mean_difference": -0.714285714285714,  # tt$estimate
        "mean_difference_ci_low": -1.26254732534478,  # tt$conf.int[1]
        "mean_difference_ci_high": -0.166024103226644,  # tt$conf.int[2]
        "t": -3.18788356531669,  # tt$statistic
        "df": 6,  # tt$parameter
        "p": 0.0188867500310091,  # tt$p.value
        "cohens_dz": -1.2049067317797,  # cohens_d(y, x, paired = TRUE, ci = 0.95)$Cohens_d
        "cohens_dz_ci_low": -2.17494494063624,  # ncp_at(0.975) / sqrt(n)
        "cohens_dz_ci_high": -0.183250827914946,  # ncp_at(0.025) / sqrt(n)
        "d_av": -1.29407354619599,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": -1.1240668182373,  # d_av * J(n - 1)
        "wilcoxon_p": 0.0421534502357055,  # wt$p.value
    },
    "two_pairs": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.95); n <- length(x)
        "n_pairs": 2,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 2.5,  # mean(x)
        "baseline_sd": 0.707106781186548,  # sd(x)
        "follow_up_mean": 4,  # mean(y)
        "follow_up_sd": 1.4142135623731,  # sd(y)
        "mean_difference": 1.5,  # tt$estimate
        "mean_difference_ci_low": -4.85310236808735,  # tt$conf.int[1]
        "mean_difference_ci_high": 7.85310236808735,  # tt$conf.int[2]
        "t": 3,  # tt$statistic
        "df": 1,  # tt$parameter
        "p": 0.204832764699133,  # tt$p.value
        "cohens_dz": 2.12132034355964,  # cohens_d(y, x, paired = TRUE, ci = 0.95)$Cohens_d
        "cohens_dz_ci_low": -0.653932955962247,  # ncp_at(0.975) / sqrt(n)
        "cohens_dz_ci_high": 5.01192886385354,  # ncp_at(0.025) / sqrt(n)
        "d_av": 1.41421356237309,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": 0,  # d_av * J(n - 1)
        "wilcoxon_p": 0.371093369522698,  # wt$p.value
    },
    "with_missing": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.95); n <- length(x)
        "n_pairs": 6,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 2.91666666666667,  # mean(x)
        "baseline_sd": 1.42886901662352,  # sd(x)
        "follow_up_mean": 3.66666666666667,  # mean(y)
        "follow_up_sd": 1.36626010212795,  # sd(y)
        "mean_difference": 0.75,  # tt$estimate
        "mean_difference_ci_low": -0.387561126130625,  # tt$conf.int[1]
        "mean_difference_ci_high": 1.88756112613062,  # tt$conf.int[2]
        "t": 1.6947980485981,  # tt$statistic
        "df": 5,  # tt$parameter
        "p": 0.150885272841752,  # tt$p.value
        "cohens_dz": 0.691898406021664,  # cohens_d(y, x, paired = TRUE, ci = 0.95)$Cohens_d
        "cohens_dz_ci_low": -0.236257178231738,  # ncp_at(0.975) / sqrt(n)
        "cohens_dz_ci_high": 1.56833313708706,  # ncp_at(0.025) / sqrt(n)
        "d_av": 0.536647838533492,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": 0.451185963191874,  # d_av * J(n - 1)
        "wilcoxon_p": 0.169564145190563,  # wt$p.value
    },
    "rounding_ties": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.95); n <- length(x)
        "n_pairs": 8,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 0.7875,  # mean(x)
        "baseline_sd": 0.721976453909682,  # sd(x)
        "follow_up_mean": 0.9375,  # mean(y)
        "follow_up_sd": 0.62549980015984,  # sd(y)
        "mean_difference": 0.15,  # tt$estimate
        "mean_difference_ci_low": -0.0447869799597883,  # tt$conf.int[1]
        "mean_difference_ci_high": 0.344786979959788,  # tt$conf.int[2]
        "t": 1.82093093600065,  # tt$statistic
        "df": 7,  # tt$parameter
        "p": 0.11141646787534,  # tt$p.value
        "cohens_dz": 0.643796306459214,  # cohens_d(y, x, paired = TRUE, ci = 0.95)$Cohens_d
        "cohens_dz_ci_low": -0.142224411838838,  # ncp_at(0.975) / sqrt(n)
        "cohens_dz_ci_high": 1.39344456689545,  # ncp_at(0.025) / sqrt(n)
        "d_av": 0.222638431730406,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": 0.197748102422648,  # d_av * J(n - 1)
        "wilcoxon_p": 0.172415102611381,  # wt$p.value
    },
    "strong": {
        # tt <- t.test(y, x, paired = TRUE, conf.level = 0.95); n <- length(x)
        "n_pairs": 5,  # sum(!is.na(x) & !is.na(y))
        "baseline_mean": 3,  # mean(x)
        "baseline_sd": 1.58113883008419,  # sd(x)
        "follow_up_mean": 5,  # mean(y)
        "follow_up_sd": 1.63248277173145,  # sd(y)
        "mean_difference": 2,  # tt$estimate
        "mean_difference_ci_low": 1.57893125180077,  # tt$conf.int[1]
        "mean_difference_ci_high": 2.42106874819923,  # tt$conf.int[2]
        "t": 13.1876094679157,  # tt$statistic
        "df": 4,  # tt$parameter
        "p": 0.000190994009094982,  # tt$p.value
        "cohens_dz": 5.89767824619588,  # cohens_d(y, x, paired = TRUE, ci = 0.95)$Cohens_d
        "cohens_dz_ci_low": 1.93156856969464,  # ncp_at(0.975) / sqrt(n)
        "cohens_dz_ci_high": 9.92578477169321,  # ncp_at(0.025) / sqrt(n)
        "d_av": 1.24470161569118,  # d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)
        "hedges_g_av": 0.993128201966372,  # d_av * J(n - 1)
        "wilcoxon_p": 0.0590582290905367,  # wt$p.value
    },
}

HOLM = [
    (  # p.adjust(c(0.01, NA, 0.04, 0.03, 0.005, NA, 0.5), method = "holm")
        [0.01, None, 0.04, 0.03, 0.005, None, 0.5],
        [0.04, None, 0.09, 0.09, 0.025, None, 0.5],
    ),
    (  # p.adjust(c(0.02, 0.02, 0.01, 0.9), method = "holm")
        [0.02, 0.02, 0.01, 0.9],
        [0.06, 0.06, 0.04, 0.9],
    ),
    (  # p.adjust(c(0.3, 0.2, 0.6, 0.05), method = "holm")
        [0.3, 0.2, 0.6, 0.05],
        [0.6, 0.6, 0.6, 0.2],
    ),
    (  # p.adjust(c(NA_real_, NA_real_), method = "holm")
        [None, None],
        [None, None],
    ),
    (  # p.adjust(0.0123, method = "holm")
        [0.0123],
        [0.0123],
    ),
]
# ---- end of R output ----


@pytest.mark.parametrize("name", sorted(CASES))
def test_pinned_case_matches_r(name: str) -> None:
    baseline, follow_up, level = INPUTS[name]
    expected = CASES[name]
    got = paired_comparison(baseline, follow_up, confidence_level=level)
    assert got.reason is None
    assert got.n_pairs == expected["n_pairs"]
    flat = {
        **got.as_dict(),
        "mean_difference_ci_low": got.mean_difference_ci[0],
        "mean_difference_ci_high": got.mean_difference_ci[1],
        "cohens_dz_ci_low": got.cohens_dz_ci[0],
        "cohens_dz_ci_high": got.cohens_dz_ci[1],
    }
    for key, value in expected.items():
        assert_matches(flat[key], value, f"{name} {key}")


def test_wilcoxon_rounds_differences_before_ranking() -> None:
    """0.3 - 0.1, 0.4 - 0.2 and 0.9 - 0.7 differ in the last bit; rounded they tie."""
    baseline, follow_up, _ = INPUTS["rounding_ties"]
    got = paired_comparison(baseline, follow_up).wilcoxon_p
    assert got == close(CASES["rounding_ties"]["wilcoxon_p"])
    # wilcox.test(y - x, exact = FALSE, correct = TRUE)$p.value, i.e. without rounding
    unrounded = 0.150785565027971
    assert got != close(unrounded)


def test_hedges_correction_is_exact_gamma_form() -> None:
    """J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)); close to 1 - 3/(4 df - 1)."""
    baseline, follow_up, _ = INPUTS["ties_and_zeros"]
    got = paired_comparison(baseline, follow_up)
    df = got.df
    exact = math.gamma(df / 2) / (math.sqrt(df / 2) * math.gamma((df - 1) / 2))
    assert got.hedges_g_av == pytest.approx(got.d_av * exact, rel=1e-12)
    assert exact == pytest.approx(1 - 3 / (4 * df - 1), rel=1e-3)


def test_noncentral_interval_beyond_the_range_of_r() -> None:
    """For t above 200, R's pt (AS 243) is inaccurate, so check the root independently.

    The noncentral t cdf is integrated numerically, P(T <= t) = E[Phi(t sqrt(V/df) - ncp)]
    with V ~ chi-square(df), at the two limits; they must give 0.975 and 0.025.
    """
    baseline = [1.0, 2.0, 3.0, 4.0]
    follow_up = [3.0, 4.02, 4.98, 6.01]
    got = paired_comparison(baseline, follow_up)
    assert got.t > 200  # far outside reference.R's uniroot bracket c(-60, 60)
    n, df = got.n_pairs, got.df

    def cdf(ncp: float) -> float:
        def integrand(v: float) -> float:
            return special.ndtr(got.t * math.sqrt(v / df) - ncp) * scipy_stats.chi2.pdf(v, df)

        return integrate.quad(integrand, 0, np.inf, epsabs=1e-13, epsrel=1e-12, limit=500)[0]

    low, high = got.cohens_dz_ci
    assert low < got.cohens_dz < high
    assert cdf(low * math.sqrt(n)) == pytest.approx(0.975, abs=1e-9)
    assert cdf(high * math.sqrt(n)) == pytest.approx(0.025, abs=1e-9)


def _r_formulas(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """t.test(y, x, paired = TRUE) and wilcox.test(round(y - x, 10), exact = FALSE,
    correct = TRUE) written out as R's sources compute them."""
    d = y - x
    n = d.size
    se = np.std(d, ddof=1) / math.sqrt(n)
    t = np.mean(d) / se
    half = special.stdtrit(n - 1, 0.975) * se
    nz = np.round(d, 10)
    nz = nz[nz != 0]
    m = nz.size
    ranks = scipy_stats.rankdata(np.abs(nz))
    _, ties = np.unique(ranks, return_counts=True)
    z = ranks[nz > 0].sum() - m * (m + 1) / 4
    sigma = math.sqrt(m * (m + 1) * (2 * m + 1) / 24 - np.sum(ties**3 - ties) / 48)
    z = (z - 0.5 * np.sign(z)) / sigma
    return {
        "t": t,
        "p": 2 * special.stdtr(n - 1, -abs(t)),
        "ci_low": np.mean(d) - half,
        "ci_high": np.mean(d) + half,
        "wilcoxon_p": 2 * min(special.ndtr(z), special.ndtr(-z)),
    }


def test_scipy_gives_the_numbers_of_r_formulas() -> None:
    """ttest_rel(...).confidence_interval() and wilcoxon(method="approx", correction=True),
    which paired_comparison uses, agree with R's formulas to 1e-12 (ties, zeros, rounding)."""
    rng = np.random.default_rng(7)
    checked = 0
    for n in (3, 8, 25, 200):
        for scale in (1, 3, 10):
            baseline = rng.integers(1, 6, (n, scale)).mean(axis=1)
            follow_up = rng.integers(1, 6, (n, scale)).mean(axis=1)
            got = paired_comparison(baseline, follow_up)
            if got.reason is not None or got.wilcoxon_p is None:
                continue
            expected = _r_formulas(baseline, follow_up)
            ours = {
                "t": got.t,
                "p": got.p,
                "ci_low": got.mean_difference_ci[0],
                "ci_high": got.mean_difference_ci[1],
                "wilcoxon_p": got.wilcoxon_p,
            }
            for key, value in expected.items():
                assert ours[key] == pytest.approx(value, rel=1e-12, abs=1e-15), (n, scale, key)
            checked += 1
    assert checked >= 10


# ---- output of `Rscript reference_alternatives.R` (R 4.2.2) ----
PAIRED_ONE_SIDED = {
    ("ties_and_zeros", "less"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "less", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "less", exact = F, correct = T)
        "p": 0.981606251060107,  # tt$p.value
        "mean_difference_ci_low": None,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": 1.39869217678729,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": None,  # -Inf
        "cohens_dz_ci_high": 1.35499927274978,  # ncp_at(0.05) / sqrt(n)
        "wilcoxon_p": 0.981285972437968,  # wt$p.value
    },
    ("negative", "less"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "less", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "less", exact = F, correct = T)
        "p": 0.00944337501550453,  # tt$p.value
        "mean_difference_ci_low": None,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": -0.278891545642073,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": None,  # -Inf
        "cohens_dz_ci_high": -0.333944380651727,  # ncp_at(0.05) / sqrt(n)
        "wilcoxon_p": 0.0210767251178527,  # wt$p.value
    },
    ("with_missing", "less"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "less", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "less", exact = F, correct = T)
        "p": 0.924557363579124,  # tt$p.value
        "mean_difference_ci_low": None,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": 1.64172056886062,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": None,  # -Inf
        "cohens_dz_ci_high": 1.42022295525873,  # ncp_at(0.05) / sqrt(n)
        "wilcoxon_p": 0.950357182614321,  # wt$p.value
    },
    ("rounding_ties", "less"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "less", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "less", exact = F, correct = T)
        "p": 0.94429176606233,  # tt$p.value
        "mean_difference_ci_low": None,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": 0.306066759669461,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": None,  # -Inf
        "cohens_dz_ci_high": 1.26827900720209,  # ncp_at(0.05) / sqrt(n)
        "wilcoxon_p": 0.937613631978139,  # wt$p.value
    },
    ("ties_and_zeros", "greater"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "greater", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "greater", exact = F, correct = T)
        "p": 0.018393748939893,  # tt$p.value
        "mean_difference_ci_low": 0.201307823212714,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": None,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": 0.158182235966369,  # ncp_at(0.95) / sqrt(n)
        "cohens_dz_ci_high": None,  # Inf
        "wilcoxon_p": 0.028218755743287,  # wt$p.value
    },
    ("negative", "greater"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "greater", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "greater", exact = F, correct = T)
        "p": 0.990556624984495,  # tt$p.value
        "mean_difference_ci_low": -1.14967988292936,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": None,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": -2.00598924165935,  # ncp_at(0.95) / sqrt(n)
        "cohens_dz_ci_high": None,  # Inf
        "wilcoxon_p": 0.98614386048742,  # wt$p.value
    },
    ("with_missing", "greater"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "greater", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "greater", exact = F, correct = T)
        "p": 0.0754426364208758,  # tt$p.value
        "mean_difference_ci_low": -0.141720568860622,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": None,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": -0.0942299155203766,  # ncp_at(0.95) / sqrt(n)
        "cohens_dz_ci_high": None,  # Inf
        "wilcoxon_p": 0.0847820725952817,  # wt$p.value
    },
    ("rounding_ties", "greater"): {
        # tt <- t.test(y, x, paired = TRUE, alternative = "greater", conf.level = 0.95)
        # wt <- wilcox.test(round(y - x, 10), alternative = "greater", exact = F, correct = T)
        "p": 0.0557082339376699,  # tt$p.value
        "mean_difference_ci_low": -0.0060667596694612,  # tt$conf.int[1] (None: -Inf)
        "mean_difference_ci_high": None,  # tt$conf.int[2] (None: Inf)
        "cohens_dz_ci_low": -0.0205003979240434,  # ncp_at(0.95) / sqrt(n)
        "cohens_dz_ci_high": None,  # Inf
        "wilcoxon_p": 0.0862075513056905,  # wt$p.value
    },
}
WELCH_ONE_SIDED = {
    ("responded_higher", "less"): 0.975269720431686,  # t.test(a, b, alternative = "less")$p.value
    ("unequal_spread", "less"): 0.351911984408291,  # t.test(a, b, alternative = "less")$p.value
    (
        "responded_higher",
        "greater",
    ): 0.0247302795683144,  # t.test(a, b, alternative = "greater")$p.value
    (
        "unequal_spread",
        "greater",
    ): 0.648088015591709,  # t.test(a, b, alternative = "greater")$p.value
}
# ---- end of R output ----


@pytest.mark.parametrize(("name", "alternative"), sorted(PAIRED_ONE_SIDED))
def test_one_sided_paired_comparison_matches_r(name: str, alternative: str) -> None:
    baseline, follow_up, _ = INPUTS[name]
    got = paired_comparison(baseline, follow_up, alternative=alternative)
    two_sided = paired_comparison(baseline, follow_up)
    flat = {
        "p": got.p,
        "mean_difference_ci_low": got.mean_difference_ci[0],
        "mean_difference_ci_high": got.mean_difference_ci[1],
        "cohens_dz_ci_low": got.cohens_dz_ci[0],
        "cohens_dz_ci_high": got.cohens_dz_ci[1],
        "wilcoxon_p": got.wilcoxon_p,
    }
    for key, value in PAIRED_ONE_SIDED[(name, alternative)].items():
        assert_matches(flat[key], value, f"{name} {alternative} {key}")
    # the side changes the tests and intervals only
    for key in ("t", "df", "mean_difference", "cohens_dz", "d_av", "rank_biserial"):
        assert getattr(got, key) == getattr(two_sided, key), key


@pytest.mark.parametrize(("name", "alternative"), sorted(WELCH_ONE_SIDED))
def test_one_sided_welch_matches_r(name: str, alternative: str) -> None:
    a, b = WELCH_GROUPS[name]
    assert_matches(
        welch_comparison(a, b, alternative=alternative).p,
        WELCH_ONE_SIDED[(name, alternative)],
        name,
    )


WELCH_GROUPS = {  # the a and b of reference_alternatives.R
    "responded_higher": ([3, 4, 5], [1, 2, 2, 3]),
    "unequal_spread": ([2.1, 2.5, 1.9, 3.2, 2.8], [1.0, 4.5, 2.0, 3.9]),
}


def test_evaluate_passes_the_alternative_on() -> None:
    baseline, follow_up = load_matched(EXAMPLES_DIR / "responses.csv")
    greater = evaluate(baseline, follow_up, ITEM_FOOTSTEPS, alternative="greater")
    for got, footstep in zip(greater.footsteps, range(FOOTSTEP_COUNT), strict=True):
        expected = paired_comparison(
            footstep_scores(baseline, ITEM_FOOTSTEPS)[:, footstep],
            footstep_scores(follow_up, ITEM_FOOTSTEPS)[:, footstep],
            alternative="greater",
        )
        assert got == expected


@pytest.mark.parametrize("alternative", ["two_sided", "both", None, "GREATER"])
def test_an_unknown_alternative_is_an_error(alternative) -> None:
    with pytest.raises(ValueError, match="alternative must be one of"):
        paired_comparison([1, 2, 3], [2, 2, 5], alternative=alternative)
    with pytest.raises(ValueError, match="alternative must be one of"):
        welch_comparison([1, 2, 3], [2, 2, 5], alternative=alternative)


@pytest.mark.parametrize("module", [stats, scoring], ids=lambda module: module.__name__)
def test_docstring_examples(module) -> None:
    """The Examples sections of the docstrings run and give what they show."""
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted > 0
    assert failed == 0


@pytest.mark.parametrize(("pvalues", "expected"), HOLM)
def test_holm_matches_r(pvalues: list, expected: list) -> None:
    got = holm(pvalues)
    assert got.shape == (len(expected),)
    for g, e in zip(got, expected, strict=True):
        if e is None:
            assert math.isnan(g)
        else:
            assert g == close(e)


def test_holm_accepts_arrays_and_empty_input() -> None:
    assert holm([]).shape == (0,)
    assert holm(np.array([0.2, np.nan, 0.01])) == pytest.approx([0.2, np.nan, 0.02], nan_ok=True)


# --------------------------------------------------------------------------- scores


def test_footstep_scores_mean_of_complete_footsteps_only() -> None:
    ratings = np.array(
        [
            [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4],
            [1, 2, 3, NA, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4],  # footstep 3 incomplete
            [NA] * N_ITEMS,
        ],
        dtype=float,
    )
    scores = footstep_scores(ratings, ITEM_FOOTSTEPS)
    assert scores.shape == (3, FOOTSTEP_COUNT)
    assert scores[0] == pytest.approx([1, 2, 3.5, 5, 1, 3, 5, 1.5, 3, 4])
    assert np.isnan(scores[1, 2])
    assert np.delete(scores[1], 2) == pytest.approx([1, 2, 5, 1, 3, 5, 1.5, 3, 4])
    assert np.isnan(scores[2]).all()

    overall = overall_scores(scores)
    assert overall[0] == pytest.approx(np.mean([1, 2, 3.5, 5, 1, 3, 5, 1.5, 3, 4]))
    assert np.isnan(overall[1:]).all()


def test_footstep_scores_item_order_does_not_matter() -> None:
    rng = np.random.default_rng(3)
    ratings = rng.integers(1, 6, (50, N_ITEMS)).astype(float)
    ratings[rng.random(ratings.shape) < 0.1] = NA
    permutation = rng.permutation(N_ITEMS)
    shuffled = footstep_scores(ratings[:, permutation], [ITEM_FOOTSTEPS[j] for j in permutation])
    np.testing.assert_allclose(shuffled, footstep_scores(ratings, ITEM_FOOTSTEPS), rtol=1e-15)


def test_scores_of_no_rows() -> None:
    scores = footstep_scores(np.empty((0, N_ITEMS)), ITEM_FOOTSTEPS)
    assert scores.shape == (0, FOOTSTEP_COUNT)
    assert overall_scores(scores).shape == (0,)


# --------------------------------------------------------------------------- degenerate cases


def assert_degenerate(got: PairedComparison, n: int, reason: str) -> None:
    assert got.n_pairs == n
    assert got.reason == reason
    for name in ("baseline_sd", "follow_up_sd", "t", "df", "p", "cohens_dz", "d_av"):
        assert getattr(got, name) is None, name
    assert got.hedges_g_av is None and got.wilcoxon_p is None
    assert got.mean_difference_ci == (None, None) and got.cohens_dz_ci == (None, None)
    if n == 0:
        assert got.baseline_mean is None and got.follow_up_mean is None
        assert got.mean_difference is None
    else:
        assert None not in (got.baseline_mean, got.follow_up_mean, got.mean_difference)
    json.dumps(got.as_dict(), allow_nan=False)


def test_no_pairs() -> None:
    assert_degenerate(paired_comparison([], []), 0, REASON_TOO_FEW_PAIRS)


def test_all_nan() -> None:
    assert_degenerate(paired_comparison([NA, NA, 2.0], [1.0, NA, NA]), 0, REASON_TOO_FEW_PAIRS)


def test_one_pair() -> None:
    got = paired_comparison([2.0, NA], [3.5, 4.0])
    assert_degenerate(got, 1, REASON_TOO_FEW_PAIRS)
    assert (got.baseline_mean, got.follow_up_mean, got.mean_difference) == (2.0, 3.5, 1.5)


def test_all_differences_equal() -> None:
    got = paired_comparison([1, 2, 3, 4], [2, 3, 4, 5])
    assert_degenerate(got, 4, REASON_ZERO_SD)
    assert got.mean_difference == 1.0


def test_all_differences_equal_up_to_rounding() -> None:
    baseline = np.array([0.1, 0.2, 0.7])
    # sd(y - x) is 4.4e-17 here; R: isTRUE(all.equal(sd(y - x), 0)) is TRUE
    assert_degenerate(paired_comparison(baseline, baseline + 0.2), 3, REASON_ZERO_SD)


def test_zero_sd_uses_r_all_equal_tolerance() -> None:
    # isTRUE(all.equal(sd(c(0, 2e-8)), 0)) is TRUE; isTRUE(all.equal(sd(c(0, 3e-8)), 0)) is FALSE
    assert_degenerate(paired_comparison([0, 0], [0, 2e-8]), 2, REASON_ZERO_SD)
    got = paired_comparison([0, 0], [0, 3e-8])
    assert got.reason is None
    assert got.t == close(1.0)  # t.test(c(0, 3e-8), c(0, 0), paired = TRUE)$statistic
    assert got.p == close(0.5)  # t.test(c(0, 3e-8), c(0, 0), paired = TRUE)$p.value


def test_essentially_constant_differences() -> None:
    # t.test(c(1e10, 1e10 + 2e-6), c(0, 0), paired = TRUE): "data are essentially constant"
    got = paired_comparison([0, 0], [1e10, 1e10 + 2e-6])
    assert_degenerate(got, 2, REASON_CONSTANT_DIFFERENCES)


def test_all_rounded_differences_zero_leaves_wilcoxon_empty() -> None:
    # sd(d) = 2.1e-8 passes the zero-SD test, but rounded to 10 decimals both are 0 -> no V
    got = paired_comparison([0.0, 0.0], [1e-11, 3e-8 + 1e-11])
    assert got.reason is None
    assert got.p is not None
    got = paired_comparison([0.0, 0.0], [-2e-11, 2e-11 + 3e-8])
    assert got.wilcoxon_p is not None  # 3e-8 survives the rounding
    got = paired_comparison([0.0, 0.0, 0.0], [4e-11, -3e-11, 3e-11])
    assert got.reason == REASON_ZERO_SD


def test_wilcoxon_none_when_every_rounded_difference_is_zero() -> None:
    from analytics import stats as module

    assert module._signed_rank(np.array([1e-11, -2e-11, 4e-11])) == (None, None)
    assert module._signed_rank(np.array([])) == (None, None)


def test_evaluate_all_missing() -> None:
    ratings = np.full((5, N_ITEMS), NA)
    result = evaluate(ratings, ratings.copy(), ITEM_FOOTSTEPS)
    for comparison in (*result.footsteps, result.overall):
        assert_degenerate(comparison, 0, REASON_TOO_FEW_PAIRS)
    assert result.p_holm == (None,) * FOOTSTEP_COUNT
    json.dumps(result.as_dict(), allow_nan=False)


def test_evaluate_no_rows() -> None:
    empty = np.empty((0, N_ITEMS))
    result = evaluate(empty, empty, ITEM_FOOTSTEPS)
    assert all(c.n_pairs == 0 for c in result.footsteps)
    assert result.overall.reason == REASON_TOO_FEW_PAIRS


def test_evaluate_holm_skips_degenerate_footsteps() -> None:
    rng = np.random.default_rng(11)
    baseline = rng.integers(1, 6, (30, N_ITEMS)).astype(float)
    follow_up = np.clip(baseline + rng.integers(-1, 3, baseline.shape), 1, 5)
    follow_up[:, 0] = baseline[:, 0] + 1  # footstep 1: every difference is 1
    result = evaluate(baseline, follow_up, ITEM_FOOTSTEPS)
    assert result.footsteps[0].reason == REASON_ZERO_SD
    assert result.p_holm[0] is None
    others = [c.p for c in result.footsteps[1:]]
    assert list(result.p_holm[1:]) == pytest.approx(list(holm(others)))  # m = 9, not 10


# --------------------------------------------------------------------------- properties

values = st.one_of(
    st.integers(min_value=1, max_value=5).map(float),
    st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False),
    st.just(NA),
)
paired_samples = st.integers(min_value=0, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(values, min_size=n, max_size=n), st.lists(values, min_size=n, max_size=n)
    )
)
levels = st.floats(min_value=0.8, max_value=0.999)


@settings(max_examples=300, deadline=None)
@given(paired_samples, levels)
def test_intervals_contain_the_estimates(sample: tuple, level: float) -> None:
    baseline, follow_up = sample
    got = paired_comparison(baseline, follow_up, confidence_level=level)
    json.dumps(got.as_dict(), allow_nan=False)  # never NaN or infinity
    if got.reason is not None:
        return
    low, high = got.mean_difference_ci
    assert low <= got.mean_difference <= high
    assert got.cohens_dz == pytest.approx(got.t / math.sqrt(got.n_pairs), rel=1e-9)
    low, high = got.cohens_dz_ci
    if low is not None:
        assert low <= got.cohens_dz <= high
    assert 0 <= got.p <= 1
    assert got.wilcoxon_p is None or 0 <= got.wilcoxon_p <= 1


@settings(max_examples=300, deadline=None)
@given(paired_samples)
def test_swapping_the_waves_flips_the_signs(sample: tuple) -> None:
    baseline, follow_up = sample
    forward = paired_comparison(baseline, follow_up)
    backward = paired_comparison(follow_up, baseline)
    assert backward.n_pairs == forward.n_pairs
    assert backward.reason == forward.reason
    assert backward.baseline_mean == forward.follow_up_mean
    assert backward.follow_up_mean == forward.baseline_mean
    if forward.mean_difference is not None:
        assert backward.mean_difference == pytest.approx(-forward.mean_difference, abs=1e-12)
    if forward.reason is not None:
        return
    assert backward.baseline_sd == forward.follow_up_sd
    assert backward.t == -forward.t
    assert backward.cohens_dz == -forward.cohens_dz
    assert backward.d_av == pytest.approx(-forward.d_av)
    assert backward.hedges_g_av == pytest.approx(-forward.hedges_g_av)
    assert backward.p == forward.p
    assert backward.wilcoxon_p == pytest.approx(forward.wilcoxon_p)
    assert backward.mean_difference_ci == pytest.approx(
        (-forward.mean_difference_ci[1], -forward.mean_difference_ci[0])
    )
    if forward.cohens_dz_ci[0] is not None:
        assert backward.cohens_dz_ci == pytest.approx(
            (-forward.cohens_dz_ci[1], -forward.cohens_dz_ci[0]), rel=1e-9, abs=1e-11
        )


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("baseline", "follow_up", "kwargs", "message"),
    [
        ([1, 2, 3], [1, 2], {}, "same length"),
        ([[1, 2], [3, 4]], [[1, 2], [3, 4]], {}, "one-dimensional"),
        ([1, 2, math.inf], [1, 2, 3], {}, "infinite"),
        (["a", "b"], [1, 2], {}, "sequence of numbers"),
        ([1, 2], [2, 4], {"confidence_level": 0}, "between 0 and 1"),
        ([1, 2], [2, 4], {"confidence_level": 1}, "between 0 and 1"),
        ([1, 2], [2, 4], {"confidence_level": 95}, "between 0 and 1"),
        ([1, 2], [2, 4], {"confidence_level": math.nan}, "between 0 and 1"),
        ([1, 2], [2, 4], {"confidence_level": "0.95"}, "confidence_level"),
        ([1, 2], [2, 4], {"confidence_level": True}, "confidence_level"),
    ],
)
def test_paired_comparison_rejects_bad_input(baseline, follow_up, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        paired_comparison(baseline, follow_up, **kwargs)


GOOD = np.full((2, N_ITEMS), 3.0)


@pytest.mark.parametrize(
    ("ratings", "item_footsteps", "message"),
    [
        (GOOD, ITEM_FOOTSTEPS[:-1], "13 entries but the ratings have 14 items"),
        (GOOD, (0, *ITEM_FOOTSTEPS[1:]), "outside 1..10"),
        (GOOD, (*ITEM_FOOTSTEPS[:-1], 11), "outside 1..10"),
        (GOOD, (2.5, *ITEM_FOOTSTEPS[1:]), "integer footstep"),
        (GOOD, (True, *ITEM_FOOTSTEPS[1:]), "integer footstep"),
        (GOOD, (2, *ITEM_FOOTSTEPS[1:]), r"footstep\(s\) \[1\] have no items"),
        (GOOD[0], ITEM_FOOTSTEPS, "2-D"),
        (np.where(np.eye(2, N_ITEMS) > 0, np.inf, 3.0), ITEM_FOOTSTEPS, "infinite"),
    ],
)
def test_footstep_scores_rejects_bad_input(ratings, item_footsteps, message) -> None:
    with pytest.raises(ValueError, match=message):
        footstep_scores(ratings, item_footsteps)


def test_evaluate_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="same shape"):
        evaluate(GOOD, GOOD[:1], ITEM_FOOTSTEPS)
    with pytest.raises(ValueError, match="same shape"):
        evaluate(GOOD, GOOD[:, :-1], ITEM_FOOTSTEPS)
    with pytest.raises(ValueError, match="14 items"):
        evaluate(GOOD, GOOD, ITEM_FOOTSTEPS + (3,))


def test_overall_scores_and_holm_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="10 columns"):
        overall_scores(np.ones((3, 9)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        holm([0.5, 1.5])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        holm([-0.1])
    with pytest.raises(ValueError, match="one-dimensional"):
        holm([[0.1, 0.2]])


def test_huge_t_gives_no_dz_interval() -> None:
    # sd(d) = 1e-4 against a mean of 1: t is about 1.4e4, beyond MAX_ABS_T_FOR_DZ_CI.
    # (Speed is measured by benchmarks/bench_statistics.py, not here.)
    got = paired_comparison([0.0, 0.0], [1.0, 1.0 + 1.4142e-4])
    assert got.reason is None
    assert got.t > 1e4
    assert got.cohens_dz_ci == (None, None)
    assert got.cohens_dz == pytest.approx(got.t / math.sqrt(2))
    json.dumps(got.as_dict(), allow_nan=False)
