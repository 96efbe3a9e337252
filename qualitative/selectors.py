"""Reads of the qualitative strand: units, codings by coder, agreement and the joint display."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from django.db.models import Q, QuerySet

from analytics.selectors import CourseRunRef, evaluation_data
from assessments.selectors import research_participants
from courses.waves import BASELINE, Wave
from qualitative import agreement
from qualitative.models import Assignment, Code, Coder, Coding, Reading, Unit

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


def units_of(
    course_runs: Sequence[CourseRunRef] | None = None, *, blind_for: Coder | None = None
) -> QuerySet[Unit]:
    """The units of some course runs (None: every run), consenting participants only.

    ``blind_for``: leave out the units given to that coder for double coding that they have
    not finished, so no figure, quote or list shows them anyone else's codes.
    """
    units = Unit.objects.filter(participant__in=research_participants())
    if course_runs is not None:
        units = units.filter(participant__course_run_id__in=[run.id for run in course_runs])
    if blind_for is not None:
        finished = Reading.objects.filter(coder=blind_for, finished_at__isnull=False)
        units = units.exclude(
            pk__in=Assignment.objects.filter(coder=blind_for)
            .exclude(unit__in=finished.values("unit_id"))
            .values("unit_id")
        )
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
    """Three queries: the finished readings, their codings and the codes used.

    A reading still in progress does not count yet (imported ones are finished), so the
    figures never move while a coder works on a unit.
    """
    table = CodingTable()
    finished = Reading.objects.filter(unit__in=units, finished_at__isnull=False)
    readings = finished.values_list("unit_id", "unit__participant_id", "coder__label")
    for unit_id, participant_id, coder in readings:
        table.read[coder].add(unit_id)
        table.unit_participant[unit_id] = participant_id
    table.coders = sorted(table.read)
    codings = Coding.objects.filter(reading__in=finished).values_list(
        "reading__unit_id", "reading__coder__label", "code_id"
    )
    code_ids = set()
    for unit_id, coder, code_id in codings:
        table.applied[(coder, code_id)].add(unit_id)
        code_ids.add(code_id)
    codes = Code.objects.filter(pk__in=code_ids).select_related("theme")
    table.codes = sorted(codes, key=lambda c: c.label)
    return table


def qualitative_summary(
    course_runs: Sequence[CourseRunRef] | None = None, *, blind_for: Coder | None = None
) -> dict:
    """The ``export_qualitative --format json`` document (see ``reference_codings.R``)."""
    table = coding_table(units_of(course_runs, blind_for=blind_for))
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


def disagreements(
    course_runs: Sequence[CourseRunRef] | None = None, *, blind_for: Coder | None = None
) -> list[dict]:
    """Units two coders both finished with different codes, side by side.

    Only finished readings count, so no coder sees another's codes while still coding.
    """
    readings = (
        Reading.objects.filter(
            unit__in=units_of(course_runs, blind_for=blind_for), finished_at__isnull=False
        )
        .select_related("coder", "unit__participant")
        .prefetch_related("codings__code__theme")
    )
    from qualitative.redaction import platform_redactor

    redactor = platform_redactor()
    by_unit: dict[int, list[Reading]] = defaultdict(list)
    for reading in readings:
        by_unit[reading.unit_id].append(reading)
    out = []
    for group in by_unit.values():
        group.sort(key=lambda r: r.coder.label)
        for a, b in combinations(group, 2):
            codes_a = {c.code.label for c in a.codings.all()}
            codes_b = {c.code.label for c in b.codings.all()}
            if codes_a != codes_b:
                out.append(
                    {
                        "unit": a.unit,
                        "coders": (a.coder.label, b.coder.label),
                        "only_first": _quoted(a, codes_a - codes_b, redactor),
                        "only_second": _quoted(b, codes_b - codes_a, redactor),
                        "both": sorted(codes_a & codes_b),
                    }
                )
    out.sort(key=lambda d: (d["unit"].participant.code, d["unit"].wave, d["unit"].field))
    return out


def _quoted(reading: Reading, labels: set[str], redactor) -> list[tuple[str, list[str]]]:
    """Each code of ``labels`` with the passages (redacted again) this reading applied it to."""
    quotes: dict[str, list[str]] = {label: [] for label in sorted(labels)}
    for coding in reading.codings.all():
        if coding.code.label in quotes:
            quotes[coding.code.label].append(redactor(coding.quote))
    return list(quotes.items())


def _masked(count: int, threshold: int) -> int | str:
    return f"<{threshold}" if count < threshold else count


def theme_overview(
    course_runs: Sequence[CourseRunRef] | None = None, *, blind_for: Coder | None = None
) -> dict:
    """The dashboard's qualitative figures: the theme table by wave and experience group,
    the quote bank and the joint display, with the dashboard's small-number rule."""
    from django.conf import settings

    from assessments.models import Response
    from qualitative.redaction import platform_redactor

    threshold = settings.ANALYTICS_SMALL_NUMBER_THRESHOLD
    units = units_of(course_runs, blind_for=blind_for)
    summary = qualitative_summary(course_runs, blind_for=blind_for)
    years = dict(
        Response.objects.filter(
            wave="baseline", participant__in=units.values("participant_id")
        ).values_list("participant_id", "years_experience")
    )
    group_of = {
        pid: experience_group(float(y) if y is not None else None) for pid, y in years.items()
    }
    codings = (
        Coding.objects.filter(reading__unit__in=units, reading__finished_at__isnull=False)
        .select_related("code__theme", "reading__unit__participant")
        .order_by("reading__unit__participant__code", "pk")
    )
    by_code: dict[str, dict] = {}
    wave_names = sorted({u.wave for u in units.only("wave")}, key=lambda w: Wave.parse(w))
    redactor = platform_redactor()
    for coding in codings:
        unit = coding.reading.unit
        entry = by_code.setdefault(
            coding.code.label,
            {"waves": defaultdict(set), "groups": defaultdict(set), "quotes": {}},
        )
        pid = unit.participant_id
        entry["waves"][unit.wave].add(pid)
        entry["groups"][group_of.get(pid) or "not stated"].add(pid)
        key = (unit.pk, coding.start, coding.end)
        entry["quotes"].setdefault(
            key,
            {
                "text": redactor(coding.quote),
                "participant": unit.participant.code,
                "wave": Wave.parse(unit.wave).title,
                "group": group_of.get(pid) or "not stated",
            },
        )
    groups = [*EXPERIENCE_GROUPS, "not stated"]
    rows = []
    for code in summary["codes"]:
        entry = by_code.get(code["code"], {"waves": {}, "groups": {}, "quotes": {}})
        joint = dict(code["joint"])
        for side in ("with", "without"):
            if joint[f"n_{side}"] < threshold:
                joint[f"mean_change_{side}"] = None
            joint[f"n_{side}"] = _masked(joint[f"n_{side}"], threshold)
        rows.append(
            {
                "code": code["code"],
                "theme": code["theme"],
                "name": code["code"].split("/", 1)[1],
                "units": _masked(code["units"], threshold),
                "participants": _masked(code["participants"], threshold),
                "waves": [_masked(len(entry["waves"].get(w, ())), threshold) for w in wave_names],
                "groups": [_masked(len(entry["groups"].get(g, ())), threshold) for g in groups],
                "joint": joint,
                # Quotes of a code raised by fewer people than the threshold stay hidden.
                "quotes": list(entry["quotes"].values())
                if code["participants"] >= threshold
                else [],
                "quotes_withheld": code["participants"] < threshold,
            }
        )
    return {
        "rows": rows,
        "waves": [Wave.parse(w).title for w in wave_names],
        "groups": groups,
        "units": summary["units"],
        "coders": summary["coders"],
        "threshold": threshold,
        "map": thematic_map(rows),
    }


def thematic_map(rows: list[dict]) -> dict:
    """Themes and their codes laid out for the SVG diagram (columns of boxes)."""
    themes: dict[str, list[str]] = {}
    for row in rows:
        themes.setdefault(row["theme"], []).append(row["name"])
    width, box_h, gap, indent = 220, 34, 12, 24
    columns = []
    for i, (theme, codes) in enumerate(themes.items()):
        x = 10 + i * (width + 20)
        tops = [110 + j * (box_h + gap) for j in range(len(codes))]
        columns.append(
            {
                "theme": theme,
                "x": x,
                "cx": x + width / 2,
                # A spine down the left of the column, a branch to each code's box.
                "spine_x": x + indent / 2,
                "spine_end": (tops[-1] + box_h / 2) if tops else 70,
                "codes": [
                    {
                        "name": name,
                        "y": y,
                        "mid": y + box_h / 2,
                        "text_y": y + 22,
                        "x": x + indent,
                        "cx": x + indent + (width - indent) / 2,
                    }
                    for name, y in zip(codes, tops, strict=True)
                ],
            }
        )
    tallest = max((len(c) for c in themes.values()), default=0)
    return {
        "columns": columns,
        "width": max(10 + len(themes) * (width + 20), 240),
        "height": 120 + tallest * (box_h + gap),
        "box_width": width,
        "code_width": width - indent,
        "box_height": box_h,
    }


def dashboard_section(course_runs: Sequence[CourseRunRef] | None) -> dict:
    """The evaluation dashboard's qualitative section: two counting queries and links."""
    from django.db.models import Count

    units = units_of(course_runs)
    counts = units.aggregate(
        units=Count("id"), coded=Count("id", filter=Q(readings__isnull=False), distinct=True)
    )
    codes = Coding.objects.filter(reading__unit__in=units).values("code_id").distinct().count()
    return {
        "template": "qualitative/dashboard_section.html",
        "units": counts["units"],
        "coded": counts["coded"],
        "codes": codes,
        "query": f"?course_run={course_runs[0].slug}"
        if course_runs and len(course_runs) == 1
        else "",
    }
