"""Number formats of the evaluation tables: APA-style p values, fixed decimals, "—" for none."""

from django import template

register = template.Library()

MISSING = "—"


@register.filter
def stat(value, decimals: int = 2) -> str:
    """A statistic to ``decimals`` places; suppressed counts ("<5") pass through."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    return f"{value:.{int(decimals)}f}".replace("-", "−")


@register.filter
def count(value) -> str:
    """A count: suppressed ones ("<5") pass through; one withheld so that a suppressed count
    cannot be worked out (``None``) reads "withheld"."""
    return "withheld" if value is None else str(value)


@register.filter
def pvalue(value) -> str:
    """p to three decimals, or "< .001"."""
    if value is None:
        return MISSING
    if value < 0.001:
        return "< .001"
    return f"{value:.3f}".removeprefix("0")


@register.filter
def interval(pair, decimals: int = 2) -> str:
    """A confidence interval as "[low, high]"."""
    low, high = pair
    if low is None or high is None:
        return MISSING
    return f"[{stat(low, decimals)}, {stat(high, decimals)}]"


@register.filter
def percent(share) -> str:
    if share is None:
        return MISSING
    return f"{100 * share:.1f}%"


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template (wave labels by wave name)."""
    return mapping.get(key, key)
