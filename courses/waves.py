"""Questionnaire waves: the baseline and follow-ups N whole months after the last workshop.

A wave is a value, not a branch: ``Wave(0)`` is the baseline and ``Wave(n)`` the follow-up
n months after a run's last mandatory workshop. Its name (``baseline``, ``month_n``) is what
the database, the URLs, the import files and the exports carry; its labels are what people
read. Which waves a run asks is the run's schedule (``CourseRunPage.waves``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from django.core.exceptions import ValidationError

MONTHS_MAX = 60
DEFAULT_FOLLOW_UP_MONTHS = 3
BASELINE_NAME = "baseline"
# Older files (and the study) call the single 3-month wave "follow_up".
LEGACY_ALIASES = {"follow_up": f"month_{DEFAULT_FOLLOW_UP_MONTHS}"}
_MONTH_NAME = re.compile(r"month_([1-9][0-9]?)")


class UnknownWaveError(ValueError):
    """A wave name that is neither ``baseline`` nor ``month_N`` with N from 1 to 60."""


@total_ordering
@dataclass(frozen=True)
class Wave:
    """One questionnaire wave; ordered by time (the baseline first)."""

    months: int

    def __post_init__(self):
        if not 0 <= self.months <= MONTHS_MAX:
            raise UnknownWaveError(f"A follow-up is 1 to {MONTHS_MAX} months after the training.")

    def __lt__(self, other: Wave) -> bool:
        return self.months < other.months

    @classmethod
    def parse(cls, name: str) -> Wave:
        """The wave called ``name`` (``baseline``, ``month_N``, or the old ``follow_up``).

        Raises
        ------
        UnknownWaveError
            For anything else, with a message that says what is accepted.
        """
        name = LEGACY_ALIASES.get(name, name)
        if name == BASELINE_NAME:
            return BASELINE
        match = _MONTH_NAME.fullmatch(name)
        if match is None or int(match[1]) > MONTHS_MAX:
            raise UnknownWaveError(
                f"use {BASELINE_NAME}, month_N (N a whole number of months from 1 to "
                f"{MONTHS_MAX}) or follow_up (= month_{DEFAULT_FOLLOW_UP_MONTHS})"
            )
        return cls(int(match[1]))

    @property
    def is_baseline(self) -> bool:
        return self.months == 0

    @property
    def name(self) -> str:
        return BASELINE_NAME if self.is_baseline else f"month_{self.months}"

    @property
    def noun(self) -> str:
        """For sentences: "the {noun} questionnaire" (baseline, 6-month follow-up)."""
        return "baseline" if self.is_baseline else f"{self.months}-month follow-up"

    @property
    def title(self) -> str:
        """The questionnaire's name: "Baseline questionnaire", "6-month follow-up"."""
        return "Baseline questionnaire" if self.is_baseline else f"{self.months}-month follow-up"

    @property
    def label(self) -> str:
        """When it is answered, in words, for charts and legends: "3 months after"."""
        if self.is_baseline:
            return "Before the training"
        return f"{self.months} month{'s' if self.months > 1 else ''} after"

    def __str__(self) -> str:
        return self.name


BASELINE = Wave(0)
DEFAULT_FOLLOW_UP = Wave(DEFAULT_FOLLOW_UP_MONTHS)
ALL = (BASELINE, *(Wave(months) for months in range(1, MONTHS_MAX + 1)))
NAMES = [wave.name for wave in ALL]


def validate_name(value: str) -> None:
    """Model-field validator: ``value`` must be a canonical wave name."""
    if value not in NAMES:
        raise ValidationError(f"'{value}' is not a questionnaire wave.", code="invalid_wave")
