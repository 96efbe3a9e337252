"""Paired baseline/follow-up statistics for the Ten Footsteps evaluation.

This module is the statistical core of the evaluation report. It is pure
numpy/scipy (no Django), and every figure it produces is pinned in the test
suite to R (``t.test``, ``effectsize::cohens_d``, ``p.adjust``,
``wilcox.test``; see ``tests/analytics/reference.R``).

Methods
-------
Each participant answers the statements of the questionnaire at baseline and at
follow-up. The *footstep score* of a response is the mean of that footstep's
statements and exists only when every statement of the footstep was answered;
the *overall score* is the mean of the 10 footstep scores and exists only when
all 10 exist (:func:`footstep_scores`, :func:`overall_scores`).

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

Cumming, G. (2012). *Understanding the new statistics: Effect sizes, confidence
intervals, and meta-analysis*. Routledge.

Goulet-Pelletier, J.-C., & Cousineau, D. (2018). A review of effect sizes and
their confidence intervals, Part I: The Cohen's d family. *The Quantitative
Methods for Psychology, 14*(4), 242-265.

Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size
and related estimators. *Journal of Educational Statistics, 6*(2), 107-128.

Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics, 6*(2), 65-70.

Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
cumulative science: a practical primer for t-tests and ANOVAs. *Frontiers in
Psychology, 4*, 863.

Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and
the evaluation of statistical models. In L. L. Harlow, S. A. Mulaik, & J. H.
Steiger (Eds.), *What if there were no significance tests?* (pp. 221-257).
Erlbaum.

Student (1908). The probable error of a mean. *Biometrika, 6*(1), 1-25.

Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics
Bulletin, 1*(6), 80-83.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special

__all__ = [
    "FOOTSTEP_COUNT",
    "MAX_ABS_T_FOR_DZ_CI",
    "REASON_CONSTANT_DIFFERENCES",
    "REASON_TOO_FEW_PAIRS",
    "REASON_ZERO_SD",
    "SD_ZERO_TOLERANCE",
    "WILCOXON_DECIMALS",
    "EvaluationResult",
    "PairedComparison",
    "evaluate",
    "footstep_scores",
    "holm",
    "overall_scores",
    "paired_comparison",
]

FOOTSTEP_COUNT = 10
"""Number of footsteps (columns of :func:`footstep_scores`)."""

SD_ZERO_TOLERANCE = 1.5e-8
"""An SD of the differences at or below this is zero (R's ``all.equal`` tolerance)."""

WILCOXON_DECIMALS = 10
"""Differences are rounded to this many decimals before the Wilcoxon test."""

REASON_TOO_FEW_PAIRS = "fewer than 2 matched pairs"
REASON_ZERO_SD = "all differences are equal, so the SD of the differences is zero"
REASON_CONSTANT_DIFFERENCES = (
    "the differences are essentially constant (their SD is negligible next to their mean), "
    "so the t statistic is not defined"
)

_EPS = float(np.finfo(float).eps)

MAX_ABS_T_FOR_DZ_CI = 1e4
"""Beyond this |t| the noncentral t cdf is slow or not computable; the d_z CI is then None."""


@dataclass(frozen=True)
class PairedComparison:
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
        Confidence interval of the mean difference from the t distribution.
    t, df, p : float or None
        Student's paired t statistic, its degrees of freedom ``n - 1`` and the
        two-sided p value.
    cohens_dz : float or None
        Cohen's d_z, mean difference divided by the SD of the differences.
    cohens_dz_ci : tuple of (float or None, float or None)
        Exact confidence interval of d_z from the noncentral t distribution.
    d_av : float or None
        Mean difference divided by the mean of the two waves' SDs.
    hedges_g_av : float or None
        ``d_av`` times Hedges's small-sample correction ``J(n - 1)``.
    wilcoxon_p : float or None
        Two-sided p of the Wilcoxon signed-rank test (normal approximation).
    reason : str or None
        Why the statistics are ``None`` (degenerate comparison), else ``None``.
    """

    n_pairs: int
    baseline_mean: float | None
    baseline_sd: float | None
    follow_up_mean: float | None
    follow_up_sd: float | None
    mean_difference: float | None
    mean_difference_ci: tuple[float | None, float | None]
    t: float | None
    df: float | None
    p: float | None
    cohens_dz: float | None
    cohens_dz_ci: tuple[float | None, float | None]
    d_av: float | None
    hedges_g_av: float | None
    wilcoxon_p: float | None
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        """Return the comparison as a JSON-ready dict.

        Returns
        -------
        dict
            Keys ``n_pairs, baseline_mean, baseline_sd, follow_up_mean,
            follow_up_sd, mean_difference, mean_difference_ci, t, df, p,
            cohens_dz, cohens_dz_ci, d_av, hedges_g_av, wilcoxon_p, reason`` in
            that order. Intervals are two-element lists; undefined values are
            ``None``; numbers are plain Python ``int``/``float``.
        """
        return {
            "n_pairs": int(self.n_pairs),
            "baseline_mean": self.baseline_mean,
            "baseline_sd": self.baseline_sd,
            "follow_up_mean": self.follow_up_mean,
            "follow_up_sd": self.follow_up_sd,
            "mean_difference": self.mean_difference,
            "mean_difference_ci": list(self.mean_difference_ci),
            "t": self.t,
            "df": self.df,
            "p": self.p,
            "cohens_dz": self.cohens_dz,
            "cohens_dz_ci": list(self.cohens_dz_ci),
            "d_av": self.d_av,
            "hedges_g_av": self.hedges_g_av,
            "wilcoxon_p": self.wilcoxon_p,
            "reason": self.reason,
        }


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
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of numbers (NaN or None = missing)") from exc
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing values")
    return array


def _as_matrix(values: Any, name: str) -> np.ndarray:
    """Convert to a 2-D float array (``None`` becomes NaN); reject infinities."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 2-D array of numbers (NaN = unanswered)") from exc
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows x items), got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values; use NaN for unanswered items")
    return array


def _check_confidence_level(confidence_level: Any) -> float:
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, numbers.Real):
        raise ValueError(f"confidence_level must be a number in (0, 1), got {confidence_level!r}")
    level = float(confidence_level)
    if not 0.0 < level < 1.0:  # also rejects NaN
        raise ValueError(f"confidence_level must be strictly between 0 and 1, got {level!r}")
    return level


def _check_item_footsteps(item_footsteps: Sequence[int], n_items: int) -> np.ndarray:
    values = list(item_footsteps)
    if len(values) != n_items:
        raise ValueError(
            f"item_footsteps has {len(values)} entries but the ratings have {n_items} items "
            "(one footstep number per item column is required)"
        )
    for position, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(
                f"item_footsteps[{position}] must be an integer footstep number, got {value!r}"
            )
        if not 1 <= int(value) <= FOOTSTEP_COUNT:
            raise ValueError(
                f"item_footsteps[{position}] = {int(value)} is outside 1..{FOOTSTEP_COUNT}"
            )
    footsteps = np.asarray(values, dtype=np.int64).reshape(-1)
    missing = sorted(set(range(1, FOOTSTEP_COUNT + 1)) - set(footsteps.tolist()))
    if missing:
        raise ValueError(
            f"footstep(s) {missing} have no items; every footstep 1..{FOOTSTEP_COUNT} "
            "needs at least one item"
        )
    return footsteps


def _degenerate(x: np.ndarray, y: np.ndarray, reason: str) -> PairedComparison:
    """Comparison with only n and the means (when n >= 1), as reference.R does."""
    n = int(x.size)
    if n:
        baseline_mean = _finite_or_none(np.mean(x))
        follow_up_mean = _finite_or_none(np.mean(y))
        mean_difference = _finite_or_none(np.mean(y - x))
    else:
        baseline_mean = follow_up_mean = mean_difference = None
    return PairedComparison(
        n_pairs=n,
        baseline_mean=baseline_mean,
        baseline_sd=None,
        follow_up_mean=follow_up_mean,
        follow_up_sd=None,
        mean_difference=mean_difference,
        mean_difference_ci=(None, None),
        t=None,
        df=None,
        p=None,
        cohens_dz=None,
        cohens_dz_ci=(None, None),
        d_av=None,
        hedges_g_av=None,
        wilcoxon_p=None,
        reason=reason,
    )


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
    t_obs: float, n: int, confidence_level: float
) -> tuple[float | None, float | None]:
    """Exact CI of d_z: noncentrality limits of the observed t divided by sqrt(n)."""
    if not abs(t_obs) <= MAX_ABS_T_FOR_DZ_CI:
        return (None, None)
    df = float(n - 1)
    alpha = 1.0 - confidence_level
    try:
        with np.errstate(all="ignore"):
            lower = _noncentrality_for(t_obs, df, 1.0 - alpha / 2.0)
            upper = _noncentrality_for(t_obs, df, alpha / 2.0)
    except (_NoRoot, ValueError, RuntimeError, ArithmeticError):
        return (None, None)
    root_n = math.sqrt(n)
    return (_finite_or_none(lower / root_n), _finite_or_none(upper / root_n))


def _hedges_j(df: float) -> float:
    """Hedges's exact correction ``J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))``."""
    log_j = special.gammaln(df / 2.0) - 0.5 * math.log(df / 2.0) - special.gammaln((df - 1) / 2.0)
    return float(np.exp(log_j))  # J(1) = 0, because Gamma(0) is infinite


def _wilcoxon_p(differences: np.ndarray) -> float | None:
    """Two-sided Wilcoxon signed-rank p, as R's ``wilcox.test(round(d, 10), exact = FALSE)``."""
    rounded = np.round(differences, WILCOXON_DECIMALS)
    rounded = rounded[rounded != 0]  # zero differences are dropped (Wilcoxon's method)
    m = int(rounded.size)
    if m == 0:
        return None
    magnitude = np.abs(rounded)
    order = np.argsort(magnitude, kind="stable")
    sorted_magnitude = magnitude[order]
    # tie groups of equal |d|: every member gets the average of the group's ranks
    starts = np.flatnonzero(np.r_[True, sorted_magnitude[1:] != sorted_magnitude[:-1]])
    counts = np.diff(np.r_[starts, m]).astype(float)
    average_rank = starts + (counts + 1.0) / 2.0
    ranks = np.empty(m)
    ranks[order] = np.repeat(average_rank, counts.astype(np.int64))
    w_plus = float(ranks[rounded > 0].sum())
    variance = m * (m + 1) * (2 * m + 1) / 24.0 - float(np.sum(counts**3 - counts)) / 48.0
    if not variance > 0:
        return None
    z = w_plus - m * (m + 1) / 4.0
    z = (z - 0.5 * float(np.sign(z))) / math.sqrt(variance)  # continuity correction
    p = 2.0 * min(float(special.ndtr(z)), float(special.ndtr(-z)))
    return _finite_or_none(p)


# --------------------------------------------------------------------------- public API


def paired_comparison(
    baseline: Any, follow_up: Any, *, confidence_level: float = 0.95
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
        infinities or non-numbers, or ``confidence_level`` is not in (0, 1).

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
    """
    x = _as_vector(baseline, "baseline")
    y = _as_vector(follow_up, "follow_up")
    if x.shape != y.shape:
        raise ValueError(
            f"baseline and follow_up must have the same length, got {x.size} and {y.size}"
        )
    level = _check_confidence_level(confidence_level)

    keep = ~(np.isnan(x) | np.isnan(y))
    x = x[keep]
    y = y[keep]
    n = int(x.size)
    if n < 2:
        return _degenerate(x, y, REASON_TOO_FEW_PAIRS)

    with np.errstate(over="ignore", invalid="ignore"):
        d = y - x
        sd_d = float(np.std(d, ddof=1))
        mean_d = float(np.mean(d))
        sd_x = float(np.std(x, ddof=1))
        sd_y = float(np.std(y, ddof=1))
    if not all(math.isfinite(v) for v in (sd_d, mean_d, sd_x, sd_y)):
        raise ValueError("baseline and follow_up values are too large to analyse (overflow)")
    if not sd_d > SD_ZERO_TOLERANCE:
        return _degenerate(x, y, REASON_ZERO_SD)
    se = sd_d / math.sqrt(n)
    if se < 10 * _EPS * abs(mean_d):
        return _degenerate(x, y, REASON_CONSTANT_DIFFERENCES)

    df = n - 1
    t = mean_d / se
    p = 2.0 * float(special.stdtr(df, -abs(t)))
    alpha = 1.0 - level
    quantile = float(special.stdtrit(df, 1.0 - alpha / 2.0))
    mean_ci = (mean_d - quantile * se, mean_d + quantile * se)

    d_av = mean_d / ((sd_x + sd_y) / 2.0)
    return PairedComparison(
        n_pairs=n,
        baseline_mean=_finite_or_none(np.mean(x)),
        baseline_sd=_finite_or_none(sd_x),
        follow_up_mean=_finite_or_none(np.mean(y)),
        follow_up_sd=_finite_or_none(sd_y),
        mean_difference=_finite_or_none(mean_d),
        mean_difference_ci=(_finite_or_none(mean_ci[0]), _finite_or_none(mean_ci[1])),
        t=_finite_or_none(t),
        df=float(df),
        p=_finite_or_none(p),
        cohens_dz=_finite_or_none(mean_d / sd_d),
        cohens_dz_ci=_cohens_dz_ci(t, n, level),
        d_av=_finite_or_none(d_av),
        hedges_g_av=_finite_or_none(d_av * _hedges_j(df)),
        wilcoxon_p=_wilcoxon_p(d),
        reason=None,
    )


def footstep_scores(ratings: np.ndarray, item_footsteps: Sequence[int]) -> np.ndarray:
    """Score each response on each footstep.

    Parameters
    ----------
    ratings : array_like of float, shape (n, n_items)
        One row per response, one column per statement; NaN = unanswered.
    item_footsteps : sequence of int, length n_items
        ``item_footsteps[j]`` is the footstep (1..10) that statement ``j``
        belongs to. Every footstep needs at least one statement.

    Returns
    -------
    numpy.ndarray, shape (n, 10)
        Column ``k - 1`` is the mean of footstep ``k``'s statements, or NaN
        unless every statement of that footstep was answered.

    Raises
    ------
    ValueError
        If ``ratings`` is not 2-D or contains infinities, or ``item_footsteps``
        has the wrong length, a non-integer entry, a footstep outside 1..10 or
        leaves a footstep without statements.
    """
    matrix = _as_matrix(ratings, "ratings")
    footsteps = _check_item_footsteps(item_footsteps, matrix.shape[1])
    scores = np.empty((matrix.shape[0], FOOTSTEP_COUNT))
    for number in range(1, FOOTSTEP_COUNT + 1):
        # the mean of a row with any NaN is NaN: exactly "every statement answered"
        scores[:, number - 1] = matrix[:, footsteps == number].mean(axis=1)
    return scores


def overall_scores(footstep_scores: np.ndarray) -> np.ndarray:
    """Overall score of each response: the mean of its 10 footstep scores.

    Parameters
    ----------
    footstep_scores : array_like of float, shape (n, 10)
        Output of :func:`footstep_scores`.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Mean of the 10 footstep scores, NaN unless all 10 exist.

    Raises
    ------
    ValueError
        If the input is not 2-D with 10 columns or contains infinities.
    """
    matrix = _as_matrix(footstep_scores, "footstep_scores")
    if matrix.shape[1] != FOOTSTEP_COUNT:
        raise ValueError(
            f"footstep_scores must have {FOOTSTEP_COUNT} columns, got {matrix.shape[1]}"
        )
    return matrix.mean(axis=1)


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
        paired_comparison(scores_before[:, k], scores_after[:, k]) for k in range(FOOTSTEP_COUNT)
    )
    adjusted = holm([np.nan if c.p is None else c.p for c in comparisons])
    overall = paired_comparison(overall_scores(scores_before), overall_scores(scores_after))
    return EvaluationResult(
        footsteps=comparisons,
        p_holm=tuple(_finite_or_none(value) for value in adjusted),
        overall=overall,
    )
