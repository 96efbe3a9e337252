"""Agreement between two coders on one code, and the joint display: pure functions.

No Django here: the callers (``qualitative.selectors``) hand over sets of unit keys and
arrays of change scores. The definitions are those of ``examples/reference_codings.R``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Agreement:
    """The 2 x 2 table of one code for one pair of coders over the units both coded."""

    coders: tuple[str, str]
    n_units: int
    both: int
    only_first: int
    only_second: int
    neither: int
    percent_agreement: float | None
    cohens_kappa: float | None

    def as_dict(self) -> dict:
        out = asdict(self)
        out["coders"] = list(self.coders)
        return out


def cohens_kappa(both: int, only_first: int, only_second: int, neither: int) -> float | None:
    """Cohen's kappa of a 2 x 2 table (code applied or not, by each of two coders).

    Observed agreement p_o = (both + neither) / n; chance agreement from the margins
    p_e = ((both + only_first)(both + only_second) + (only_second + neither)(only_first +
    neither)) / n^2; kappa = (p_o - p_e) / (1 - p_e) (Cohen 1960). None when n = 0 or
    p_e = 1 (both coders gave every unit the same answer, so kappa is undefined), as
    ``reference_codings.R`` writes null; otherwise it equals ``psych::cohen.kappa``.
    """
    counts = (both, only_first, only_second, neither)
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    n = sum(counts)
    if n == 0:
        return None
    p_o = (both + neither) / n
    p_e = (
        (both + only_first) * (both + only_second)
        + (only_second + neither) * (only_first + neither)
    ) / n**2
    if p_e >= 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def agreement(
    coders: tuple[str, str],
    coded: tuple[Iterable[Hashable], Iterable[Hashable]],
    applied: tuple[Iterable[Hashable], Iterable[Hashable]],
) -> Agreement:
    """Agreement on one code over the units both coders coded.

    ``coded[i]``: the units coder i read (with a code, or "nothing to code");
    ``applied[i]``: the units where coder i applied the code. Units outside both coders'
    readings do not count; percent agreement is (both + neither) / n (None when n = 0).
    """
    shared = set(coded[0]) & set(coded[1])
    first = set(applied[0]) & shared
    second = set(applied[1]) & shared
    n = len(shared)
    both = len(first & second)
    only_first = len(first - second)
    only_second = len(second - first)
    neither = n - both - only_first - only_second
    return Agreement(
        coders=coders,
        n_units=n,
        both=both,
        only_first=only_first,
        only_second=only_second,
        neither=neither,
        percent_agreement=(both + neither) / n if n else None,
        cohens_kappa=cohens_kappa(both, only_first, only_second, neither),
    )


@dataclass(frozen=True)
class JointDisplay:
    """Mean change of the participants who raised a code against those who did not."""

    n_with: int
    mean_change_with: float | None
    n_without: int
    mean_change_without: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def joint_display(
    change: Mapping[Hashable, float], with_code: Iterable[Hashable], coded: Iterable[Hashable]
) -> JointDisplay:
    """Compare the change score of participants with a code against the rest of the coded.

    ``change``: each analysed participant's primary change (earliest follow-up minus
    baseline overall score; NaN entries are left out); ``with_code``: participants with a
    unit where any coder applied the code; ``coded``: participants with any coded unit.
    """
    valid = {k: float(v) for k, v in change.items() if v is not None and np.isfinite(v)}
    raised = set(with_code)
    without = set(coded) - raised
    a = [valid[k] for k in raised if k in valid]
    b = [valid[k] for k in without if k in valid]
    return JointDisplay(
        n_with=len(a),
        mean_change_with=float(np.mean(a)) if a else None,
        n_without=len(b),
        mean_change_without=float(np.mean(b)) if b else None,
    )
