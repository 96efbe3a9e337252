"""Paired baseline/follow-up statistics for the Ten Footsteps evaluation.

This module is the statistical core of the evaluation report. It is pure
numpy/scipy (no Django), and every figure it produces is pinned in the test
suite to R (``t.test``, ``effectsize::cohens_d``, ``p.adjust``,
``wilcox.test``; see ``examples/reference.R``).

Methods
-------
Each participant answers the statements of the questionnaire at baseline and at
follow-up. The *footstep score* of a response is the mean of that footstep's
statements and exists only when every statement of the footstep was answered;
the *overall score* is the mean of the 10 footstep scores and exists only when
all 10 exist (:func:`footstep_scores`, :func:`overall_scores`, defined once in
``assessments.scoring`` and re-exported here).

For each footstep, and for the overall score, the participants with a score at
both waves form the matched pairs ``(x_i, y_i)`` (baseline, follow-up), with
differences ``d_i = y_i - x_i`` (follow-up minus baseline, so a positive
difference is an improvement on a scale where higher is better). For these pairs
:func:`paired_comparison` reports

* the means and sample SDs (denominator ``n - 1``) of both waves;
* the mean difference with its confidence interval and Student's paired t test
  (Student 1908), ``t = mean(d) / (sd(d) / sqrt(n))`` on ``n - 1`` degrees of
  freedom, two-sided p, as R's ``t.test(y, x, paired = TRUE)``;
* Cohen's ``d_z = mean(d) / sd(d) = t / sqrt(n)`` (Cohen 1988; Lakens 2013), the
  standardised mean difference of the paired design, with its exact confidence
  interval obtained by inverting the noncentral t distribution (Steiger &
  Fouladi 1997; Goulet-Pelletier & Cousineau 2018);
* ``d_av = mean(d) / ((sd(x) + sd(y)) / 2)`` (Cumming 2012; Lakens 2013), which
  is standardised by the average SD of the two waves and is therefore comparable
  with between-subjects d, and Hedges's ``g_av = d_av * J(n - 1)``, bias-corrected
  with Hedges's exact small-sample factor ``J`` (Hedges 1981; Lakens 2013);
* the Wilcoxon signed-rank test (Wilcoxon 1945) as a distribution-free check.

The 10 footstep p values are adjusted for multiplicity with Holm's step-down
method (Holm 1979, :func:`holm`). :func:`evaluate` runs the whole analysis on
two matched rating matrices.

With more than two waves (baseline, then month_3, month_6, ...), the scores form
a participants x waves matrix with NaN where a wave was missed, and three more
analyses are pinned to R (``tests/analytics/reference_longitudinal.R``):
:func:`friedman_test` (Friedman 1937, with Kendall's W) over the participants
with a score at every wave; :func:`random_intercept_model`, the linear mixed
model ``score ~ wave + (1 | participant)`` fitted by REML (Patterson & Thompson
1971) to every available score, as ``nlme::lme`` (Pinheiro & Bates 2000); and,
for attrition, :func:`welch_comparison` (Welch 1947) of the baseline scores of
those who answered a wave against those who did not. They follow the same
conventions: degenerate data give ``None`` statistics and a ``reason``.

Reliability and change are pinned to R too (``tests/analytics/reference_reliability.R``
and ``examples/reference_waves.R``): :func:`cronbach_alpha` (Cronbach 1951) of
the statements at a wave, with Feldt's (1965) interval, item-rest correlations
and alpha if an item is dropped, as ``psych::alpha``; and
:func:`reliable_change` (Jacobson & Truax 1991), which counts the participants
whose change exceeds what measurement error explains
(:func:`overall_reliable_change` for the overall score, whose reliability is the
alpha of the 10 baseline footstep scores). Every paired comparison also carries
the matched-pairs rank-biserial correlation of the Wilcoxon test (Cureton 1956;
Kerby 2014) and the Shapiro-Wilk p of the differences (Shapiro & Wilk 1965;
Royston 1995).

Every effect size is named by its variant on purpose. The source study reported
"d = 0.951" for its paired comparison, but 0.951 is the SD of the differences,
not an effect size: its own ``t(20) = 5.012`` gives ``d_z = t / sqrt(n) =
5.012 / sqrt(21) = 1.094``.

A comparison is *degenerate* when there are fewer than 2 pairs or when the SD of
the differences is zero (up to R's ``all.equal`` tolerance, 1.5e-8). Then only
the number of pairs and the means are reported, every other statistic is
``None`` and :attr:`PairedComparison.reason` says why. No function here returns
NaN or infinity in a :class:`PairedComparison`; they become ``None``.

References
----------
Cohen, J. (1988). *Statistical power analysis for the behavioral sciences*
(2nd ed.). Erlbaum.

Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
*Psychometrika, 16*(3), 297-334.

Cumming, G. (2012). *Understanding the new statistics: Effect sizes, confidence
intervals, and meta-analysis*. Routledge.

Cureton, E. E. (1956). Rank-biserial correlation. *Psychometrika, 21*(3),
287-290.

Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
reliability coefficient twenty. *Psychometrika, 30*(3), 357-370.

Friedman, M. (1937). The use of ranks to avoid the assumption of normality implicit
in the analysis of variance. *Journal of the American Statistical Association,
32*(200), 675-701.

Goulet-Pelletier, J.-C., & Cousineau, D. (2018). A review of effect sizes and
their confidence intervals, Part I: The Cohen's d family. *The Quantitative
Methods for Psychology, 14*(4), 242-265.

Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size
and related estimators. *Journal of Educational Statistics, 6*(2), 107-128.

Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics, 6*(2), 65-70.

Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical
approach to defining meaningful change in psychotherapy research. *Journal of
Consulting and Clinical Psychology, 59*(1), 12-19.

Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *The
Annals of Mathematical Statistics, 10*(3), 275-287.

Kerby, D. S. (2014). The simple difference formula: An approach to teaching
nonparametric correlation. *Comprehensive Psychology, 3*, 11.IT.3.1.

Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
cumulative science: a practical primer for t-tests and ANOVAs. *Frontiers in
Psychology, 4*, 863.

Patterson, H. D., & Thompson, R. (1971). Recovery of inter-block information when
block sizes are unequal. *Biometrika, 58*(3), 545-554.

Pinheiro, J. C., & Bates, D. M. (2000). *Mixed-effects models in S and S-PLUS*.
Springer.

Revelle, W. *psych: Procedures for psychological, psychometric, and personality
research* (R package, version 2.2.9). Northwestern University.

Royston, P. (1992). Approximating the Shapiro-Wilk W-test for non-normality.
*Statistics and Computing, 2*(3), 117-119.

Royston, P. (1995). Remark AS R94: A remark on algorithm AS 181: The W-test for
normality. *Journal of the Royal Statistical Society, Series C (Applied
Statistics), 44*(4), 547-551.

Shapiro, S. S., & Wilk, M. B. (1965). An analysis of variance test for normality
(complete samples). *Biometrika, 52*(3-4), 591-611.

Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and
the evaluation of statistical models. In L. L. Harlow, S. A. Mulaik, & J. H.
Steiger (Eds.), *What if there were no significance tests?* (pp. 221-257).
Erlbaum.

Student (1908). The probable error of a mean. *Biometrika, 6*(1), 1-25.

Welch, B. L. (1947). The generalization of "Student's" problem when several
different population variances are involved. *Biometrika, 34*(1-2), 28-35.

Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics
Bulletin, 1*(6), 80-83.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from scipy import optimize, special
from scipy import stats as scipy_stats

from assessments.scoring import FOOTSTEP_COUNT, as_array, footstep_scores, overall_scores
from assessments.scoring import as_matrix as _as_matrix

__all__ = [
    "FOOTSTEP_COUNT",
    "MAX_ABS_T_FOR_DZ_CI",
    "REASON_CONSTANT_DIFFERENCES",
    "REASON_NO_BASELINE",
    "REASON_NO_BASELINE_SD",
    "REASON_NO_CHANGE_PAIRS",
    "REASON_NO_RELIABILITY",
    "REASON_NO_RESIDUAL_DF",
    "REASON_NO_VARIATION_ACROSS_WAVES",
    "REASON_NO_VARIATION_IN_GROUPS",
    "REASON_NO_VARIATION_WITHIN_WAVES",
    "REASON_PERFECT_RELIABILITY",
    "REASON_TOO_FEW_COMPLETE",
    "REASON_TOO_FEW_IN_GROUP",
    "REASON_TOO_FEW_ITEMS",
    "REASON_TOO_FEW_PAIRS",
    "REASON_TOO_FEW_PARTICIPANTS",
    "REASON_TOO_FEW_RESPONSES",
    "REASON_TOO_FEW_VARYING_ITEMS",
    "REASON_TOO_FEW_WAVES",
    "REASON_TWO_ITEMS_DROP",
    "REASON_ZERO_RESIDUAL",
    "REASON_ZERO_SD",
    "REASON_ZERO_TOTAL_VARIANCE",
    "SD_ZERO_TOLERANCE",
    "SHAPIRO_MAX_N",
    "SHAPIRO_MIN_N",
    "WILCOXON_DECIMALS",
    "ALTERNATIVES",
    "EvaluationResult",
    "FriedmanResult",
    "GroupComparison",
    "GroupSummary",
    "MixedModelResult",
    "PairedComparison",
    "ReliabilityItem",
    "ReliabilityResult",
    "ReliableChangeResult",
    "WaveEffect",
    "cronbach_alpha",
    "evaluate",
    "mean_ci",
    "MeanInterval",
    "footstep_scores",
    "friedman_test",
    "holm",
    "overall_reliable_change",
    "overall_scores",
    "paired_comparison",
    "random_intercept_model",
    "reliable_change",
    "welch_comparison",
]

SD_ZERO_TOLERANCE = 1.5e-8
"""An SD of the differences at or below this is zero (R's ``all.equal`` tolerance)."""

WILCOXON_DECIMALS = 10
"""Differences are rounded to this many decimals before the Wilcoxon test."""

SHAPIRO_MIN_N = 3
SHAPIRO_MAX_N = 5000
"""The Shapiro-Wilk p is given for ``SHAPIRO_MIN_N <= n <= SHAPIRO_MAX_N`` pairs (R's limits)."""

ALTERNATIVES = ("two-sided", "less", "greater")
"""scipy's ``alternative`` values: the hypothesis against which p is computed (``"greater"``:
follow-up above baseline, group a above group b), and the side of a one-sided interval."""

REASON_TOO_FEW_PAIRS = "fewer than 2 matched pairs"
REASON_ZERO_SD = "all differences are equal, so the SD of the differences is zero"
REASON_CONSTANT_DIFFERENCES = (
    "the differences are essentially constant (their SD is negligible next to their mean), "
    "so the t statistic is not defined"
)

_EPS = float(np.finfo(float).eps)

MAX_ABS_T_FOR_DZ_CI = 1e4
"""Beyond this |t| the noncentral t cdf is slow or not computable; the d_z CI is then None."""


def _plain(value: Any) -> Any:
    """A result's field as JSON-ready Python: results as dicts, tuples as lists, numpy
    scalars as ``int``/``float``."""
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


class _Result:
    """Base of the result dataclasses: ``as_dict`` gives every field, in declaration order,
    as plain Python values (intervals as two-element lists, undefined values ``None``)."""

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict (see the class's Attributes)."""
        return {field.name: _plain(getattr(self, field.name)) for field in fields(self)}


@dataclass(frozen=True)
class PairedComparison(_Result):
    """Baseline versus follow-up statistics for one score (one footstep or overall).

    All differences are follow-up minus baseline. Every statistic is ``None``
    when it is undefined; see :func:`paired_comparison` for the methods.

    Attributes
    ----------
    n_pairs : int
        Number of matched pairs analysed (pairs with a value at both waves).
    baseline_mean, baseline_sd, follow_up_mean, follow_up_sd : float or None
        Mean and sample SD (denominator ``n - 1``) of each wave.
    mean_difference : float or None
        Mean of the differences, follow-up minus baseline.
    mean_difference_ci : tuple of (float or None, float or None)
        Confidence interval of the mean difference from the t distribution (one-sided
        for a one-sided ``alternative``: the unbounded end is ``None``).
    t, df, p : float or None
        Student's paired t statistic, its degrees of freedom ``n - 1`` and the
        p value (two-sided unless another ``alternative`` was asked for).
    cohens_dz : float or None
        Cohen's d_z, mean difference divided by the SD of the differences.
    cohens_dz_ci : tuple of (float or None, float or None)
        Exact confidence interval of d_z from the noncentral t distribution (one-sided
        as ``mean_difference_ci``).
    d_av : float or None
        Mean difference divided by the mean of the two waves' SDs.
    hedges_g_av : float or None
        ``d_av`` times Hedges's small-sample correction ``J(n - 1)``.
    wilcoxon_p : float or None
        p of the Wilcoxon signed-rank test (normal approximation; same ``alternative``).
    rank_biserial : float or None
        Matched-pairs rank-biserial correlation ``(R+ - R-) / (R+ + R-)`` of the
        signed-rank test, from -1 (every pair got worse) to 1 (every pair
        improved); ``None`` when every rounded difference is zero.
    shapiro_p : float or None
        Shapiro-Wilk p of the differences (a small p: they are not normal, so
        the t test's assumption is doubtful); ``None`` unless ``3 <= n <= 5000``.
    reason : str or None
        Why the statistics are ``None`` (degenerate comparison), else ``None``.
    """

    # Every statistic defaults to undefined, so a comparison names only what it defines.
    n_pairs: int
    baseline_mean: float | None = None
    baseline_sd: float | None = None
    follow_up_mean: float | None = None
    follow_up_sd: float | None = None
    mean_difference: float | None = None
    mean_difference_ci: tuple[float | None, float | None] = (None, None)
    t: float | None = None
    df: float | None = None
    p: float | None = None
    cohens_dz: float | None = None
    cohens_dz_ci: tuple[float | None, float | None] = (None, None)
    d_av: float | None = None
    hedges_g_av: float | None = None
    wilcoxon_p: float | None = None
    rank_biserial: float | None = None
    shapiro_p: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class EvaluationResult:
    """The whole evaluation: the 10 footsteps and the overall score.

    Attributes
    ----------
    footsteps : tuple of PairedComparison
        One comparison per footstep, in footstep order (footstep 1 first).
    p_holm : tuple of (float or None)
        Holm-adjusted paired-t p values across the 10 footsteps, in footstep
        order; ``None`` where the footstep's p is ``None`` (the number of tests
        is the number of footsteps with a p value).
    overall : PairedComparison
        Comparison of the overall score (mean of the 10 footstep scores).
    """

    footsteps: tuple[PairedComparison, ...]
    p_holm: tuple[float | None, ...]
    overall: PairedComparison

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict.

        Returns
        -------
        dict
            ``{"footsteps": [...], "overall": {...}}``; each footstep entry is
            :meth:`PairedComparison.as_dict` plus ``"footstep"`` (1..10) and
            ``"p_holm"``.
        """
        footsteps = []
        for number, (comparison, p_adjusted) in enumerate(
            zip(self.footsteps, self.p_holm, strict=True), start=1
        ):
            entry = comparison.as_dict()
            entry["footstep"] = number
            entry["p_holm"] = p_adjusted
            footsteps.append(entry)
        return {"footsteps": footsteps, "overall": self.overall.as_dict()}


# --------------------------------------------------------------------------- helpers


def _finite_or_none(value: float) -> float | None:
    """Return ``value`` as a Python float, or ``None`` if it is NaN or infinite."""
    value = float(value)
    return value if math.isfinite(value) else None


def _as_vector(values: Any, name: str) -> np.ndarray:
    """Convert to a 1-D float array (``None`` becomes NaN); reject infinities."""
    return as_array(values, name, 1)


def _check_confidence_level(confidence_level: Any) -> float:
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, numbers.Real):
        raise ValueError(f"confidence_level must be a number in (0, 1), got {confidence_level!r}")
    level = float(confidence_level)
    if not 0.0 < level < 1.0:  # also rejects NaN
        raise ValueError(f"confidence_level must be strictly between 0 and 1, got {level!r}")
    return level


def _means_only(x: np.ndarray, y: np.ndarray, reason: str | None = None) -> PairedComparison:
    """n and, when n >= 1, the two means and the mean difference; every other statistic keeps
    its default (undefined). With a ``reason``, the degenerate comparison, as reference.R."""
    n = int(x.size)
    if not n:
        return PairedComparison(n_pairs=0, reason=reason)
    return PairedComparison(
        n_pairs=n,
        baseline_mean=_finite_or_none(np.mean(x)),
        follow_up_mean=_finite_or_none(np.mean(y)),
        mean_difference=_finite_or_none(np.mean(y - x)),
        reason=reason,
    )


def _t_p(t: float, df: float, alternative: str) -> float:
    """p of a t statistic on ``df`` degrees of freedom against ``alternative``."""
    if alternative == "less":
        return float(special.stdtr(df, t))
    if alternative == "greater":
        return float(special.stdtr(df, -t))
    return 2.0 * float(special.stdtr(df, -abs(t)))


def _check_alternative(alternative: Any) -> str:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    return alternative


class _NoRoot(Exception):
    """The noncentral t distribution could not be evaluated or inverted."""


def _noncentrality_for(t_obs: float, df: float, probability: float) -> float:
    """Solve ``P(T_df(ncp) <= t_obs) = probability`` for the noncentrality ``ncp``.

    At fixed ``t_obs`` the noncentral t cdf decreases monotonically in ``ncp``, so
    the root is unique. Starting at ``ncp = t_obs``, steps that double from 1
    walk towards the root until the sign changes (a step that lands where the
    cdf cannot be evaluated is shortened instead); Brent's method then solves
    within that bracket to an absolute tolerance of 1e-13 (R: ``uniroot(...,
    tol = 1e-13)``).
    """

    def excess(ncp: float) -> float:
        return float(special.nctdtr(df, ncp, t_obs)) - probability

    inner = t_obs
    f_inner = excess(inner)
    if not math.isfinite(f_inner):
        raise _NoRoot
    if f_inner == 0:
        return inner
    direction = 1.0 if f_inner > 0 else -1.0  # the cdf is too high: the root is above
    step = 1.0
    for _ in range(400):
        outer = inner + direction * step
        f_outer = excess(outer)
        if not math.isfinite(f_outer):
            step /= 4.0  # the cdf is not computable out there: approach more slowly
            if step < 1e-6:
                raise _NoRoot
            continue
        if f_outer == 0:
            return outer
        if (f_outer > 0) != (f_inner > 0):
            break
        inner, f_inner = outer, f_outer
        step *= 2.0
    else:
        raise _NoRoot

    def checked(ncp: float) -> float:
        value = excess(ncp)
        if not math.isfinite(value):
            raise _NoRoot
        return value

    low, high = sorted((inner, outer))
    root = optimize.brentq(checked, low, high, xtol=1e-13, rtol=4 * _EPS, maxiter=500)
    return float(root)


def _cohens_dz_ci(
    t_obs: float, n: int, confidence_level: float, alternative: str = "two-sided"
) -> tuple[float | None, float | None]:
    """Exact CI of d_z: noncentrality limits of the observed t divided by sqrt(n).

    Two-sided, the limits put ``alpha / 2`` in each tail; one-sided, ``alpha`` in one tail
    and the other end is unbounded (``None``), as ``t.test``'s interval for ``alternative``.
    """
    if not abs(t_obs) <= MAX_ABS_T_FOR_DZ_CI:
        return (None, None)
    df = float(n - 1)
    alpha = 1.0 - confidence_level
    lower_tail = {"two-sided": alpha / 2.0, "greater": alpha, "less": None}[alternative]
    upper_tail = {"two-sided": alpha / 2.0, "greater": None, "less": alpha}[alternative]
    try:
        with np.errstate(all="ignore"):
            lower = None if lower_tail is None else _noncentrality_for(t_obs, df, 1.0 - lower_tail)
            upper = None if upper_tail is None else _noncentrality_for(t_obs, df, upper_tail)
    except (_NoRoot, ValueError, RuntimeError, ArithmeticError):
        return (None, None)
    root_n = math.sqrt(n)
    return tuple(
        None if limit is None else _finite_or_none(limit / root_n) for limit in (lower, upper)
    )


def _hedges_j(df: float) -> float:
    """Hedges's exact correction ``J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))``."""
    log_j = special.gammaln(df / 2.0) - 0.5 * math.log(df / 2.0) - special.gammaln((df - 1) / 2.0)
    return float(np.exp(log_j))  # J(1) = 0, because Gamma(0) is infinite


def _signed_rank(
    differences: np.ndarray, alternative: str = "two-sided"
) -> tuple[float | None, float | None]:
    """Wilcoxon signed-rank p and matched-pairs rank-biserial r of the differences.

    As R's ``wilcox.test(round(d, 10), alternative = alternative, exact = FALSE,
    correct = TRUE)$p.value`` and ``(sum(rk[nz > 0]) - sum(rk[nz < 0])) / sum(rk)`` with
    ``nz`` the non-zero rounded differences and ``rk = rank(abs(nz))``; both ``None`` if
    there are none. The p is scipy's, which agrees with R's formula to 1e-12 (tested).
    """
    rounded = np.round(differences, WILCOXON_DECIMALS)
    rounded = rounded[rounded != 0]  # zero differences are dropped (Wilcoxon's method)
    m = int(rounded.size)
    if m == 0:
        return None, None
    # Average ranks are multiples of 0.5, so these sums are exact: R- = m(m+1)/2 - R+.
    w_plus = float(scipy_stats.rankdata(np.abs(rounded))[rounded > 0].sum())
    rank_sum = m * (m + 1) / 2.0
    rank_biserial = (w_plus - (rank_sum - w_plus)) / rank_sum
    p = scipy_stats.wilcoxon(
        rounded, alternative=alternative, method="approx", correction=True
    ).pvalue
    return _finite_or_none(p), _finite_or_none(rank_biserial)


def _shapiro_p(differences: np.ndarray) -> float | None:
    """Shapiro-Wilk p of the differences, as R's ``shapiro.test(d)$p.value``.

    ``None`` unless ``SHAPIRO_MIN_N <= n <= SHAPIRO_MAX_N`` and the differences,
    rounded to ``WILCOXON_DECIMALS``, are not all equal (R refuses constant data).
    """
    n = int(differences.size)
    if not SHAPIRO_MIN_N <= n <= SHAPIRO_MAX_N:
        return None
    rounded = np.round(differences, WILCOXON_DECIMALS)
    if not (rounded != rounded[0]).any():
        return None
    p = _finite_or_none(scipy_stats.shapiro(differences).pvalue)
    return None if p is None else min(max(p, 0.0), 1.0)


# --------------------------------------------------------------------------- public API


def paired_comparison(
    baseline: Any,
    follow_up: Any,
    *,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
) -> PairedComparison:
    """Compare matched baseline and follow-up values.

    Pairs in which either value is missing (NaN or ``None``) are dropped first;
    the ``n`` remaining pairs ``(x_i, y_i)`` give differences
    ``d_i = y_i - x_i``.

    Parameters
    ----------
    baseline, follow_up : array_like of float, shape (N,)
        Matched values; element ``i`` of both belongs to the same participant.
    confidence_level : float, default 0.95
        Coverage of both confidence intervals, strictly between 0 and 1.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        The alternative hypothesis of the t and Wilcoxon tests, as scipy's and R's
        ``alternative``: ``"greater"``, the follow-up is above the baseline (the mean
        difference is positive); ``"less"``, below. One-sided, both intervals are
        one-sided too, at ``confidence_level``, with ``None`` at the unbounded end.

    Returns
    -------
    PairedComparison
        The statistics below. If the comparison is degenerate (``n < 2``, or the
        SD of the differences is at most 1.5e-8, as R's
        ``isTRUE(all.equal(sd(d), 0))``), only ``n_pairs`` and, when ``n >= 1``,
        the two means and the mean difference are given; every other field is
        ``None`` and ``reason`` says why. The same happens, with its own reason,
        when the differences are so nearly constant that R's ``t.test`` refuses
        them (``sd(d) / sqrt(n) < 10 * eps * |mean(d)|``).

    Raises
    ------
    ValueError
        If the inputs are not one-dimensional, have different lengths, contain
        infinities or non-numbers, ``confidence_level`` is not in (0, 1) or
        ``alternative`` is not one of :data:`ALTERNATIVES`.

    Notes
    -----
    *Paired t test* (Student 1908), identical to R's
    ``t.test(y, x, paired = TRUE)``: with ``s_d`` the sample SD of the differences
    and ``SE = s_d / sqrt(n)``, ``t = mean(d) / SE`` on ``df = n - 1``, the p value is
    two-sided, and the CI of the mean difference is ``mean(d) +/- t_{1-alpha/2,
    df} SE``.

    *Cohen's d_z* (Cohen 1988; Lakens 2013) is ``mean(d) / s_d = t / sqrt(n)``
    (R: ``effectsize::cohens_d(y, x, paired = TRUE)``). Its CI is exact: the
    noncentrality parameters ``ncp_L`` and ``ncp_U`` of the noncentral t
    distribution with ``df`` degrees of freedom for which the observed ``t`` is
    the ``1 - alpha/2`` and the ``alpha/2`` quantile are found by root finding
    (Brent's method, tolerance 1e-13), and the CI is ``(ncp_L, ncp_U) /
    sqrt(n)`` (Steiger & Fouladi 1997; Goulet-Pelletier & Cousineau 2018). The
    noncentral t cdf is Boost's, which stays accurate for large noncentrality
    where R's ``pt`` (AS 243, accurate only for ncp up to about 37) does not.
    For ``|t| > 1e4``, where it becomes slow and then not computable, the
    interval is ``(None, None)``; ``reason`` stays ``None`` because every other
    statistic is defined.

    *d_av* (Cumming 2012; Lakens 2013) is ``mean(d) / ((s_x + s_y) / 2)``,
    the mean difference standardised by the average of the two waves' SDs, which
    ignores the correlation between the waves and is comparable with a
    between-subjects d. *Hedges's g_av* is ``d_av * J(df)`` with Hedges's (1981)
    exact small-sample correction ``J(df) = Gamma(df/2) / (sqrt(df/2) *
    Gamma((df-1)/2))``, ``df = n - 1``, the factor ``effectsize::hedges_g``
    uses (Lakens 2013 gives the common approximation ``1 - 3 / (4 df - 1)``,
    which differs from it by less than 0.01 % for ``df >= 8``). ``J(1) = 0``, so
    ``g_av`` is 0 for two pairs.

    *Wilcoxon signed-rank test* (Wilcoxon 1945), as R's
    ``wilcox.test(round(d, 10), exact = FALSE, correct = TRUE)``: the
    differences are rounded to 10 decimals (scores are means, so differences
    that are equal can differ in the last bit and would hide ties and zeros),
    zero differences are dropped, ``|d|`` is ranked with average ranks for ties,
    and ``V`` (the sum of the ranks of positive differences) is compared with
    its mean ``m(m+1)/4`` using the normal approximation with the tie-corrected
    variance ``m(m+1)(2m+1)/24 - sum(t^3 - t)/48`` and a continuity correction
    of 0.5. If every rounded difference is zero, ``wilcoxon_p`` is ``None``.

    *Matched-pairs rank-biserial correlation* (Cureton 1956; Kerby 2014), the
    effect size of the signed-rank test, from the same ranks: with ``R+`` and
    ``R-`` the sums of the ranks of the positive and of the negative rounded
    differences, ``r = (R+ - R-) / (R+ + R-)`` (zeros dropped, average ranks for
    ties), the proportion of favourable minus unfavourable rank mass: 1 if every
    non-zero difference is an improvement, -1 if every one is a decline (R:
    ``effectsize::rank_biserial(round(y - x, 10), mu = 0)``). ``None`` if every
    rounded difference is zero.

    *Shapiro-Wilk test* (Shapiro & Wilk 1965) of the unrounded differences,
    with Royston's (1992, 1995) algorithm AS R94 for the coefficients and the
    p value: a check of the t test's assumption that the differences are
    normal, given for ``3 <= n <= 5000`` (the range of AS R94) when the rounded
    differences are not all equal, else ``None``. With many pairs the t test is
    robust and the test flags trivial departures, so read it with the sample
    size in mind. It is scipy's ``shapiro``, which keeps AS R94's own normal
    quantiles (AS 111) and tail areas (AS 66) where R's ``shapiro.test`` calls
    ``qnorm`` and ``pnorm``: the two p values agree to about 1e-8 (relative)
    for a few hundred pairs and to about 2e-6 at ``n = 5000``.

    The t test, its interval and the Wilcoxon p are scipy's ``ttest_rel`` (with
    ``confidence_interval``) and ``wilcoxon(method="approx", correction=True)`` on the
    rounded non-zero differences, which give R's numbers (tested to 1e-12); the
    degenerate cases above are decided here first, with R's tolerances, where scipy would
    return NaN or infinities.

    Examples
    --------
    >>> got = paired_comparison([2, 3, 3, 4, 2], [3, 3, 4, 4.5, 1])
    >>> round(got.t, 6), got.df, round(got.p, 6)  # t.test(y, x, paired = TRUE)
    (0.801784, 4.0, 0.467605)
    >>> [round(limit, 6) for limit in got.mean_difference_ci]  # ...$conf.int
    [-0.738851, 1.338851]
    >>> round(got.cohens_dz, 6)  # effectsize::cohens_d(y, x, paired = TRUE)
    0.358569
    >>> greater = paired_comparison([2, 3, 3, 4, 2], [3, 3, 4, 4.5, 1], alternative="greater")
    >>> round(greater.p, 6), greater.mean_difference_ci[1]  # alternative = "greater"
    (0.233802, None)
    >>> got.rank_biserial  # d = 1, 0, 1, 0.5, -1; ranks of |d| 3, 3, 1, 3: (7 - 3) / 10
    0.4
    >>> round(got.shapiro_p, 6)  # shapiro.test(c(1, 0, 1, 0.5, -1))$p.value
    0.31404
    """
    x = _as_vector(baseline, "baseline")
    y = _as_vector(follow_up, "follow_up")
    if x.shape != y.shape:
        raise ValueError(
            f"baseline and follow_up must have the same length, got {x.size} and {y.size}"
        )
    level = _check_confidence_level(confidence_level)
    alternative = _check_alternative(alternative)

    keep = ~(np.isnan(x) | np.isnan(y))
    x = x[keep]
    y = y[keep]
    n = int(x.size)
    if n < 2:
        return _means_only(x, y, REASON_TOO_FEW_PAIRS)

    with np.errstate(over="ignore", invalid="ignore"):
        d = y - x
        sd_d = float(np.std(d, ddof=1))
        mean_d = float(np.mean(d))
        sd_x = float(np.std(x, ddof=1))
        sd_y = float(np.std(y, ddof=1))
    if not all(math.isfinite(v) for v in (sd_d, mean_d, sd_x, sd_y)):
        raise ValueError("baseline and follow_up values are too large to analyse (overflow)")
    if not sd_d > SD_ZERO_TOLERANCE:
        return _means_only(x, y, REASON_ZERO_SD)
    se = sd_d / math.sqrt(n)
    if se < 10 * _EPS * abs(mean_d):
        return _means_only(x, y, REASON_CONSTANT_DIFFERENCES)

    df = n - 1
    student = scipy_stats.ttest_rel(y, x, alternative=alternative)
    t = float(student.statistic)
    mean_ci = student.confidence_interval(confidence_level=level)
    d_av = mean_d / ((sd_x + sd_y) / 2.0)
    wilcoxon_p, rank_biserial = _signed_rank(d, alternative)
    return replace(
        _means_only(x, y),
        baseline_sd=_finite_or_none(sd_x),
        follow_up_sd=_finite_or_none(sd_y),
        mean_difference_ci=(_finite_or_none(mean_ci.low), _finite_or_none(mean_ci.high)),
        t=_finite_or_none(t),
        df=float(df),
        p=_finite_or_none(student.pvalue),
        cohens_dz=_finite_or_none(mean_d / sd_d),
        cohens_dz_ci=_cohens_dz_ci(t, n, level, alternative),
        d_av=_finite_or_none(d_av),
        hedges_g_av=_finite_or_none(d_av * _hedges_j(df)),
        wilcoxon_p=wilcoxon_p,
        rank_biserial=rank_biserial,
        shapiro_p=_shapiro_p(d),
    )


def holm(pvalues: Any) -> np.ndarray:
    """Holm's (1979) step-down adjustment of p values for multiple testing.

    With the ``m`` available p values sorted ascending, ``p_(1) <= ... <= p_(m)``,
    the adjusted values are ``min(1, max_{j <= i} (m - j + 1) p_(j))``, returned
    in the input order. This is R's ``p.adjust(p, method = "holm")``: missing
    values (NaN or ``None``) stay NaN and do not count towards ``m``. Holm's
    method controls the family-wise error rate under any dependence between the
    tests and is uniformly more powerful than Bonferroni's.

    Parameters
    ----------
    pvalues : array_like of float, shape (k,)
        Unadjusted p values in [0, 1]; NaN or ``None`` = missing.

    Returns
    -------
    numpy.ndarray of float, shape (k,)
        Adjusted p values, NaN where the input was missing.

    Raises
    ------
    ValueError
        If the input is not one-dimensional or has a value outside [0, 1].

    Examples
    --------
    >>> holm([0.02, 0.02, 0.01, 0.9])  # p.adjust(c(0.02, 0.02, 0.01, 0.9), method = "holm")
    array([0.06, 0.06, 0.04, 0.9 ])
    """
    p = _as_vector(pvalues, "pvalues")
    present = ~np.isnan(p)
    values = p[present]
    if ((values < 0) | (values > 1)).any():
        raise ValueError("pvalues must lie in [0, 1] (NaN or None for missing)")
    m = values.size
    order = np.argsort(values, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * values[order]))
    adjusted_present = np.empty(m)
    adjusted_present[order] = stepped
    adjusted = np.full(p.shape, np.nan)
    adjusted[present] = adjusted_present
    return adjusted


def evaluate(
    baseline_ratings: np.ndarray,
    follow_up_ratings: np.ndarray,
    item_footsteps: Sequence[int],
    *,
    alternative: str = "two-sided",
) -> EvaluationResult:
    """Run the whole evaluation on matched baseline and follow-up ratings.

    Each footstep, and the overall score, is compared with
    :func:`paired_comparison` over the participants who have that score at both
    waves; the 10 footstep p values (paired t) are adjusted with :func:`holm`.
    The work is vectorised over participants: the cost is a few passes over the
    arrays plus a constant number of root-finding steps.

    Parameters
    ----------
    baseline_ratings, follow_up_ratings : array_like of float, shape (n, n_items)
        Row ``i`` of both belongs to the same participant (already matched, and
        already restricted to those who completed the mandatory part); NaN =
        unanswered.
    item_footsteps : sequence of int, length n_items
        Footstep (1..10) of each statement column.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Passed to every :func:`paired_comparison`; Holm adjusts the p values it gives.

    Returns
    -------
    EvaluationResult
        The 10 footstep comparisons, their Holm-adjusted p values and the
        overall comparison.

    Raises
    ------
    ValueError
        If the two rating arrays are not 2-D arrays of the same shape, or
        ``item_footsteps`` is invalid (see :func:`footstep_scores`).

    Examples
    --------
    Three participants who answered every statement alike at each wave (overall scores 2, 3,
    3 at baseline and 3, 4, 5 at follow-up):

    >>> footsteps = [1, 2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10]
    >>> before = [[2] * 14, [3] * 14, [3] * 14]
    >>> after = [[3] * 14, [4] * 14, [5] * 14]
    >>> result = evaluate(before, after, footsteps)
    >>> result.overall.t, round(result.overall.p, 6)  # t.test(y, x, paired = TRUE)
    (4.0, 0.057191)
    >>> round(result.p_holm[0], 6)  # p.adjust(rep(p, 10), method = "holm")[1]
    0.57191
    """
    before = _as_matrix(baseline_ratings, "baseline_ratings")
    after = _as_matrix(follow_up_ratings, "follow_up_ratings")
    if before.shape != after.shape:
        raise ValueError(
            "baseline_ratings and follow_up_ratings must have the same shape (matched rows), "
            f"got {before.shape} and {after.shape}"
        )
    scores_before = footstep_scores(before, item_footsteps)
    scores_after = footstep_scores(after, item_footsteps)
    comparisons = tuple(
        paired_comparison(scores_before[:, k], scores_after[:, k], alternative=alternative)
        for k in range(FOOTSTEP_COUNT)
    )
    adjusted = holm([np.nan if c.p is None else c.p for c in comparisons])
    overall = paired_comparison(
        overall_scores(scores_before), overall_scores(scores_after), alternative=alternative
    )
    return EvaluationResult(
        footsteps=comparisons,
        p_holm=tuple(_finite_or_none(value) for value in adjusted),
        overall=overall,
    )


# --------------------------------------------------------------------------- longitudinal

REASON_TOO_FEW_COMPLETE = "fewer than 2 participants have a score at every wave"
REASON_TOO_FEW_WAVES = "fewer than 2 waves"
REASON_NO_VARIATION_ACROSS_WAVES = "no participant's scores differ between the waves"
REASON_TOO_FEW_PARTICIPANTS = "fewer than 2 participants have a score"
REASON_NO_BASELINE = "no scores at the baseline (reference) wave"
REASON_NO_RESIDUAL_DF = (
    "no residual degrees of freedom: too few participants have scores at more than one wave"
)
REASON_NO_VARIATION_WITHIN_WAVES = "the scores do not vary within any wave"
REASON_ZERO_RESIDUAL = (
    "the scores do not vary within participants beyond the wave effects, so the residual SD is zero"
)
REASON_TOO_FEW_IN_GROUP = "fewer than 2 participants in a group"
REASON_NO_VARIATION_IN_GROUPS = (
    "the scores vary in neither group, so the t statistic is not defined"
)

_LOG_GAMMA_GRID = np.linspace(math.log(1e-10), math.log(1e8), 84)
"""Coarse grid of log(sigma_u^2 / sigma_e^2) that brackets the REML optimum (steps of 0.5)."""


@dataclass(frozen=True)
class FriedmanResult(_Result):
    """Friedman's rank test across waves (see :func:`friedman_test`).

    Attributes
    ----------
    n : int
        Number of participants with a score at every wave.
    statistic, df, p : float, int, float or None
        Tie-corrected chi-squared statistic, its degrees of freedom ``k - 1`` and p.
    kendall_w : float or None
        Kendall's coefficient of concordance ``W = statistic / (n (k - 1))``.
    reason : str or None
        Why the statistics are ``None``, else ``None``.
    """

    n: int
    statistic: float | None
    df: int | None
    p: float | None
    kendall_w: float | None
    reason: str | None


@dataclass(frozen=True)
class WaveEffect:
    """Fixed effect of one wave relative to the baseline wave in :func:`random_intercept_model`.

    Attributes
    ----------
    wave_index : int
        Column of the wave in the score matrix (1 = first wave after baseline).
    wave : str or None
        Name of the wave when ``wave_names`` was given.
    estimate, se, df, t, p : float, float, int, float, float or None
        Estimated difference from baseline, its SE, nlme's denominator degrees of
        freedom, the t statistic and its two-sided p.
    ci : tuple of (float or None, float or None)
        95% interval ``estimate +/- t(0.975, df) se``.
    """

    wave_index: int
    wave: str | None
    estimate: float | None
    se: float | None
    df: int | None
    t: float | None
    p: float | None
    ci: tuple[float | None, float | None]

    def as_dict(self) -> dict[str, Any]:
        """Return ``{wave (or wave_index), estimate, se, df, t, p, ci: [low, high]}``."""
        label = {"wave": self.wave} if self.wave is not None else {"wave_index": self.wave_index}
        return label | {
            "estimate": self.estimate,
            "se": self.se,
            "df": self.df,
            "t": self.t,
            "p": self.p,
            "ci": list(self.ci),
        }


@dataclass(frozen=True)
class MixedModelResult(_Result):
    """REML fit of ``score ~ wave + (1 | participant)`` (see :func:`random_intercept_model`).

    Attributes
    ----------
    n_participants, n_observations : int
        Participants with at least one score, and the number of scores.
    intercept : float or None
        Estimated mean at the baseline wave.
    effects : tuple of WaveEffect
        One per wave after baseline, in column order; a wave nobody answered is
        listed with ``None`` statistics.
    sd_participant, sd_residual : float or None
        REML estimates of the SD of the random intercepts and of the residuals.
    reason : str or None
        Why statistics are ``None`` (a degenerate model, or waves without scores).
    """

    n_participants: int
    n_observations: int
    intercept: float | None
    effects: tuple[WaveEffect, ...]
    sd_participant: float | None
    sd_residual: float | None
    reason: str | None


@dataclass(frozen=True)
class GroupSummary(_Result):
    """Size, mean (``None`` if empty) and sample SD (``None`` if ``n < 2``) of a group."""

    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class GroupComparison(_Result):
    """Welch's t test of two independent groups (see :func:`welch_comparison`).

    Attributes
    ----------
    responded, not_responded : GroupSummary
        Group a (e.g. baseline scores of those who answered a wave) and group b.
    mean_difference : float or None
        Mean of a minus mean of b (``None`` if a group is empty).
    t, df, p : float or None
        Welch's t statistic, its Welch-Satterthwaite degrees of freedom and two-sided p.
    cohens_d : float or None
        Mean difference divided by the pooled SD.
    reason : str or None
        Why the statistics are ``None``, else ``None``.
    """

    responded: GroupSummary
    not_responded: GroupSummary
    mean_difference: float | None
    t: float | None
    df: float | None
    p: float | None
    cohens_d: float | None
    reason: str | None


def friedman_test(scores: Any) -> FriedmanResult:
    """Friedman's (1937) rank test for a change in scores across waves.

    Only participants with a score at every wave are used. Scores are rounded to
    10 decimals before ranking (footstep scores are means, so equal scores can
    differ in the last bit and would hide ties); each participant's ``k`` scores
    are ranked with average ranks for ties.

    Parameters
    ----------
    scores : array_like of float, shape (n_participants, k_waves)
        One row per participant, one column per wave; NaN = no score.

    Returns
    -------
    FriedmanResult
        ``n`` and, unless ``n < 2``, ``k < 2`` or no participant's scores differ
        between the waves (then ``None`` with a ``reason``), the statistic, ``df =
        k - 1``, p and Kendall's W.

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D or contains infinities or non-numbers.

    Notes
    -----
    As R's ``friedman.test``, with ``R_j`` the rank sum of wave ``j`` and ``t``
    the sizes of the tie groups within the participants,
    ``X = 12 sum_j (R_j - n(k+1)/2)^2 / (n k (k+1) - sum(t^3 - t) / (k - 1))``,
    referred to chi-squared on ``k - 1`` df. Kendall's ``W = X / (n (k - 1))``
    (Kendall & Babington Smith 1939) is 0 for no agreement between participants
    about the order of the waves and 1 for complete agreement.

    Examples
    --------
    >>> friedman_test([[1, 2, 3], [1, 3, 2], [2, 3, 4]]).as_dict()["statistic"]
    4.666666666666667
    """
    matrix = _as_matrix(scores, "scores")
    complete = np.round(matrix[~np.isnan(matrix).any(axis=1)], WILCOXON_DECIMALS)
    n, k = complete.shape

    def undefined(reason: str) -> FriedmanResult:
        return FriedmanResult(n, None, None, None, None, reason)

    if n < 2:
        return undefined(REASON_TOO_FEW_COMPLETE)
    if k < 2:
        return undefined(REASON_TOO_FEW_WAVES)
    if not (complete != complete[:, :1]).any():
        return undefined(REASON_NO_VARIATION_ACROSS_WAVES)
    # k is the number of waves (small), so comparing every pair of a row's scores is cheap
    tie_size = (complete[:, :, None] == complete[:, None, :]).sum(axis=2)
    ranks = (complete[:, :, None] > complete[:, None, :]).sum(axis=2) + (tie_size + 1) / 2.0
    # a tie group of size t has t members of tie size t, so sum(t^3 - t) = sum over scores (t^2 - 1)
    ties = float(np.sum(tie_size.astype(float) ** 2 - 1.0))
    denominator = n * k * (k + 1) - ties / (k - 1)
    statistic = 12.0 * float(np.sum((ranks.sum(axis=0) - n * (k + 1) / 2.0) ** 2)) / denominator
    return FriedmanResult(
        n=n,
        statistic=_finite_or_none(statistic),
        df=k - 1,
        p=_finite_or_none(special.chdtrc(k - 1, statistic)),
        kendall_w=_finite_or_none(statistic / (n * (k - 1))),
        reason=None,
    )


def _check_wave_names(wave_names: Sequence[str] | None, n_waves: int) -> list[str | None]:
    if wave_names is None:
        return [None] * n_waves
    names = [str(name) for name in wave_names]
    if len(names) != n_waves:
        raise ValueError(f"wave_names has {len(names)} entries but scores have {n_waves} waves")
    return names


def random_intercept_model(
    scores: Any, wave_names: Sequence[str] | None = None
) -> MixedModelResult:
    """Fit the linear mixed model ``score ~ wave + (1 | participant)`` by REML.

    Every available score is used, so participants who missed waves (or answered
    only one) still count. Column 0 is the reference (baseline) wave; each other
    wave gets a fixed effect, its mean difference from baseline adjusted for who
    answered it. Waves nobody answered are dropped from the design, as R does,
    and listed in ``effects`` with ``None`` statistics (noted in ``reason``).

    Parameters
    ----------
    scores : array_like of float, shape (P, K)
        One row per participant, one column per wave; NaN = no score.
    wave_names : sequence of str, length K, optional
        Names of the waves (``wave_names[0]`` is the baseline); effects then
        carry ``"wave": name`` instead of ``"wave_index"``.

    Returns
    -------
    MixedModelResult
        Intercept, wave effects (estimate, SE, df, t, p, 95% CI) and the two
        SDs. Degenerate data (fewer than 2 participants, no baseline score, no
        residual degrees of freedom, scores that do not vary within the waves or
        a residual SD of zero) give ``None`` statistics with a ``reason``; the
        counts are always reported.

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D or contains infinities, or ``wave_names`` has
        the wrong length.

    Notes
    -----
    Identical to R's ``nlme::lme(score ~ wave, random = ~ 1 | participant,
    method = "REML")`` (Pinheiro & Bates 2000). With ``gamma = sigma_u^2 /
    sigma_e^2`` the covariance of participant ``i``'s ``n_i`` scores is
    ``sigma_e^2 (I + gamma J)``, whose inverse is ``(I - w_i J) / sigma_e^2``
    with ``w_i = gamma / (1 + n_i gamma)``. So ``A = X'H X``, ``X'H y`` and
    ``y'H y`` are sums over participants of terms fixed by ``n_i``, the waves
    answered and the sum of the scores; grouped by ``n_i`` they reduce to
    ``K`` small matrices, and each likelihood evaluation costs nothing in the
    number of participants. The fixed effects (generalised least squares) and
    ``sigma_e^2 = RSS / (N - p)`` are profiled out, leaving the REML criterion
    ``(N - p) log RSS + sum_i log(1 + n_i gamma) + log det A`` of ``gamma``
    alone. It is evaluated on a grid of ``log gamma`` from ``log 1e-10`` to
    ``log 1e8`` and minimised by Brent's method around the best grid point; at
    the lower end ``gamma = 0`` (``sd_participant = 0``, ordinary least squares)
    is taken when it is at least as good, and an optimum at the upper end means
    the residual SD is zero (degenerate). SEs are ``sqrt(diag(sigma_e^2 A^-1))``.

    Degrees of freedom follow nlme's rule: a wave column that varies within some
    participant (answered by one with other scores) is estimated within
    participants on ``N - P - (number of such waves)`` df; a wave answered only
    by participants with no other score is estimated between participants on
    ``P - 1 - (number of such waves)`` df. Whenever the within df are positive
    the between df are too, so only the former decide degeneracy.

    Examples
    --------
    >>> fit = random_intercept_model([[3, 4], [2, 4], [4, 4.5], [3, float("nan")]])
    >>> round(fit.effects[0].estimate, 6), fit.effects[0].df
    (1.166667, 2)
    """
    matrix = _as_matrix(scores, "scores")
    n_waves = matrix.shape[1]
    names = _check_wave_names(wave_names, n_waves)
    observed = ~np.isnan(matrix)
    present = observed.any(axis=0)
    answered = observed.any(axis=1)
    y, o = matrix[answered][:, present], observed[answered][:, present]
    m, n_obs = int(y.shape[0]), int(o.sum())

    def not_estimable(j: int) -> WaveEffect:
        return WaveEffect(j, names[j], None, None, None, None, None, (None, None))

    def undefined(reason: str) -> MixedModelResult:
        effects = tuple(not_estimable(j) for j in range(1, n_waves))
        return MixedModelResult(m, n_obs, None, effects, None, None, reason)

    if m < 2:
        return undefined(REASON_TOO_FEW_PARTICIPANTS)
    if not present[0]:
        return undefined(REASON_NO_BASELINE)
    p = o.shape[1]  # intercept + one effect per answered wave after baseline
    n_i = o.sum(axis=1)
    # nlme's df rule: a wave's dummy column varies within some participant exactly when a
    # participant with another score answered that wave
    within = (o[:, 1:] & (n_i >= 2)[:, None]).any(axis=0)
    df_within = n_obs - m - int(within.sum())
    df_between = m - 1 - int((~within).sum())
    if df_within <= 0:
        return undefined(REASON_NO_RESIDUAL_DF)
    wave_means = np.nanmean(y, axis=0)
    if math.sqrt(float(np.nansum((y - wave_means) ** 2)) / (n_obs - p)) <= SD_ZERO_TOLERANCE:
        return undefined(REASON_NO_VARIATION_WITHIN_WAVES)

    # Sufficient statistics. Centring y only shifts the intercept and avoids cancellation.
    centre = float(y[o].mean())
    yc = np.where(o, y - centre, 0.0)
    sums = yc.sum(axis=1)
    s = np.column_stack([n_i, o[:, 1:]]).astype(float)  # X_i' 1 of each participant
    counts = o.sum(axis=0).astype(float)
    xtx = np.diag(np.r_[float(n_obs), counts[1:]])
    xtx[0, 1:] = xtx[1:, 0] = counts[1:]
    xty = np.r_[sums.sum(), yc[:, 1:].sum(axis=0)]
    yty = float(np.sum(yc**2))
    sizes = np.arange(1, p + 1, dtype=float)  # possible n_i
    by_size = (n_i[:, None] == sizes).astype(float)  # (m, p) one-hot of n_i
    g = (by_size.T @ (s[:, :, None] * s[:, None, :]).reshape(m, -1)).reshape(p, p, p)
    h = by_size.T @ (s * sums[:, None])
    q = by_size.T @ sums**2
    c = by_size.sum(axis=0)

    def profile(gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A = X'HX, the GLS fixed effects and RSS = (y - Xb)'H(y - Xb) for each gamma."""
        w = gamma[:, None] / (1.0 + gamma[:, None] * sizes)
        a = xtx - np.tensordot(w, g, axes=1)
        b = xty - w @ h
        beta = np.linalg.solve(a, b[..., None])[..., 0]
        return a, beta, yty - w @ q - np.sum(b * beta, axis=1)

    def criterion(gamma: np.ndarray) -> np.ndarray:
        a, _, rss = profile(gamma)
        with np.errstate(divide="ignore", invalid="ignore"):  # RSS -> 0: residual SD zero
            log_rss = np.log(np.maximum(rss, 0.0))
        return (
            (n_obs - p) * log_rss + np.log1p(gamma[:, None] * sizes) @ c + np.linalg.slogdet(a)[1]
        )

    # The grid guards Brent's method against a local optimum; a criterion still falling at
    # gamma = 1e8 (or RSS reaching 0) means sigma_e -> 0: the data fix every residual.
    on_grid = criterion(np.exp(_LOG_GAMMA_GRID))
    best = int(np.argmin(on_grid))
    last = _LOG_GAMMA_GRID.size - 1
    if best == last or not np.isfinite(on_grid).all():
        return undefined(REASON_ZERO_RESIDUAL)
    found = optimize.minimize_scalar(
        lambda log_gamma: float(criterion(np.array([math.exp(log_gamma)]))[0]),
        bounds=(_LOG_GAMMA_GRID[max(best - 1, 0)], _LOG_GAMMA_GRID[best + 1]),
        method="bounded",
        options={"xatol": 1e-12},
    )
    gamma = math.exp(found.x)
    if best == 0 and criterion(np.zeros(1))[0] <= found.fun:
        gamma = 0.0  # the random-intercept variance is at its boundary

    a, beta, rss = profile(np.array([gamma]))
    sigma2 = float(rss[0]) / (n_obs - p)
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(a[0])))
    fitted: dict[int, WaveEffect] = {}
    for column, wave in enumerate(np.flatnonzero(present)[1:], start=1):  # p - 1 waves
        df = df_within if within[column - 1] else df_between
        t = beta[0, column] / se[column]
        half = float(special.stdtrit(df, 0.975)) * se[column]
        fitted[int(wave)] = WaveEffect(
            wave_index=int(wave),
            wave=names[wave],
            estimate=_finite_or_none(beta[0, column]),
            se=_finite_or_none(se[column]),
            df=df,
            t=_finite_or_none(t),
            p=_finite_or_none(2.0 * special.stdtr(df, -abs(t))),
            ci=(
                _finite_or_none(beta[0, column] - half),
                _finite_or_none(beta[0, column] + half),
            ),
        )
    omitted = [j for j in range(1, n_waves) if not present[j]]
    effects = tuple(fitted.get(j) or not_estimable(j) for j in range(1, n_waves))
    reason = None
    if omitted:
        labels = ", ".join(names[j] or f"index {j}" for j in omitted)
        reason = f"no scores at wave(s) {labels}, so their effects are not estimable"
    return MixedModelResult(
        n_participants=m,
        n_observations=n_obs,
        intercept=_finite_or_none(beta[0, 0] + centre),
        effects=effects,
        sd_participant=_finite_or_none(math.sqrt(gamma * sigma2)),
        sd_residual=_finite_or_none(math.sqrt(sigma2)),
        reason=reason,
    )


def _group_summary(values: np.ndarray) -> GroupSummary:
    n = int(values.size)
    return GroupSummary(
        n=n,
        mean=_finite_or_none(np.mean(values)) if n else None,
        sd=_finite_or_none(np.std(values, ddof=1)) if n >= 2 else None,
    )


def welch_comparison(
    group_a: Any, group_b: Any, *, alternative: str = "two-sided"
) -> GroupComparison:
    """Compare two independent groups with Welch's t test and Cohen's d.

    Used for attrition: the baseline scores of participants who responded to a
    wave (a) against those of participants who did not (b). Missing values
    (NaN or ``None``) are dropped.

    Parameters
    ----------
    group_a, group_b : array_like of float, shape (n_a,), (n_b,)
        The two groups' values.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        The alternative hypothesis, as scipy's and R's: ``"greater"``, the mean of a
        is above that of b; ``"less"``, below.

    Returns
    -------
    GroupComparison
        Size, mean and SD of each group; ``mean_difference`` (a - b) when both
        groups are non-empty; ``t, df, p, cohens_d`` only when both groups have
        at least 2 values and at least one SD exceeds 1.5e-8, else ``None`` with
        a ``reason``.

    Raises
    ------
    ValueError
        If an input is not one-dimensional or contains infinities or non-numbers, or
        ``alternative`` is not one of :data:`ALTERNATIVES`.

    Notes
    -----
    Welch's (1947) t test, as R's ``t.test(a, b, alternative = alternative)``:
    ``t = (mean_a - mean_b) / sqrt(s_a^2 / n_a + s_b^2 / n_b)`` on the Welch-Satterthwaite df
    ``(s_a^2/n_a + s_b^2/n_b)^2 / ((s_a^2/n_a)^2/(n_a-1) + (s_b^2/n_b)^2/(n_b-1))``,
    p from the t distribution on that df. Cohen's d is standardised by the pooled SD
    ``sqrt(((n_a-1) s_a^2 + (n_b-1) s_b^2) / (n_a + n_b - 2))``, as
    ``effectsize::cohens_d(a, b)``.

    Examples
    --------
    >>> got = welch_comparison([3, 4, 5], [1, 2, 2, 3])
    >>> round(got.t, 6), round(got.df, 6), round(got.p, 6)  # t.test(a, b)
    (2.828427, 3.857143, 0.049461)
    >>> round(welch_comparison([3, 4, 5], [1, 2, 2, 3], alternative="greater").p, 6)
    0.02473
    """
    a = _as_vector(group_a, "group_a")
    b = _as_vector(group_b, "group_b")
    alternative = _check_alternative(alternative)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    responded, not_responded = _group_summary(a), _group_summary(b)
    mean_difference = (
        _finite_or_none(np.mean(a) - np.mean(b)) if responded.n and not_responded.n else None
    )

    def undefined(reason: str) -> GroupComparison:
        return GroupComparison(
            responded, not_responded, mean_difference, None, None, None, None, reason
        )

    if responded.n < 2 or not_responded.n < 2:
        return undefined(REASON_TOO_FEW_IN_GROUP)
    var_a, var_b = float(np.var(a, ddof=1)), float(np.var(b, ddof=1))
    if not math.sqrt(max(var_a, var_b)) > SD_ZERO_TOLERANCE:
        return undefined(REASON_NO_VARIATION_IN_GROUPS)
    n_a, n_b = responded.n, not_responded.n
    share_a, share_b = var_a / n_a, var_b / n_b
    t = mean_difference / math.sqrt(share_a + share_b)
    df = (share_a + share_b) ** 2 / (share_a**2 / (n_a - 1) + share_b**2 / (n_b - 1))
    pooled_sd = math.sqrt(((n_a - 1) * var_a + (n_b - 1) * var_b) / (n_a + n_b - 2))
    return GroupComparison(
        responded=responded,
        not_responded=not_responded,
        mean_difference=mean_difference,
        t=_finite_or_none(t),
        df=_finite_or_none(df),
        p=_finite_or_none(_t_p(t, df, alternative)),
        cohens_d=_finite_or_none(mean_difference / pooled_sd),
        reason=None,
    )


# --------------------------------------------------------------------------- one wave


@dataclass(frozen=True)
class MeanInterval(_Result):
    """Mean of one score at one wave with its t-based confidence interval.

    Attributes
    ----------
    n : int
        Number of non-missing values.
    mean, sd : float or None
        Mean (``None`` if ``n == 0``) and sample SD (``None`` if ``n < 2``).
    ci : tuple of (float or None, float or None)
        ``mean ± t(1 - alpha/2, n - 1) · sd / sqrt(n)``; ``None`` if ``n < 2``.
    """

    n: int
    mean: float | None
    sd: float | None
    ci: tuple[float | None, float | None]


def mean_ci(values: Any, confidence_level: float = 0.95) -> MeanInterval:
    """Mean and confidence interval of the non-missing ``values``, as R's ``t.test(x)``.

    Parameters
    ----------
    values : array_like of float, 1-D
        NaN = missing, ignored.
    confidence_level : float, optional
        Coverage of the interval, default 0.95.

    Returns
    -------
    MeanInterval

    Examples
    --------
    >>> mean_ci([3.0, 4.0, 5.0, np.nan]).as_dict()["ci"]  # t.test(c(3, 4, 5))$conf.int
    [1.5158..., 6.4841...]
    """
    level = _check_confidence_level(confidence_level)
    x = _as_vector(values, "values")
    x = x[~np.isnan(x)]
    summary = _group_summary(x)
    if summary.n < 2:
        return MeanInterval(summary.n, summary.mean, None, (None, None))
    half = special.stdtrit(summary.n - 1, 0.5 + level / 2) * summary.sd / np.sqrt(summary.n)
    return MeanInterval(
        summary.n,
        summary.mean,
        summary.sd,
        (_finite_or_none(summary.mean - half), _finite_or_none(summary.mean + half)),
    )


# --------------------------------------------------------------------------- reliability and change

REASON_TOO_FEW_ITEMS = "fewer than 2 items"
REASON_TOO_FEW_RESPONSES = "fewer than 3 responses answer every item"
REASON_ZERO_TOTAL_VARIANCE = "the total score does not vary, so alpha is not defined"
REASON_TOO_FEW_VARYING_ITEMS = "fewer than 2 items vary, so alpha is not defined"
REASON_TWO_ITEMS_DROP = (
    "with 2 items that vary, alpha if an item is dropped is not defined (one item is left)"
)
REASON_NO_RELIABILITY = (
    "the reliability is not available, so the SE of the difference is not defined"
)
REASON_PERFECT_RELIABILITY = "the reliability is 1, so the SE of the difference is zero"
REASON_NO_BASELINE_SD = (
    "the SD of the baseline scores is not available or zero, so the SE of the difference "
    "is not defined"
)
REASON_NO_CHANGE_PAIRS = "no participant has a score at both waves"


@dataclass(frozen=True)
class ReliabilityItem:
    """Statistics of one item in :func:`cronbach_alpha`.

    Attributes
    ----------
    item_index : int
        Column of the item in the ratings (0 = first column).
    item : str or None
        Name of the item when ``item_names`` was given.
    item_rest_r : float or None
        Correlation of the item with the sum of the other items (psych's ``r.drop``).
    alpha_if_dropped : float or None
        Cronbach's alpha of the other items.
    """

    item_index: int
    item: str | None
    item_rest_r: float | None
    alpha_if_dropped: float | None

    def as_dict(self) -> dict[str, Any]:
        """Return ``{item (or item_index), item_rest_r, alpha_if_dropped}``."""
        label = {"item": self.item} if self.item is not None else {"item_index": self.item_index}
        return label | {"item_rest_r": self.item_rest_r, "alpha_if_dropped": self.alpha_if_dropped}


@dataclass(frozen=True)
class ReliabilityResult(_Result):
    """Internal consistency of a scale (see :func:`cronbach_alpha`).

    Attributes
    ----------
    n : int
        Number of responses that answer every item (the rows analysed).
    cronbach_alpha : float or None
        Cronbach's (raw) alpha.
    alpha_ci : tuple of (float or None, float or None)
        Feldt's confidence interval of alpha.
    items : tuple of ReliabilityItem
        One per item, in column order; empty when alpha is not defined.
    reason : str or None
        Why statistics are ``None``, else ``None``.
    """

    n: int
    cronbach_alpha: float | None
    alpha_ci: tuple[float | None, float | None]
    items: tuple[ReliabilityItem, ...]
    reason: str | None


@dataclass(frozen=True)
class ReliableChangeResult(_Result):
    """Jacobson-Truax reliable change between two waves (see :func:`reliable_change`).

    Attributes
    ----------
    reliability : float or None
        Reliability of the score (for the overall score, alpha of the footstep scores).
    sd_baseline : float or None
        SD of the baseline scores.
    se_difference : float or None
        Standard error of a difference, ``sqrt(2) sd_baseline sqrt(1 - reliability)``.
    n : int
        Number of pairs (participants with a score at both waves).
    improved, no_change, deteriorated : int or None
        Pairs with ``RCI > z``, ``|RCI| <= z`` and ``RCI < -z``; ``None`` when the
        SE of the difference is not defined (0 when there are no pairs).
    reason : str or None
        Why statistics are ``None`` or there are no pairs, else ``None``.
    """

    reliability: float | None
    sd_baseline: float | None
    se_difference: float | None
    n: int
    improved: int | None
    no_change: int | None
    deteriorated: int | None
    reason: str | None


def _check_item_names(item_names: Sequence[str] | None, n_items: int) -> list[str | None]:
    if item_names is None:
        return [None] * n_items
    names = [str(name) for name in item_names]
    if len(names) != n_items:
        raise ValueError(
            f"item_names has {len(names)} entries but the ratings have {n_items} items"
        )
    return names


def cronbach_alpha(
    ratings: Any, item_names: Sequence[str] | None = None, *, confidence_level: float = 0.95
) -> ReliabilityResult:
    """Cronbach's alpha of a scale, with Feldt's interval and item statistics.

    Only the responses that answer every item are used (listwise deletion), and
    items that do not vary in them are left out, as ``psych::alpha`` does.

    Parameters
    ----------
    ratings : array_like of float, shape (n, k)
        One row per response, one column per item; NaN = unanswered.
    item_names : sequence of str, length k, optional
        Names of the items; items then carry ``"item": name`` instead of
        ``"item_index"``.
    confidence_level : float, default 0.95
        Coverage of Feldt's interval, strictly between 0 and 1.

    Returns
    -------
    ReliabilityResult
        ``n`` (complete rows) and alpha, its interval and, per item in column
        order, the item-rest correlation and alpha if the item is dropped. If
        ``k < 2``, fewer than 3 rows are complete, fewer than 2 items vary (SD
        above 1.5e-8) or the total score does not vary, alpha and its interval
        are ``None``, ``items`` is empty and ``reason`` says why. An item
        statistic that is not defined is ``None`` and ``reason`` says why: an
        item that does not vary (left out of alpha), a rest of the scale that
        does not vary, alpha if dropped when only 2 items vary.

    Raises
    ------
    ValueError
        If ``ratings`` is not 2-D or contains infinities or non-numbers,
        ``item_names`` has the wrong length or ``confidence_level`` is not in (0, 1).

    Notes
    -----
    As R's ``psych::alpha(x, check.keys = FALSE)`` (Revelle) on the complete rows:
    with ``C`` the sample covariance matrix of the ``k`` items that vary
    (denominator ``n - 1``), Cronbach's (1951) alpha is ``k / (k - 1) (1 - tr(C) /
    sum(C))`` (psych's ``raw_alpha``). Items are not reversed: a negatively keyed
    item lowers alpha (which may then be negative) and has a negative item-rest
    correlation. Feldt's (1965) interval treats ``(1 - alpha_population) / (1 -
    alpha)`` as F on ``n - 1`` and ``(n - 1)(k - 1)`` df: ``1 - (1 - alpha)
    F(1 - a/2)`` to ``1 - (1 - alpha) F(a/2)`` with ``a = 1 - confidence_level``
    (psych's ``feldt``). The item-rest correlation of item ``i`` is its
    correlation with the sum of the other items (psych's ``r.drop``, not
    ``raw.r`` or ``r.cor``, whose total includes the item), and alpha if dropped
    is the alpha of the other ``k - 1`` items (``alpha.drop$raw_alpha``). When
    only 2 items vary, psych reports ``C[1, 2] / C[2, 2]`` as "alpha if
    dropped", which is not an alpha (one item is left); here it is ``None``.

    Examples
    --------
    >>> result = cronbach_alpha([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [2, 3, 2]])
    >>> round(result.cronbach_alpha, 6)  # psych::alpha(...)$total$raw_alpha
    0.918367
    >>> [round(v, 6) for v in result.alpha_ci]  # psych::alpha(...)$feldt
    [0.58754, 0.990909]
    """
    matrix = _as_matrix(ratings, "ratings")
    level = _check_confidence_level(confidence_level)
    n_items = matrix.shape[1]
    names = _check_item_names(item_names, n_items)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n = int(complete.shape[0])

    def undefined(reason: str) -> ReliabilityResult:
        return ReliabilityResult(n, None, (None, None), (), reason)

    if n_items < 2:
        return undefined(REASON_TOO_FEW_ITEMS)
    if n < 3:
        return undefined(REASON_TOO_FEW_RESPONSES)
    with np.errstate(over="ignore", invalid="ignore"):
        centred = complete - complete.mean(axis=0)
        item_variance = np.einsum("ij,ij->j", centred, centred) / (n - 1)
    if not np.isfinite(item_variance).all():
        raise ValueError("ratings are too large to analyse (overflow)")
    varies = np.sqrt(item_variance) > SD_ZERO_TOLERANCE
    k = int(varies.sum())
    if k < 2:
        return undefined(REASON_TOO_FEW_VARYING_ITEMS)
    used = centred[:, varies]
    total = used.sum(axis=1)
    total_variance = float(total @ total) / (n - 1)  # sum(C)
    if not math.sqrt(total_variance) > SD_ZERO_TOLERANCE:
        return undefined(REASON_ZERO_TOTAL_VARIANCE)
    trace = float(item_variance[varies].sum())
    alpha = k / (k - 1) * (1.0 - trace / total_variance)

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1.0 - level) / 2.0
    ci = (
        _finite_or_none(1.0 - (1.0 - alpha) * special.fdtri(df1, df2, 1.0 - tail)),
        _finite_or_none(1.0 - (1.0 - alpha) * special.fdtri(df1, df2, tail)),
    )

    # each item's rest score (the total without it), centred: sum(C[-i, -i]), sum(C[, i]) - C[i, i]
    rest = total[:, None] - used
    rest_variance = np.einsum("ij,ij->j", rest, rest) / (n - 1)
    item_rest_covariance = np.einsum("ij,ij->j", used, rest) / (n - 1)
    rest_varies = np.sqrt(rest_variance) > SD_ZERO_TOLERANCE
    with np.errstate(divide="ignore", invalid="ignore"):
        r_drop = item_rest_covariance / np.sqrt(item_variance[varies] * rest_variance)
        alpha_drop = (
            (k - 1) / (k - 2) * (1.0 - (trace - item_variance[varies]) / rest_variance)
            if k > 2
            else np.full(k, np.nan)  # one item is left: no alpha
        )
    r_drop = np.where(rest_varies, r_drop, np.nan)
    alpha_drop = np.where(rest_varies, alpha_drop, np.nan)
    item_rest_r = np.full(n_items, np.nan)
    if_dropped = np.full(n_items, np.nan)
    item_rest_r[varies], if_dropped[varies] = r_drop, alpha_drop
    items = tuple(
        ReliabilityItem(
            i, names[i], _finite_or_none(item_rest_r[i]), _finite_or_none(if_dropped[i])
        )
        for i in range(n_items)
    )

    label = [names[i] or f"index {i}" for i in range(n_items)]
    notes = []
    if k < n_items:
        constant = ", ".join(label[i] for i in np.flatnonzero(~varies))
        notes.append(f"item(s) {constant} do not vary and are left out, as psych::alpha does")
    if not rest_varies.all():
        alone = ", ".join(label[i] for i in np.flatnonzero(varies)[~rest_varies])
        notes.append(
            f"the other items do not vary when {alone} is dropped, so its item-rest "
            "correlation and alpha if dropped are not defined"
        )
    if k == 2:
        notes.append(REASON_TWO_ITEMS_DROP)
    return ReliabilityResult(
        n=n,
        cronbach_alpha=_finite_or_none(alpha),
        alpha_ci=ci,
        items=items,
        reason="; ".join(notes) or None,
    )


def _optional_number(value: Any, name: str) -> float | None:
    """A real number as float; ``None`` and NaN become ``None``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    value = float(value)
    if math.isinf(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return None if math.isnan(value) else value


def reliable_change(
    baseline: Any,
    follow_up: Any,
    *,
    reliability: float | None,
    sd_baseline: float | None,
    confidence_level: float = 0.95,
) -> ReliableChangeResult:
    """Classify each participant's change as reliable or not (Jacobson & Truax 1991).

    Pairs in which either value is missing (NaN or ``None``) are dropped.

    Parameters
    ----------
    baseline, follow_up : array_like of float, shape (N,)
        Matched scores; element ``i`` of both belongs to the same participant.
    reliability : float or None
        Reliability of the score, at most 1 (for example Cronbach's alpha of the
        baseline responses; :func:`overall_reliable_change` computes it for the
        overall score). ``None`` or NaN = not available.
    sd_baseline : float or None
        SD of the baseline scores of the reference group (usually every baseline
        score, not only those of the pairs). ``None`` or NaN = not available.
    confidence_level : float, default 0.95
        The cut-off is the two-sided normal quantile, ``1.959964`` for 0.95.

    Returns
    -------
    ReliableChangeResult
        ``n`` pairs and the numbers who improved, did not change reliably and
        deteriorated. If the SE of the difference is not defined (reliability not
        available or equal to 1, SD not available or at most 1.5e-8), the SE and
        the three counts are ``None`` with a ``reason``. If there are no pairs,
        the counts are 0, as R's ``sum`` over no pairs, and ``reason`` says so.

    Raises
    ------
    ValueError
        If the score vectors are not one-dimensional, differ in length or contain
        infinities or non-numbers; ``reliability`` exceeds 1; ``sd_baseline`` is
        negative; or ``confidence_level`` is not in (0, 1).

    Notes
    -----
    The standard error of measurement is ``SE_m = sd_baseline sqrt(1 -
    reliability)`` and the standard error of the difference of two measurements
    ``SE_diff = sqrt(2) SE_m``; the reliable change index of a pair is ``RCI =
    (follow_up - baseline) / SE_diff`` (Jacobson & Truax 1991). A change is
    reliable when ``|RCI| > z``, with ``z`` the ``0.5 + confidence_level / 2``
    normal quantile: an improvement if ``RCI > z`` (higher is better), a
    deterioration if ``RCI < -z``. A reliability of 0 or below is used as given
    (R does the same), but then ``SE_diff >= sqrt(2) sd_baseline`` and few
    changes are reliable: the scale does not measure consistently.

    Examples
    --------
    >>> before, after = [2, 3, 3.5, 4], [3.5, 3.2, 2.4, 4.1]
    >>> got = reliable_change(before, after, reliability=0.9, sd_baseline=0.5)
    >>> round(got.se_difference, 6), got.improved, got.no_change, got.deteriorated
    (0.223607, 1, 2, 1)
    """
    x = _as_vector(baseline, "baseline")
    y = _as_vector(follow_up, "follow_up")
    if x.shape != y.shape:
        raise ValueError(
            f"baseline and follow_up must have the same length, got {x.size} and {y.size}"
        )
    level = _check_confidence_level(confidence_level)
    rel = _optional_number(reliability, "reliability")
    sd = _optional_number(sd_baseline, "sd_baseline")
    if rel is not None and rel > 1.0:
        raise ValueError(f"reliability must be at most 1, got {rel!r}")
    if sd is not None and sd < 0.0:
        raise ValueError(f"sd_baseline must not be negative, got {sd!r}")
    keep = ~(np.isnan(x) | np.isnan(y))
    n = int(keep.sum())

    def undefined(reason: str) -> ReliableChangeResult:
        return ReliableChangeResult(rel, sd, None, n, None, None, None, reason)

    if rel is None:
        return undefined(REASON_NO_RELIABILITY)
    if rel >= 1.0:
        return undefined(REASON_PERFECT_RELIABILITY)
    if sd is None or not sd > SD_ZERO_TOLERANCE:
        return undefined(REASON_NO_BASELINE_SD)
    se = math.sqrt(2.0) * sd * math.sqrt(1.0 - rel)
    z = float(special.ndtri(0.5 + level / 2.0))
    with np.errstate(over="ignore"):
        rci = (y[keep] - x[keep]) / se
    improved, deteriorated = int((rci > z).sum()), int((rci < -z).sum())
    return ReliableChangeResult(
        reliability=rel,
        sd_baseline=sd,
        se_difference=_finite_or_none(se),
        n=n,
        improved=improved,
        no_change=n - improved - deteriorated,
        deteriorated=deteriorated,
        reason=None if n else REASON_NO_CHANGE_PAIRS,
    )


def overall_reliable_change(
    baseline_footstep_scores: Any,
    follow_up_footstep_scores: Any,
    *,
    confidence_level: float = 0.95,
) -> ReliableChangeResult:
    """Reliable change of the overall score, with the reliability taken from the baseline.

    Parameters
    ----------
    baseline_footstep_scores, follow_up_footstep_scores : array_like of float, shape (P, 10)
        Footstep scores (:func:`footstep_scores`) of the same ``P`` participants,
        row ``i`` of both belonging to the same participant, NaN where absent.
        Include every participant with a baseline, also those without the
        follow-up: the reliability and the SD come from all baselines.
    confidence_level : float, default 0.95
        As in :func:`reliable_change`.

    Returns
    -------
    ReliableChangeResult
        :func:`reliable_change` of the overall scores (:func:`overall_scores`)
        with ``reliability`` = Cronbach's alpha (:func:`cronbach_alpha`) of the 10
        baseline footstep scores of the participants with a baseline overall
        score, and ``sd_baseline`` = the SD of their baseline overall scores
        (``None`` for fewer than 2). If alpha is not defined, its reason is given.

    Raises
    ------
    ValueError
        If the matrices are not 2-D with 10 columns and the same shape, or contain
        infinities.

    Notes
    -----
    As ``reference_waves.R``: ``rel10 <- psych::alpha(base_fs)$total$raw_alpha``
    and ``sd0 <- sd(S$baseline[has_base, 11])`` over the participants with a
    baseline overall score, then the RCI of every pair with both overall scores.

    Examples
    --------
    >>> base = [[1, 2, 2, 1, 2, 3, 1, 2, 2, 2], [3, 3, 4, 3, 3, 3, 4, 3, 3, 4],
    ...         [2, 3, 2, 2, 3, 2, 3, 2, 3, 2], [4, 4, 5, 4, 4, 4, 5, 4, 4, 5]]
    >>> later = [[3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [3, 3, 4, 3, 3, 3, 4, 3, 3, 4],
    ...          [2, 3, 2, 2, 3, 2, 3, 2, 3, 2], [np.nan] * 10]
    >>> got = overall_reliable_change(base, later)
    >>> got.n, got.improved, got.no_change, got.deteriorated
    (3, 1, 2, 0)
    """
    before = overall_scores(baseline_footstep_scores)
    after = overall_scores(follow_up_footstep_scores)
    if before.shape != after.shape:
        raise ValueError(
            "baseline_footstep_scores and follow_up_footstep_scores must have the same shape "
            f"(matched rows), got {before.size} and {after.size} rows"
        )
    has_baseline = ~np.isnan(before)
    alpha = cronbach_alpha(
        _as_matrix(baseline_footstep_scores, "baseline_footstep_scores")[has_baseline]
    )
    sd = _finite_or_none(np.std(before[has_baseline], ddof=1)) if has_baseline.sum() >= 2 else None
    got = reliable_change(
        before,
        after,
        reliability=alpha.cronbach_alpha,
        sd_baseline=sd,
        confidence_level=confidence_level,
    )
    if alpha.cronbach_alpha is None:
        got = replace(got, reason=f"{REASON_NO_RELIABILITY} ({alpha.reason})")
    return got
