"""Results as APA-style sentences (APA Publication Manual, 7th ed., 6.40-6.46), ready to copy.

Every function takes a row of the report dict (``analytics.reports``) and returns an
:class:`ApaText`: the same sentence as plain text and as HTML. Plain text cannot italicise,
so it writes the symbols as they are typed (``t``, ``p``, ``d_z``, ``SE``) and an ASCII
hyphen for a minus; the HTML italicises the Latin symbols (``<i>t</i>``,
``<i>d</i><sub>z</sub>``; Greek ones, χ² and α, stay upright as APA asks) and writes a real
minus sign (U+2212). Statistics have two decimals; degrees of freedom are
whole numbers unless they are not (Welch); p has three decimals below .10 and two from .10,
``p < .001`` below .001 and ``p > .99`` above .99; statistics that cannot exceed 1 (p,
Kendall's W, Cronbach's alpha) have no leading zero. A row whose statistics were not
computed gives a sentence saying so, from its ``reason``.

Pure functions: no database, no settings; the dashboard and the report document both use them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MINUS = "\u2212"
NOT_COMPUTED = "Not computed"


@dataclass(frozen=True)
class ApaText:
    """One sentence twice: ``plain`` (for the clipboard, CSV, plain documents) and ``html``
    (safe markup: every value in it is escaped)."""

    plain: str
    html: SafeString

    def __str__(self) -> str:
        return self.plain


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def number(
    value: float, decimals: int = 2, *, leading_zero: bool = True, html: bool = False
) -> str:
    """``value`` to ``decimals`` places; "-0.00" is written "0.00"; a minus sign in HTML.

    >>> number(-0.1049), number(-0.1049, html=True), number(0.37, leading_zero=False)
    ('-0.10', '−0.10', '.37')
    """
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    negative = text.startswith("-")
    digits = text.lstrip("-")
    if not leading_zero and digits.startswith("0."):
        digits = digits[1:]
    return (MINUS if html else "-") + digits if negative else digits


def degrees_of_freedom(df: float) -> str:
    """Whole degrees of freedom as an integer ("20"), others to one decimal ("46.5")."""
    if float(df).is_integer():
        return str(int(df))
    return number(df, 1)


def p_value(p: float, *, html: bool = False) -> str:
    """``p = .034``, ``p = .64``, ``p < .001`` or ``p > .99`` (``<i>p</i>`` in HTML)."""
    symbol = "<i>p</i>" if html else "p"
    if p < 0.001:
        return f"{symbol} {'&lt;' if html else '<'} .001"
    decimals = 3 if round(p, 3) < 0.1 else 2
    if round(p, decimals) >= 1:
        return f"{symbol} {'&gt;' if html else '>'} .99"
    return f"{symbol} = {number(p, decimals, leading_zero=False)}"


def _interval(ci: Any, *, leading_zero: bool = True, html: bool = False) -> str | None:
    """``95% CI [0.55, 1.62]``, or None when either end is missing."""
    if not ci or len(ci) != 2 or not all(_finite(end) for end in ci):
        return None
    low, high = (number(end, leading_zero=leading_zero, html=html) for end in ci)
    return f"95% CI [{low}, {high}]"


def _not_computed(reason: str | None) -> ApaText:
    plain = f"{NOT_COMPUTED}: {reason}." if reason else f"{NOT_COMPUTED}."
    return ApaText(plain, mark_safe(escape(plain)))  # noqa: S308 (escaped)


def _join(plain_parts: list[str], html_parts: list[str]) -> ApaText:
    return ApaText(", ".join(plain_parts), mark_safe(", ".join(html_parts)))  # noqa: S308


def _t_test(t: float, df: float, p: float, html: bool) -> str:
    symbol = "<i>t</i>" if html else "t"
    return f"{symbol}({degrees_of_freedom(df)}) = {number(t, html=html)}, {p_value(p, html=html)}"


def comparison_sentence(row: dict[str, Any]) -> ApaText:
    """A paired comparison (a footstep or the overall row of ``report["comparisons"]``).

    ``t(20) = 5.01, p < .001, d_z = 1.09, 95% CI [0.55, 1.62]``: Student's paired t, its
    two-sided p and Cohen's d_z with its exact 95% CI (the CI is left out when it was not
    computable). Without t, df or p: "Not computed: <reason>."
    """
    t, df, p, dz = row.get("t"), row.get("df"), row.get("p"), row.get("cohens_dz")
    if not (_finite(t) and _finite(df) and _finite(p)):
        return _not_computed(row.get("reason"))
    plain, html = [_t_test(t, df, p, False)], [_t_test(t, df, p, True)]
    if _finite(dz):
        plain.append(f"d_z = {number(dz)}")
        html.append(f"<i>d</i><sub>z</sub> = {number(dz, html=True)}")
        ci = row.get("cohens_dz_ci")
        if (text := _interval(ci)) is not None:
            plain.append(text)
            html.append(_interval(ci, html=True))
    return _join(plain, html)


def mixed_model_sentence(effect: dict[str, Any], reason: str | None = None) -> ApaText:
    """One wave's fixed effect of the mixed model (``mixed_model["effects"][k]``).

    ``b = 0.70, SE = 0.06, t(175) = 12.72, p < .001, 95% CI [0.59, 0.81]``: the change from
    the baseline, its SE, nlme's t test and the 95% CI. ``reason``: the model's, said when
    the effect was not estimated.
    """
    b, se, df, t, p = (effect.get(key) for key in ("estimate", "se", "df", "t", "p"))
    if not all(_finite(value) for value in (b, se, df, t, p)):
        return _not_computed(reason or effect.get("reason"))
    plain = [f"b = {number(b)}", f"SE = {number(se)}", _t_test(t, df, p, False)]
    html = [
        f"<i>b</i> = {number(b, html=True)}",
        f"<i>SE</i> = {number(se, html=True)}",
        _t_test(t, df, p, True),
    ]
    ci = effect.get("ci")
    if (text := _interval(ci)) is not None:
        plain.append(text)
        html.append(_interval(ci, html=True))
    return _join(plain, html)


def friedman_sentence(friedman: dict[str, Any]) -> ApaText:
    """Friedman's test (``longitudinal[...]["friedman"]``): ``χ²(3) = 9.93, p = .019,
    W = .37`` (Kendall's W cannot exceed 1: no leading zero)."""
    statistic, df, p, w = (friedman.get(key) for key in ("statistic", "df", "p", "kendall_w"))
    if not all(_finite(value) for value in (statistic, df, p)):
        return _not_computed(friedman.get("reason"))
    dof = degrees_of_freedom(df)
    plain = [f"χ²({dof}) = {number(statistic)}", p_value(p)]
    html = [f"χ<sup>2</sup>({dof}) = {number(statistic, html=True)}", p_value(p, html=True)]
    if _finite(w):
        plain.append(f"W = {number(w, leading_zero=False)}")
        html.append(f"<i>W</i> = {number(w, leading_zero=False, html=True)}")
    return _join(plain, html)


def attrition_sentence(row: dict[str, Any]) -> ApaText:
    """Welch's t test of one follow-up's attrition row (``report["attrition"][k]``):
    ``t(46.5) = −0.47, p = .64, d = −0.10`` (Cohen's d with the pooled SD)."""
    t, df, p, d = (row.get(key) for key in ("t", "df", "p", "cohens_d"))
    if not (_finite(t) and _finite(df) and _finite(p)):
        return _not_computed(row.get("reason"))
    plain, html = [_t_test(t, df, p, False)], [_t_test(t, df, p, True)]
    if _finite(d):
        plain.append(f"d = {number(d)}")
        html.append(f"<i>d</i> = {number(d, html=True)}")
    return _join(plain, html)


def alpha_sentence(row: dict[str, Any]) -> ApaText:
    """Cronbach's alpha of one wave (``report["reliability"][k]``): ``α = .91, 95% CI
    [.88, .94]``."""
    alpha = row.get("cronbach_alpha")
    if not _finite(alpha):
        return _not_computed(row.get("reason"))
    plain = [f"α = {number(alpha, leading_zero=False)}"]
    html = [f"α = {number(alpha, leading_zero=False, html=True)}"]
    ci = row.get("alpha_ci")
    if (text := _interval(ci, leading_zero=False)) is not None:
        plain.append(text)
        html.append(_interval(ci, leading_zero=False, html=True))
    return _join(plain, html)


def report_sentences(report: dict[str, Any]) -> dict[str, Any]:
    """Every sentence of a report, keyed for lookup by wave and footstep.

    ``{"comparisons": {wave: {footstep number or "overall": ApaText}},
    "longitudinal": {footstep number or "overall": {"friedman": ApaText,
    "effects": {wave: ApaText}}} (empty before two follow-ups),
    "attrition": {wave: ApaText}, "reliability": {wave: ApaText}}``.
    """

    def scores(block: dict[str, Any]) -> list[tuple[int | str, dict[str, Any]]]:
        return [
            *((row["footstep"], row) for row in block["footsteps"]),
            ("overall", block["overall"]),
        ]

    longitudinal = {}
    if report.get("longitudinal"):
        for key, score in scores(report["longitudinal"]):
            model = score["mixed_model"]
            longitudinal[key] = {
                "friedman": friedman_sentence(score["friedman"]),
                "effects": {
                    effect["wave"]: mixed_model_sentence(effect, model["reason"])
                    for effect in model["effects"]
                },
            }
    return {
        "comparisons": {
            comparison["wave"]: {key: comparison_sentence(row) for key, row in scores(comparison)}
            for comparison in report["comparisons"]
        },
        "longitudinal": longitudinal,
        "attrition": {row["wave"]: attrition_sentence(row) for row in report["attrition"]},
        "reliability": {row["wave"]: alpha_sentence(row) for row in report["reliability"]},
    }
