"""Agreement and joint display (qualitative.agreement), pinned to R.

Kappas come from psych::cohen.kappa on the two 0/1 columns of a 2 x 2 table, e.g. for
(both, only first, only second, neither) = (3, 2, 5, 20):
  a <- c(rep(1, 3 + 2), rep(0, 5 + 20)); b <- c(rep(1, 3), rep(0, 2), rep(1, 5), rep(0, 20))
  psych::cohen.kappa(cbind(a, b))$kappa
(R 4.2.2, psych 2.2.9); the edge cases follow examples/reference_codings.R (null when no
unit was coded by both or the chance agreement is 1).
"""

import math

import pytest

from qualitative.agreement import agreement, cohens_kappa, joint_display


@pytest.mark.parametrize(
    ("table", "kappa"),
    [
        ((16, 9, 10, 65), 0.5),  # cohen.kappa(...) on 16/9/10/65 -> 0.5
        ((3, 2, 5, 20), 0.32258064516129),  # -> 0.32258064516129
        ((1, 0, 0, 9), 1.0),  # -> 1
        ((0, 3, 4, 13), -0.206896551724139),  # -> -0.206896551724139
        ((20, 5, 0, 0), 0.0),  # -> 0 (the second coder always applied it)
    ],
)
def test_kappa_matches_r(table, kappa):
    assert cohens_kappa(*table) == pytest.approx(kappa, abs=1e-12)


def test_kappa_is_null_without_units_or_when_chance_agreement_is_one():
    assert cohens_kappa(0, 0, 0, 0) is None
    assert cohens_kappa(0, 0, 0, 12) is None  # nobody applied it: p_e = 1
    assert cohens_kappa(7, 0, 0, 0) is None  # both always applied it


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        cohens_kappa(1, -1, 0, 3)


def test_agreement_counts_only_units_both_coded():
    result = agreement(
        ("A", "B"),
        coded=({1, 2, 3, 4, 5}, {2, 3, 4, 5, 6}),
        applied=({1, 2, 3}, {3, 4, 6}),
    )
    # shared 2..5: A applied {2, 3}, B {3, 4}: both 3, only A 2, only B 4, neither 5
    assert (result.n_units, result.both, result.only_first, result.only_second) == (4, 1, 1, 1)
    assert result.neither == 1
    assert result.percent_agreement == 0.5
    assert result.cohens_kappa == pytest.approx(0.0)
    assert result.as_dict()["coders"] == ["A", "B"]


def test_agreement_without_shared_units_is_null():
    result = agreement(("A", "B"), coded=({1}, {2}), applied=({1}, {2}))
    assert result.n_units == 0
    assert result.percent_agreement is None and result.cohens_kappa is None


def test_joint_display_compares_with_and_without_among_the_coded():
    change = {1: 1.0, 2: 0.5, 3: math.nan, 4: -0.5, 5: 2.0}
    result = joint_display(change, with_code={1, 2, 3}, coded={1, 2, 3, 4, 6})
    assert (result.n_with, result.mean_change_with) == (2, 0.75)
    assert (result.n_without, result.mean_change_without) == (1, -0.5)  # 5 was not coded
    empty = joint_display({}, with_code={1}, coded={1})
    assert empty.n_with == 0 and empty.mean_change_with is None
