"""The analysis bundle: a zip with which anyone can recompute the evaluation report in R.

It holds the pseudonymised responses (``exports.responses_csv``, long layout), a codebook,
the report of the same loaded data as ``statistics.json`` (the statistics download's JSON),
that report flattened into ``figures.csv`` and ``reproduce.R``, which recomputes every
figure from the responses and compares it with ``figures.csv`` (R has no JSON reader
without extra packages). The report is built with the small-number rule off: the row-level
file beside it holds every row anyway, and masked counts could not be checked.

The zip is deterministic: the same data give the same bytes (fixed order, dates and modes).
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from pathlib import Path
from string import Template
from typing import Any

from analytics import exports
from analytics.reports import build_report
from analytics.selectors import RESOURCE_USES, EvaluationData
from assessments.models import Response

TEMPLATES = Path(__file__).with_name("bundle")
# Sections of the report that describe the selection and the instrument; every other section
# holds figures, which reproduce.R must recompute (a new one it does not know fails there).
DESCRIPTIVE_SECTIONS = frozenset(
    {
        "course_runs",
        "all_course_runs",
        "waves",
        "wave_labels",
        "primary_wave",
        "statements",
        "effect_size_variants",
        "small_number_threshold",
        "small_number_note",
    }
)
# A list of records is keyed by the first of these it has: comparisons[wave=month_3].
RECORD_KEYS = ("wave", "item", "footstep", "label")
# Entries that describe a record rather than measure anything (text, or a statement's footstep).
DESCRIPTIVE_KEYS = frozenset({"reason", "title", "text", "footstep", "footstep_title"})
# Zip entries get this date (the earliest a zip can hold) and mode, so builds are identical.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o100644 << 16

# Codebook lines for sections that not every report has.
SECTION_NOTES = {
    "reliable_change_se": "- `reliable_change_se`: the same threshold once, from the analysed "
    "participants with a baseline overall score (`n`), with `critical_difference` = 1.959964 "
    "times the SE of the difference.",
    "item_distributions": "- `item_distributions`, per wave: how the analysed participants who "
    "answered it rated each statement, `counts` and `shares` (of `n`) of 1 to 5 and blank.",
}
COLUMN_VALUES = {
    "participant_code": "text (a random code, never a name or contact detail)",
    "course_run": "text (the course run's slug)",
    "wave": "`baseline` or `month_N`",
    "source": "`platform` or `import`",
    "mandatory_completed": "1 = yes, 0 = no (the same on every row of a participant)",
    "profession": "one of the labels below, empty = not stated (baseline only)",
    "years_experience": "number (baseline only)",
    "uses_resources": "1 = yes, 0 = no, empty = not answered (baseline only)",
    "resource_use": "one of the values below, empty = not answered (follow-ups only)",
    "optional_sessions": "whole number, empty = unknown (the same on every row)",
}


def figures(report: dict[str, Any]) -> list[tuple[str, int | float | None]]:
    """Every figure of ``report`` as (key path, value): numbers and nulls, no text.

    Keys read like ``comparisons[wave=month_3].footsteps[footstep=4].cohens_dz_ci[0]``:
    ``.name`` for an entry, ``[key=value]`` for a record of a list (by its wave, footstep,
    statement or label), ``[i]`` (from 0) for a plain list such as an interval.
    """
    rows: list[tuple[str, int | float | None]] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in DESCRIPTIVE_KEYS:
                    walk(f"{path}.{key}", item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                by = isinstance(item, dict) and next((k for k in RECORD_KEYS if k in item), None)
                if by:
                    rest = {k: v for k, v in item.items() if k != by}
                    walk(f"{path}[{by}={item[by]}]", rest)
                else:
                    walk(f"{path}[{i}]", item)
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            rows.append((path, value))

    for section, value in report.items():
        if section not in DESCRIPTIVE_SECTIONS:
            walk(section, value)
    return rows


def figures_csv(report: dict[str, Any]) -> bytes:
    """``key,value`` per figure; floats as Python's shortest exact form, null as empty."""
    rows = [[key, "" if value is None else repr(value)] for key, value in figures(report)]
    return exports._csv_bytes(["key", "value"], rows)


def statements_csv(data: EvaluationData) -> bytes:
    """The statements and their footsteps, for ``reproduce.R``."""
    rows = [
        [item.code, item.footstep, data.footstep_titles[item.footstep - 1], item.text]
        for item in data.items
    ]
    return exports._csv_bytes(["item", "footstep", "footstep_title", "statement"], rows)


def _markdown_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _selection(report: dict[str, Any]) -> str:
    if report["all_course_runs"]:
        runs = ", ".join(report["course_runs"]) or "none yet"
        return f"all course runs pooled ({runs})"
    return "course run(s) " + ", ".join(report["course_runs"])


def codebook(data: EvaluationData, report: dict[str, Any]) -> str:
    """The codebook in Markdown: columns, waves, scale, statements, inclusion rules."""
    meta, _ = exports.response_table(data)
    footstep_of = {item.code: item.footstep for item in data.items}
    columns = []
    for name, label in meta:
        if name in footstep_of:
            values = f"1-5 (footstep {footstep_of[name]}), empty = unanswered"
        elif name.startswith("footstep_") or name == "overall":
            values = "1-5, a mean; empty unless it exists (see Scores)"
        else:
            values = COLUMN_VALUES.get(name, "free text, empty = not answered")
        columns.append([f"`{name}`", label, values])
    waves = [[f"`{name}`", label] for name, label in report["wave_labels"].items()]
    statements = [
        [f"`{item.code}`", item.footstep, data.footstep_titles[item.footstep - 1], item.text]
        for item in data.items
    ]
    template = Template((TEMPLATES / "codebook.md").read_text(encoding="utf-8"))
    return template.substitute(
        selection=_selection(report),
        columns=_table(["column", "description", "values"], columns),
        waves=_table(["wave", "label"], waves),
        scale=_table(
            ["rating", "label"], [[value, label] for value, label in exports.LIKERT_LABELS.items()]
        ),
        statements=_table(["item", "footstep", "footstep title", "statement"], statements),
        professions=", ".join(f"`{label}`" for label in Response.Profession.labels),
        more_statistics="".join(
            "\n" + textwrap.fill(note, 92, subsequent_indent="  ")
            for section, note in SECTION_NOTES.items()
            if section in report
        ),
        resource_uses=", ".join(
            f"`{value}` ({label})"
            for value, label in zip(RESOURCE_USES, Response.ResourceUse.labels, strict=True)
        ),
    )


def readme(report: dict[str, Any]) -> str:
    template = Template((TEMPLATES / "README.txt").read_text(encoding="utf-8"))
    return template.substitute(
        selection=_selection(report), waves=", ".join(report["waves"]) or "none"
    )


def analysis_bundle(data: EvaluationData) -> bytes:
    """The zip of one selection, from row-level data (``evaluation_data(row_level=True)``)."""
    if data.participant_codes is None:
        raise ValueError("The analysis bundle needs row-level data (participant codes).")
    report = build_report(data, small_number_threshold=0)
    files = [
        ("README.txt", readme(report).encode("utf-8")),
        ("codebook.md", codebook(data, report).encode("utf-8")),
        ("statements.csv", statements_csv(data)),
        ("responses.csv", exports.responses_csv(data)),
        ("statistics.json", exports.statistics_json(report)),
        ("figures.csv", figures_csv(report)),
        ("reproduce.R", (TEMPLATES / "reproduce.R").read_bytes()),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = ZIP_MODE
            entry.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(entry, content, compresslevel=9)
    return buffer.getvalue()
