"""Reads of the qualitative strand: units, codings by coder, agreement and the joint display."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from django.db.models import QuerySet

from analytics.selectors import CourseRunRef, evaluation_data
from courses.waves import BASELINE, Wave
from qualitative import agreement
from qualitative.models import Code, Coder, Coding, Reading, Unit

# Experience groups as the study used them (years of experience at baseline).
EXPERIENCE_GROUPS = ("under 6 months", "6 months to 5 years", "over 5 years")


def experience_group(years: float | None) -> str | None:
    """The study's group of a number of years of experience (None when not stated)."""
    if years is None or not np.isfinite(years):
        return None
    if years < 0.5:
        return EXPERIENCE_GROUPS[0]
    if years <= 5:
        return EXPERIENCE_GROUPS[1]
    return EXPERIENCE_GROUPS[2]


def units_of(course_runs: Sequence[CourseRunRef] | None = None) -> QuerySet[Unit]:
    """The units of some course runs (None: every run), consenting participants only."""
    units = Unit.objects.filter(participant__consented_at__isnull=False)
    if course_runs is not None:
        units = units.filter(participant__course_run_id__in=[run.id for run in course_runs])
    return units


def primary_change(course_runs: Sequence[CourseRunRef] | None = None) -> dict[int, float]:
    """Each analysed participant's primary change in overall score, by participant id.

    The earliest follow-up minus the baseline, for participants who completed the mandatory
    part and answered both: the analytics pipeline's own selection and scores.
    """
    data = evaluation_data(course_runs=course_runs)
    wave = data.primary_wave
    if wave is None:
        return {}
    compared = data.compared(wave)
    overall = data.overall_scores
    change = overall[data.row_of(wave)[compared]] - overall[data.row_of(BASELINE)[compared]]
    ids = data.participant_ids[compared]
    return {int(i): float(c) for i, c in zip(ids, change, strict=True) if np.isfinite(c)}


@dataclass
class CodingTable:
    """Who read which unit and applied which code, as sets of unit ids."""

    coders: list[str] = field(default_factory=list)
    unit_participant: dict[int, int] = field(default_factory=dict)
    read: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    applied: dict[tuple[str, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    codes: list[Code] = field(default_factory=list)


def coding_table(units: QuerySet[Unit]) -> CodingTable:
    """Three queries: the readings, the codings and the codes used."""
    table = CodingTable()
    readings = Reading.objects.filter(unit__in=units).values_list(
        "unit_id", "unit__participant_id", "coder__label"
    )
    for unit_id, participant_id, coder in readings:
        table.read[coder].add(unit_id)
        table.unit_participant[unit_id] = participant_id
    table.coders = sorted(table.read)
    codings = Coding.objects.filter(reading__unit__in=units).values_list(
        "reading__unit_id", "reading__coder__label", "code_id"
    )
    code_ids = set()
    for unit_id, coder, code_id in codings:
        table.applied[(coder, code_id)].add(unit_id)
        code_ids.add(code_id)
    codes = Code.objects.filter(pk__in=code_ids).select_related("theme")
    table.codes = sorted(codes, key=lambda c: c.label)
    return table


def qualitative_summary(course_runs: Sequence[CourseRunRef] | None = None) -> dict:
    """The ``export_qualitative --format json`` document (see ``reference_codings.R``)."""
    table = coding_table(units_of(course_runs))
    change = primary_change(course_runs)
    coded_people = set(table.unit_participant.values())
    pairs = list(combinations(table.coders, 2))
    codes = []
    for code in table.codes:
        units = set().union(*(table.applied[(c, code.pk)] for c in table.coders))
        people = {table.unit_participant[u] for u in units}
        codes.append(
            {
                "code": code.label,
                "theme": code.theme.name,
                "units": len(units),
                "participants": len(people),
                "agreement": [
                    agreement.agreement(
                        (a, b),
                        (table.read[a], table.read[b]),
                        (table.applied[(a, code.pk)], table.applied[(b, code.pk)]),
                    ).as_dict()
                    for a, b in pairs
                ],
                "joint": agreement.joint_display(change, people, coded_people).as_dict(),
            }
        )
    return {"coders": table.coders, "units": len(table.unit_participant), "codes": codes}


def coder_of(user) -> Coder | None:
    return Coder.objects.filter(user=user).first()


def wave_label(name: str) -> str:
    return Wave.parse(name).title
