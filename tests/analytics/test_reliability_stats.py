"""Tests for the reliability and change statistics of analytics.stats, pinned to R.

Reference numbers come from R 4.2.2 (psych 2.2.9, effectsize 0.8.3):

* ``examples/waves.csv`` / ``waves.ref.json`` and ``examples/responses.csv`` /
  ``responses.waves.ref.json``: the repository's worked examples and what
  ``examples/reference_waves.R`` computes for them; its ``reliability``
  (``psych::alpha``), ``reliable_change`` (Jacobson-Truax) and the ``rank_biserial`` and
  ``shapiro_p`` (``shapiro.test``) of every comparison are checked here;
* ``data/reliability_cases.json``: hand-made cases printed by
  ``Rscript reference_reliability.R``; the R call behind each is in the comment beside
  its name in ``CASE_CALLS``.

No Django is needed; the module imports nothing from it.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from analytics.stats import (
    REASON_CONSTANT_DIFFERENCES,
    REASON_NO_BASELINE_SD,
    REASON_NO_CHANGE_PAIRS,
    REASON_NO_RELIABILITY,
    REASON_PERFECT_RELIABILITY,
    REASON_TOO_FEW_ITEMS,
    REASON_TOO_FEW_PAIRS,
    REASON_TOO_FEW_RESPONSES,
    REASON_TOO_FEW_VARYING_ITEMS,
    REASON_TWO_ITEMS_DROP,
    REASON_ZERO_SD,
    REASON_ZERO_TOTAL_VARIANCE,
    cronbach_alpha,
    evaluate,
    footstep_scores,
    holm,
    overall_reliable_change,
    overall_scores,
    paired_comparison,
    reliable_change,
)
from tests.analytics.reference import (
    DATA,
    EXAMPLES_DIR,
    ITEM_FOOTSTEPS,
    assert_matches,
    assert_plain,
)

# Warnings (RuntimeWarning from numpy, scipy's shapiro, ...) must not escape.
pytestmark = pytest.mark.filterwarnings("error")

NA = math.nan
FUNCTIONS = {
    "paired_comparison": paired_comparison,
    "cronbach_alpha": cronbach_alpha,
    "reliable_change": reliable_change,
    "overall_reliable_change": overall_reliable_change,
}

ITEMS = [f"s{i}" for i in range(1, 15)]


def approx(expected: float, rel: float = 1e-6) -> Any:
    """Agreement with R: 1e-6 relative; within 1e-12 where R gives exactly 0."""
    return pytest.approx(expected, rel=rel, abs=1e-12 if expected == 0 else 0.0)


def matches_r(got: Any, expected: Any, where: str, *, subset: bool = False) -> int:
    """:func:`assert_matches` with :func:`approx`'s tolerance; R's integers stay integers."""
    return assert_matches(
        got,
        expected,
        where,
        tolerance=lambda _, value: {"rel": 1e-6, "abs": 1e-12 if value == 0 else 0.0},
        subset=subset,
        exact_ints=True,
    )


# --------------------------------------------------------------------------- example files


@dataclass(frozen=True)
class Example:
    """An example file read exactly as reference_waves.R reads it.

    ``rows[wave]``: every row of the included participants at that wave (14 ratings, NaN =
    unanswered), as ``d[d$wave == w, paste0("s", 1:14)]``; ``matched[wave]``: the ratings
    of every included participant (sorted codes) at that wave, NaN when absent, as ``S``
    is built with ``match(codes, rows$participant_code)``.
    """

    waves: list[str]
    rows: dict[str, np.ndarray]
    matched: dict[str, np.ndarray]
    reference: dict[str, Any]

    def scores(self, wave: str) -> np.ndarray:
        """Footstep scores (participants x 10) at ``wave``, as ``S[[wave]][, 1:10]``."""
        return footstep_scores(self.matched[wave], ITEM_FOOTSTEPS)


def load_example(csv_name: str, reference_name: str) -> Example:
    """``follow_up`` means ``month_3``; a participant is included only if every one of
    their rows says ``mandatory_completed == "yes"``."""
    with (EXAMPLES_DIR / csv_name).open(newline="", encoding="utf-8") as handle:
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

    def ratings(row: dict[str, str]) -> list[float]:
        return [float(row[item]) if row[item] else NA for item in ITEMS]

    by_wave: dict[str, np.ndarray] = {}
    matched: dict[str, np.ndarray] = {}
    for wave in waves:
        at_wave = [row for row in rows if row["wave"] == wave]
        by_wave[wave] = np.array([ratings(row) for row in at_wave]).reshape(-1, len(ITEMS))
        matrix = np.full((len(codes), len(ITEMS)), NA)
        for row in reversed(at_wave):  # R's match(): the first row of a code wins
            matrix[position[row["participant_code"]]] = ratings(row)
        matched[wave] = matrix
    reference = json.loads((EXAMPLES_DIR / reference_name).read_text(encoding="utf-8"))
    return Example(waves, by_wave, matched, reference)


EXAMPLES = {
    "waves": load_example("waves.csv", "waves.ref.json"),
    "responses": load_example("responses.csv", "responses.waves.ref.json"),
}
EXAMPLE_WAVES = [(name, wave) for name, ex in EXAMPLES.items() for wave in ex.waves]
EXAMPLE_FOLLOW_UPS = [(name, wave) for name, ex in EXAMPLES.items() for wave in ex.waves[1:]]


def entry(entries: list[dict[str, Any]], wave: str) -> dict[str, Any]:
    (found,) = [e for e in entries if e["wave"] == wave]
    return {key: value for key, value in found.items() if key != "wave"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_waves(name: str) -> None:
    expected = {
        "waves": ["baseline", "month_3", "month_6", "month_12"],
        "responses": ["baseline", "month_3"],  # follow_up is month_3
    }
    assert EXAMPLES[name].reference["waves"] == EXAMPLES[name].waves == expected[name]


@pytest.mark.parametrize(("name", "wave"), EXAMPLE_WAVES)
def test_example_reliability_matches_r(name: str, wave: str) -> None:
    """psych::alpha(rows with all 14 answered, check.keys = FALSE) at every wave."""
    example = EXAMPLES[name]
    expected = entry(example.reference["reliability"], wave)
    rows = example.rows[wave]
    got = cronbach_alpha(rows, ITEMS).as_dict()
    assert_plain(got)
    assert got["reason"] is None
    assert got["n"] == int((~np.isnan(rows).any(axis=1)).sum())
    checked = matches_r(got, expected, f"{name} {wave}")
    assert checked == 1 + 1 + 2 + 14 * 2  # n, alpha, CI and both figures of every item


@pytest.mark.parametrize(("name", "wave"), EXAMPLE_FOLLOW_UPS)
def test_example_reliable_change_matches_r(name: str, wave: str) -> None:
    """rel10 = alpha of the 10 baseline footstep scores; RCI of every pair with both scores."""
    example = EXAMPLES[name]
    expected = entry(example.reference["reliable_change"], wave)
    baseline, follow_up = example.scores("baseline"), example.scores(wave)
    got = overall_reliable_change(baseline, follow_up).as_dict()
    assert_plain(got)
    assert got["reason"] is None
    assert matches_r(got, expected, f"{name} {wave}") == 7

    # the same from its parts: reliable_change with the reliability and SD given
    before, after = overall_scores(baseline), overall_scores(follow_up)
    has_baseline = ~np.isnan(before)
    alpha = cronbach_alpha(baseline[has_baseline]).cronbach_alpha
    sd = float(np.std(before[has_baseline], ddof=1))
    parts = reliable_change(before, after, reliability=alpha, sd_baseline=sd).as_dict()
    assert parts == got


@pytest.mark.parametrize(("name", "wave"), EXAMPLE_FOLLOW_UPS)
def test_example_comparisons_match_r(name: str, wave: str) -> None:
    """Every figure of R's pair() for the 10 footsteps and the overall score, through evaluate.

    The new ones are rank_biserial and shapiro_p (scipy's shapiro against R's shapiro.test,
    both Royston's AS R94: they agree to about 2e-8 relative on these files).
    """
    example = EXAMPLES[name]
    (expected,) = [c for c in example.reference["comparisons"] if c["wave"] == wave]
    result = evaluate(example.matched["baseline"], example.matched[wave], ITEM_FOOTSTEPS)
    got = result.as_dict()
    assert_plain(got)
    checked = 0
    for got_entry, r_entry in [
        *zip(got["footsteps"], expected["footsteps"], strict=True),
        (got["overall"], expected["overall"]),
    ]:
        label = f"{name} {wave} footstep {r_entry.get('footstep', 'overall')}"
        assert got_entry["reason"] is None, label
        for key in ("rank_biserial", "shapiro_p"):
            assert r_entry[key] is not None, label  # both are pinned, not just None == None
        checked += matches_r(got_entry, r_entry, label, subset=True)
    # n_pairs, 2 means, 2 SDs, mean difference + CI, t, df, p, d_z + CI, wilcoxon, rb, shapiro
    assert checked == 10 * (17 + 2) + 17  # footsteps also have "footstep" and "p_holm"


@pytest.mark.parametrize(("name", "wave"), EXAMPLE_FOLLOW_UPS)
def test_example_pairs_as_r_pair(name: str, wave: str) -> None:
    """paired_comparison on the score columns, as R's pair(S$baseline[, j], S[[w]][, j])."""
    example = EXAMPLES[name]
    (expected,) = [c for c in example.reference["comparisons"] if c["wave"] == wave]
    before, after = example.scores("baseline"), example.scores(wave)
    columns = [(before[:, j], after[:, j]) for j in range(10)]
    columns.append((overall_scores(before), overall_scores(after)))
    for (x, y), r_entry in zip(columns, [*expected["footsteps"], expected["overall"]], strict=True):
        got = paired_comparison(x, y)
        assert got.rank_biserial == approx(r_entry["rank_biserial"])
        assert got.shapiro_p == approx(r_entry["shapiro_p"])
    p_holm = holm([paired_comparison(x, y).p for x, y in columns[:10]])
    assert list(p_holm) == [approx(r["p_holm"]) for r in expected["footsteps"]]


# --------------------------------------------------------------------------- hand-made R cases

CASES = {case["name"]: case for case in json.loads((DATA / "reliability_cases.json").read_text())}

# Abbreviations of reference_reliability.R (x = baseline, y = follow-up, NA dropped pairwise):
#   pair(x, y):  dd <- round(y - x, 10); nz <- dd[dd != 0]; rk <- rank(abs(nz))
#                (sum(rk[nz > 0]) - sum(rk[nz < 0])) / sum(rk), shapiro.test(y - x)$p.value,
#                wilcox.test(dd, exact = FALSE, correct = TRUE)$p.value; also
#                effectsize::rank_biserial(dd, mu = 0)
#   alpha(M):    a <- psych::alpha(M[complete.cases(M), ], check.keys = FALSE): a$total$raw_alpha,
#                alpha.ci(raw_alpha, n, k, p.val = 1 - level), a$item.stats$r.drop,
#                a$alpha.drop$raw_alpha
#   change(x, y, rel, sd0, level): se <- sqrt(2) * sd0 * sqrt(1 - rel); rci <- (y - x) / se;
#                sum(rci > qnorm(0.5 + level / 2)), sum(abs(rci) <= z), sum(rci < -z)
CASE_CALLS = [
    "rb_ties_and_zeros",  # pair(x, y) with y - x = c(1, 0, 1, -1, 1, 2, 0, 1, 0, -2)
    "rb_rounding",  # pair(c(0.1, 0.2, 0.7, 0.3, 1, 2, 3), c(0.3, 0.4, 0.9, 0.1 + 0.2, 0.5, 3, 2.6))
    "rb_all_negative",  # pair(c(3, 4, 5, 4, 3), c(2, 2, 4.5, 3, 1))
    "rb_one_nonzero",  # pair(c(1, 2, 3, 4), c(1, 2, 3, 5))
    "shapiro_n3",  # pair(c(1, 2, 3), c(2, 4, 3.5)): shapiro.test(c(1, 2, 0.5))
    "shapiro_n3_minimum_w",  # pair(c(1, 2, 3), c(1, 2, 4)): shapiro.test(c(0, 0, 1))$p.value = 0
    "shapiro_n4_with_missing",  # pair(c(1, 2, NA, 3, 4, 2), c(2, 2, 3, NA, 5.5, 2.5))
    "shapiro_n7",  # pair(c(3, 2, 4, 1, 2, 3, 5), c(4, 4.5, 4, 2, 2.2, 5, 5))
    "shapiro_n12",  # pair((1:12) / 2, c(2, 1, 3, 4, 2, 6, 5, 4, 7, 8, 9, 2))
    "alpha_negative_item",  # alpha(M), item s5 negatively keyed
    "alpha_negative_item_90",  # alpha(M, level = 0.9): alpha.ci(..., p.val = 0.1)
    "alpha_listwise",  # alpha(M) with NA in two rows: psych::alpha on the 6 complete rows
    "alpha_constant_item",  # alpha(M): psych leaves out s2 (no variance), alpha of s1 and s3
    "alpha_two_items_negative",  # alpha(M) = -6.75; alpha if dropped null (psych: C12 / C22)
    "alpha_two_complete_rows",  # reference_waves.R's rule: n = 2, no psych::alpha call
    "change_given",  # change(x, y, 0.9, 0.5)
    "change_given_90",  # change(x, y, 0.9, 0.5, level = 0.9): cut qnorm(0.95)
    "change_negative_reliability",  # change(x, y, -0.4, 0.5)
    "change_no_pairs",  # change(c(1, NA, 3), c(NA, 2, NA), 0.8, 0.7): sum(logical(0)) = 0
    "change_overall",  # rel10 <- psych::alpha(B[has_base, ])$total$raw_alpha; change(...)
    "shapiro_n5000",  # shapiro.test(y5000)$p.value, y5000 as CASES["shapiro_n5000"]["input"]
]


def test_every_r_case_is_listed() -> None:
    assert sorted(CASE_CALLS) == sorted(CASES)


def as_input(value: Any) -> Any:
    """JSON null -> NaN inside vectors and matrices."""
    if isinstance(value, list):
        return [as_input(v) for v in value]
    return NA if value is None else value


def n5000_follow_up() -> np.ndarray:
    i = np.arange(1, 5001, dtype=np.int64)
    return ((i * 7919) % 1000 + (i * 104729) % 997 + (i * 1299709) % 991) / 100


def call(case: dict[str, Any]) -> Any:
    if case["name"] == "shapiro_n5000":
        return paired_comparison(np.zeros(5000), n5000_follow_up())
    arguments = {
        key: value if key == "item_names" else as_input(value)
        for key, value in case["input"].items()
    }
    return FUNCTIONS[case["function"]](**arguments)


@pytest.mark.parametrize("name", [n for n in CASE_CALLS if n != "shapiro_n5000"])
def test_hand_made_case_matches_r(name: str) -> None:
    case = CASES[name]
    got = call(case).as_dict()
    assert_plain(got)
    assert (got["reason"] is not None) == case["has_reason"], got["reason"]
    subset = case["function"] == "paired_comparison"
    assert matches_r(got, case["expected"], name, subset=subset) > 0
    also = case["also"] or {}
    if "effectsize_rank_biserial" in also:
        assert got["rank_biserial"] == approx(also["effectsize_rank_biserial"])


def test_shapiro_at_n_5000_agrees_with_r_to_about_2e6() -> None:
    """The one known disagreement with R: at n = 5000, scipy's p is 2.1e-6 (relative) off.

    Both are AS R94, but where R's swilk.c calls qnorm and pnorm, scipy's port keeps the
    algorithm's own, less precise, normal quantiles (AS 111, for the coefficients: W differs
    by about 1e-10) and tail areas (AS 66); the effect on p grows with n and with -log(p).
    On the example files it is below 2e-8.
    """
    case = CASES["shapiro_n5000"]
    got = call(case)
    assert got.n_pairs == 5000 and got.reason is None
    assert got.shapiro_p == approx(case["expected"]["shapiro_p"], rel=1e-5)
    assert got.shapiro_p != approx(case["expected"]["shapiro_p"], rel=1e-6)


def test_rank_biserial_rounds_before_ranking() -> None:
    """(0.1 + 0.2) - 0.3 is 5.6e-17, zero only once rounded: unrounded it would get rank 1."""
    case = CASES["rb_rounding"]
    got = call(case).rank_biserial
    assert got == approx(case["expected"]["rank_biserial"])
    d = np.subtract(case["input"]["follow_up"], case["input"]["baseline"])
    nonzero = d[d != 0]
    ranks = scipy_stats.rankdata(np.abs(nonzero))
    unrounded = (ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum()
    assert got != approx(unrounded)


def test_rank_biserial_agrees_with_scipy_signed_rank_statistic() -> None:
    """r = (2 W+ - S) / S with W+ = scipy's one-sided statistic and S = m (m + 1) / 2."""
    rng = np.random.default_rng(5)
    for n in (3, 9, 40, 300):
        baseline = rng.integers(1, 6, n).astype(float)
        follow_up = rng.integers(1, 6, n).astype(float)
        d = follow_up - baseline
        m = int(np.count_nonzero(d))
        if m == 0 or np.std(d) == 0:
            continue
        w_plus = scipy_stats.wilcoxon(
            d, zero_method="wilcox", alternative="greater", method="approx"
        ).statistic
        total = m * (m + 1) / 2
        got = paired_comparison(baseline, follow_up).rank_biserial
        assert got == pytest.approx((2 * w_plus - total) / total, rel=1e-12)


# --------------------------------------------------------------------------- paired comparison


@pytest.mark.parametrize(
    ("baseline", "follow_up", "reason"),
    [
        ([], [], REASON_TOO_FEW_PAIRS),
        ([2.0, NA], [3.0, 4.0], REASON_TOO_FEW_PAIRS),
        ([1, 2, 3, 4], [2, 3, 4, 5], REASON_ZERO_SD),
        ([0.1, 0.2, 0.7], [0.3, 0.4, 0.9], REASON_ZERO_SD),  # equal up to the last bit
        ([0, 0], [1e10, 1e10 + 2e-6], REASON_CONSTANT_DIFFERENCES),
    ],
)
def test_degenerate_comparison_has_neither(baseline: Any, follow_up: Any, reason: str) -> None:
    got = paired_comparison(baseline, follow_up)
    assert got.reason == reason
    assert got.rank_biserial is None and got.shapiro_p is None
    assert_plain(got.as_dict())


def test_keys_follow_wilcoxon_p() -> None:
    keys = list(paired_comparison([1, 2, 3], [2, 2, 5]).as_dict())
    assert keys[keys.index("wilcoxon_p") :] == [
        "wilcoxon_p",
        "rank_biserial",
        "shapiro_p",
        "reason",
    ]


def test_two_pairs_have_rank_biserial_but_no_shapiro() -> None:
    got = paired_comparison([2, 3], [3, 5])  # differences 1, 2: both up
    assert got.reason is None
    assert got.rank_biserial == 1.0
    assert got.shapiro_p is None  # shapiro.test needs n >= 3


def test_shapiro_limits() -> None:
    """shapiro.test accepts 3..5000 values; above 5000 there is no Shapiro p, but a rank r."""
    y = np.r_[n5000_follow_up(), 3.5]
    got = paired_comparison(np.zeros(5001), y)
    assert got.reason is None and got.shapiro_p is None
    assert got.rank_biserial == 1.0
    assert paired_comparison(np.zeros(5000), y[:5000]).shapiro_p is not None


def test_rounded_differences_all_equal_gives_no_shapiro() -> None:
    # sd(d) = 1.7e-8 passes the zero-SD test, and rounded to 10 decimals the differences
    # are 0, 3e-8 and 0, not all equal: both statistics are defined
    got = paired_comparison([0.0, 0.0, 0.0], [1e-11, 3e-8 + 1e-11, 1e-11])
    assert got.reason is None
    assert got.rank_biserial == 1.0
    assert got.shapiro_p is not None and 0 <= got.shapiro_p <= 1
    from analytics import stats as module

    assert module._shapiro_p(np.array([1e-11, -2e-11, 4e-11])) is None  # all round to 0
    assert module._shapiro_p(np.array([1.0, 2.0])) is None
    assert module._signed_rank(np.array([1e-11, -2e-11])) == (None, None)


def test_evaluate_at_scale_has_rank_biserial_and_no_shapiro() -> None:
    """100,000 participants: rank_biserial from the Wilcoxon ranks; no Shapiro p (n > 5000)."""
    rng = np.random.default_rng(2)
    baseline = rng.integers(1, 6, (100_000, len(ITEM_FOOTSTEPS))).astype(float)
    follow_up = np.clip(baseline + rng.integers(-1, 3, baseline.shape), 1, 5)
    result = evaluate(baseline, follow_up, ITEM_FOOTSTEPS)
    for comparison in (*result.footsteps, result.overall):
        assert comparison.shapiro_p is None
        assert 0 < comparison.rank_biserial < 1
    small = evaluate(baseline[:300], follow_up[:300], ITEM_FOOTSTEPS)
    assert all(c.shapiro_p is not None for c in (*small.footsteps, small.overall))


values = st.one_of(st.integers(min_value=1, max_value=5).map(float), st.just(NA))
paired_samples = st.integers(min_value=0, max_value=30).flatmap(
    lambda n: st.tuples(
        st.lists(values, min_size=n, max_size=n), st.lists(values, min_size=n, max_size=n)
    )
)


@settings(max_examples=200, deadline=None)
@given(paired_samples)
def test_swapping_the_waves_flips_rank_biserial(sample: tuple) -> None:
    baseline, follow_up = sample
    forward = paired_comparison(baseline, follow_up)
    backward = paired_comparison(follow_up, baseline)
    assert_plain(forward.as_dict())
    if forward.reason is not None:
        assert forward.rank_biserial is None and forward.shapiro_p is None
        return
    assert -1 <= forward.rank_biserial <= 1
    assert backward.rank_biserial == pytest.approx(-forward.rank_biserial, abs=1e-15)
    if forward.n_pairs >= 3:
        assert 0 <= forward.shapiro_p <= 1
        assert backward.shapiro_p == pytest.approx(forward.shapiro_p, rel=1e-9, abs=1e-12)
    else:
        assert forward.shapiro_p is None


# --------------------------------------------------------------------------- cronbach_alpha


def undefined_alpha(n: int, reason: str) -> dict[str, Any]:
    return {"n": n, "cronbach_alpha": None, "alpha_ci": [None, None], "items": [], "reason": reason}


@pytest.mark.parametrize(
    ("ratings", "n", "reason"),
    [
        (np.empty((0, 4)), 0, REASON_TOO_FEW_RESPONSES),
        (np.full((5, 3), NA), 0, REASON_TOO_FEW_RESPONSES),
        ([[1, 2, 3], [2, 3, 4], [NA, 1, 1]], 2, REASON_TOO_FEW_RESPONSES),
        ([[1], [2], [3], [4]], 4, REASON_TOO_FEW_ITEMS),
        (np.empty((4, 0)), 4, REASON_TOO_FEW_ITEMS),
        ([[3, 3, 3], [3, 3, 3], [3, 3, 3]], 3, REASON_TOO_FEW_VARYING_ITEMS),
        ([[1, 3, 3], [2, 3, 3], [4, 3, 3]], 3, REASON_TOO_FEW_VARYING_ITEMS),
        ([[1, 5], [2, 4], [4, 2], [3, 3]], 4, REASON_ZERO_TOTAL_VARIANCE),  # s2 = 6 - s1
        ([[0.1, 0.2], [0.2, 0.1], [0.3, 0.0]], 3, REASON_ZERO_TOTAL_VARIANCE),  # up to rounding
    ],
)
def test_alpha_degenerate(ratings: Any, n: int, reason: str) -> None:
    got = cronbach_alpha(ratings).as_dict()
    assert got == undefined_alpha(n, reason)
    assert_plain(got)


def test_alpha_rest_that_does_not_vary() -> None:
    """s3 = 6 - s2, so without s1 the rest does not vary: its r and alpha if dropped are null."""
    ratings = [[1, 1, 5], [2, 3, 3], [4, 2, 4], [3, 5, 1], [2, 4, 2]]
    got = cronbach_alpha(ratings, ["a", "b", "c"]).as_dict()
    assert_plain(got)
    assert got["cronbach_alpha"] is not None
    first, *others = got["items"]
    assert first == {"item": "a", "item_rest_r": None, "alpha_if_dropped": None}
    assert all(item["item_rest_r"] is not None for item in others)
    assert got["reason"] == (
        "the other items do not vary when a is dropped, so its item-rest correlation and "
        "alpha if dropped are not defined"
    )


def test_alpha_reasons_name_the_items() -> None:
    case = CASES["alpha_constant_item"]
    got = call(case).as_dict()
    assert got["reason"] == (
        f"item(s) s2 do not vary and are left out, as psych::alpha does; {REASON_TWO_ITEMS_DROP}"
    )
    assert call(CASES["alpha_two_items_negative"]).reason == REASON_TWO_ITEMS_DROP
    unnamed = cronbach_alpha(as_input(case["input"]["ratings"])).as_dict()
    assert [item["item_index"] for item in unnamed["items"]] == [0, 1, 2]
    assert "item" not in unnamed["items"][0]
    assert unnamed["reason"].startswith("item(s) index 1 do not vary")


def test_alpha_uses_complete_rows_only() -> None:
    rng = np.random.default_rng(8)
    ratings = rng.integers(1, 6, (40, 5)).astype(float) + rng.normal(0, 1, (40, 1))
    with_missing = ratings.copy()
    with_missing[[3, 9, 17], [0, 4, 2]] = NA
    expected = cronbach_alpha(np.delete(ratings, [3, 9, 17], axis=0))
    assert cronbach_alpha(with_missing) == expected
    assert expected.n == 37


def test_alpha_of_scaled_items_is_unchanged_but_not_of_one_item() -> None:
    """Raw alpha is invariant to shifting the items and to scaling all of them together."""
    rng = np.random.default_rng(4)
    ratings = rng.integers(1, 6, (30, 4)) + rng.integers(0, 3, (30, 1))
    base = cronbach_alpha(ratings)
    assert cronbach_alpha(ratings * 2.5 + 7).cronbach_alpha == pytest.approx(base.cronbach_alpha)
    assert cronbach_alpha(ratings * [1, 1, 1, 3]).cronbach_alpha != pytest.approx(
        base.cronbach_alpha
    )


@pytest.mark.parametrize(
    ("ratings", "kwargs", "message"),
    [
        ([1, 2, 3], {}, "2-D"),
        ([[1, 2], [2, math.inf], [3, 1]], {}, "infinite"),
        ([["a", "b"], ["c", "d"]], {}, "2-D array of numbers"),
        ([[1, 2], [2, 3], [3, 1]], {"item_names": ["a"]}, "item_names has 1 entries"),
        ([[1, 2], [2, 3], [3, 1]], {"confidence_level": 1.5}, "between 0 and 1"),
    ],
)
def test_alpha_rejects_bad_input(ratings: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cronbach_alpha(ratings, **kwargs)


def test_alpha_at_scale() -> None:
    """100,000 responses x 14 items: vectorised, alpha near its population value 14/15."""
    rng = np.random.default_rng(12)
    n, k = 100_000, 14
    ratings = rng.normal(0, 1, (n, 1)) + rng.normal(0, 1, (n, k))  # item correlation 0.5
    ratings[rng.random((n, k)) < 0.01] = NA
    got = cronbach_alpha(ratings)
    assert got.n == int((~np.isnan(ratings).any(axis=1)).sum())
    assert got.cronbach_alpha == pytest.approx(k * 0.5 / (1 + (k - 1) * 0.5), abs=0.005)
    low, high = got.alpha_ci
    assert low < got.cronbach_alpha < high and high - low < 0.005


# --------------------------------------------------------------------------- reliable change

PAIRS = ([2, 3, 3.5, 4, NA], [3.5, 3.2, 2.4, 4.1, 3])


@pytest.mark.parametrize(
    ("reliability", "sd", "reason"),
    [
        (None, 0.5, REASON_NO_RELIABILITY),
        (NA, 0.5, REASON_NO_RELIABILITY),
        (1.0, 0.5, REASON_PERFECT_RELIABILITY),
        (0.8, None, REASON_NO_BASELINE_SD),
        (0.8, NA, REASON_NO_BASELINE_SD),
        (0.8, 0.0, REASON_NO_BASELINE_SD),
        (0.8, 1e-9, REASON_NO_BASELINE_SD),
    ],
)
def test_reliable_change_degenerate(reliability: Any, sd: Any, reason: str) -> None:
    got = reliable_change(*PAIRS, reliability=reliability, sd_baseline=sd).as_dict()
    assert_plain(got)
    assert got == {
        "reliability": None if reliability is None or reliability != reliability else reliability,
        "sd_baseline": None if sd is None or sd != sd else sd,
        "se_difference": None,
        "n": 4,
        "improved": None,
        "no_change": None,
        "deteriorated": None,
        "reason": reason,
    }


def test_reliable_change_without_pairs_counts_zero() -> None:
    got = call(CASES["change_no_pairs"])
    assert got.reason == REASON_NO_CHANGE_PAIRS
    assert (got.n, got.improved, got.no_change, got.deteriorated) == (0, 0, 0, 0)
    assert (
        reliable_change([], [], reliability=0.8, sd_baseline=0.7).reason == REASON_NO_CHANGE_PAIRS
    )


def test_reliable_change_counts_add_up_and_flip() -> None:
    rng = np.random.default_rng(6)
    x, y = rng.normal(3, 0.7, 500), rng.normal(3.3, 0.7, 500)
    forward = reliable_change(x, y, reliability=0.85, sd_baseline=0.7)
    backward = reliable_change(y, x, reliability=0.85, sd_baseline=0.7)
    assert forward.improved + forward.no_change + forward.deteriorated == forward.n == 500
    assert (backward.improved, backward.deteriorated) == (forward.deteriorated, forward.improved)
    cut = scipy_stats.norm.ppf(0.975)
    assert cut == pytest.approx(1.959964, abs=1e-6)
    assert forward.improved == int(((y - x) / forward.se_difference > cut).sum())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reliability": 1.2, "sd_baseline": 0.5}, "reliability must be at most 1"),
        ({"reliability": "0.8", "sd_baseline": 0.5}, "reliability must be a number"),
        ({"reliability": True, "sd_baseline": 0.5}, "reliability must be a number"),
        ({"reliability": math.inf, "sd_baseline": 0.5}, "reliability must be finite"),
        ({"reliability": 0.8, "sd_baseline": -0.5}, "sd_baseline must not be negative"),
        ({"reliability": 0.8, "sd_baseline": 0.5, "confidence_level": 0}, "between 0 and 1"),
    ],
)
def test_reliable_change_rejects_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reliable_change(*PAIRS, **kwargs)
    with pytest.raises(ValueError, match="same length"):
        reliable_change([1, 2], [1], reliability=0.8, sd_baseline=0.5)


def test_overall_reliable_change_degenerate() -> None:
    baseline = np.full((4, 10), NA)
    baseline[0] = 3.0
    baseline[1] = np.linspace(2, 4, 10)
    follow_up = baseline + 0.5
    got = overall_reliable_change(baseline, follow_up).as_dict()
    assert_plain(got)
    assert got["reliability"] is None and got["improved"] is None and got["n"] == 2
    assert got["reason"] == f"{REASON_NO_RELIABILITY} ({REASON_TOO_FEW_RESPONSES})"
    assert got["sd_baseline"] == 0.0  # both overall scores are 3

    one = overall_reliable_change(baseline[:1], follow_up[:1]).as_dict()
    assert one["sd_baseline"] is None and one["reliability"] is None and one["n"] == 1
    none = overall_reliable_change(np.empty((0, 10)), np.empty((0, 10))).as_dict()
    assert none["n"] == 0 and none["improved"] is None

    with pytest.raises(ValueError, match="same shape"):
        overall_reliable_change(baseline, follow_up[:2])
    with pytest.raises(ValueError, match="10 columns"):
        overall_reliable_change(baseline[:, :9], follow_up[:, :9])
