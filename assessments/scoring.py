"""Footstep and overall scores of questionnaire responses: the one definition of the rule.

As the analysis defines them (DESIGN.md, "The analysis"): the *footstep score* of a
response is the mean of that footstep's statements and exists only when every statement
of the footstep was answered; the *overall score* is the mean of the 10 footstep scores and
exists only when all 10 exist. A trainee's own chart (``assessments.charts``) and the
evaluation (``analytics.stats``) both score with these functions.

Pure numpy, no Django, so ``analytics.stats`` stays free of Django too.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

FOOTSTEP_COUNT = 10
"""Number of footsteps (columns of :func:`footstep_scores`)."""


# What each shape is called in messages: a vector of values, a matrix of rows x items.
_SHAPES = {
    1: ("a sequence of numbers (NaN or None = missing)", "one-dimensional", "missing values"),
    2: (
        "a 2-D array of numbers (NaN = unanswered)",
        "a 2-D array (rows x items)",
        "unanswered items",
    ),
}


def as_array(values: Any, name: str, ndim: int) -> np.ndarray:
    """``values`` as an ``ndim``-dimensional float array (``None`` becomes NaN, = missing).

    Raises
    ------
    ValueError
        If ``values`` is not an array of numbers of that shape or contains infinities.
    """
    numbers_text, shape_text, missing_text = _SHAPES[ndim]
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be {numbers_text}") from exc
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {shape_text}, got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values; use NaN for {missing_text}")
    return array


def as_matrix(values: Any, name: str) -> np.ndarray:
    """``values`` as a 2-D float array; see :func:`as_array`."""
    return as_array(values, name, 2)


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


def footstep_scores(ratings: Any, item_footsteps: Sequence[int]) -> np.ndarray:
    """Score each response on each footstep.

    Parameters
    ----------
    ratings : array_like of float, shape (n, n_items)
        One row per response, one column per statement; NaN or ``None`` = unanswered.
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

    Examples
    --------
    >>> footsteps = [1, 2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10]
    >>> scores = footstep_scores([[3, 4, 2, 5, 3, 3, 2, 3, 5, 4, 4, None, 3, 2]], footsteps)
    >>> [round(float(score), 6) for score in scores[0, [2, 5, 7]]]  # food: s12 blank
    [3.5, 3.333333, nan]
    """
    matrix = as_matrix(ratings, "ratings")
    footsteps = _check_item_footsteps(item_footsteps, matrix.shape[1])
    scores = np.empty((matrix.shape[0], FOOTSTEP_COUNT))
    for number in range(1, FOOTSTEP_COUNT + 1):
        # the mean of a row with any NaN is NaN: exactly "every statement answered"
        scores[:, number - 1] = matrix[:, footsteps == number].mean(axis=1)
    return scores


def overall_scores(footstep_scores: Any) -> np.ndarray:
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

    Examples
    --------
    >>> overall_scores([[1, 2, 3, 4, 5, 5, 4, 3, 2, 1], [1, 2, 3, 4, 5, 5, 4, 3, 2, np.nan]])
    array([ 3., nan])
    """
    matrix = as_matrix(footstep_scores, "footstep_scores")
    if matrix.shape[1] != FOOTSTEP_COUNT:
        raise ValueError(
            f"footstep_scores must have {FOOTSTEP_COUNT} columns, got {matrix.shape[1]}"
        )
    return matrix.mean(axis=1)
