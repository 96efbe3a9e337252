"""Passages of a unit's text: sentence ranges (the no-script way to choose one) and marks.

Pure functions over strings and character offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A sentence or clause ends at . ! ? or ; followed by space, or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+|\n\s*")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or clause of ``text``, without surrounding spaces."""
    out, start = [], 0
    for match in _BOUNDARY.finditer(text):
        out.append((start, match.start()))
        start = match.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


@dataclass(frozen=True)
class Segment:
    text: str
    labels: tuple[str, ...]  # the codes marking this stretch (empty: unmarked)


def segments(text: str, marks: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """``text`` cut where marks (start, end, label) begin or end, each piece with its labels."""
    marks = [(max(0, s), min(len(text), e), label) for s, e, label in marks if s < e]
    cuts = sorted({0, len(text), *(s for s, _, _ in marks), *(e for _, e, _ in marks)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        labels = tuple(sorted({label for s, e, label in marks if s <= a and b <= e}))
        out.append(Segment(text[a:b], labels))
    return out


def passage_in(text: str, coding) -> tuple[int, int]:
    """Where a coding's passage (``start``, ``end``, ``quote``) is in the unit's current text
    (the whole text if it cannot be found).

    The offsets hold while the text is as when the coding was made; after a later redaction
    the passage is found again by its quote.
    """
    if coding.start is None:
        return 0, len(text)
    if text[coding.start : coding.end] == coding.quote:
        return coding.start, coding.end
    found = text.find(coding.quote) if coding.quote else -1
    if found >= 0:
        return found, found + len(coding.quote)
    return 0, len(text)
