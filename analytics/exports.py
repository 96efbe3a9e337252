"""File writers for the evaluation: the statistics report and the pseudonymised responses.

Aggregate files (statistics) come from ``analytics.reports.export_statistics``; row-level
files hold one row per participant code and wave and never a name, email or user id.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from analytics.selectors import RESOURCE_USES, EvaluationData
from assessments.models import Response

# Spreadsheets run a text cell starting with one of these as a formula (OWASP CSV injection),
# including the full-width and small forms that some spreadsheets fold into = + - @.
FORMULA_TRIGGERS = (
    *("=", "+", "-", "@", "\t", "\r"),
    *("\uff1d", "\ufe66", "\uff0b", "\ufe62", "\uff0d", "\ufe63", "\uff20", "\ufe6b"),
)
LIKERT_LABELS = {1: "least confident", 2: "2", 3: "3", 4: "4", 5: "most confident"}

STATISTICS_COLUMNS = [
    ("scope", "Scope"),
    ("footstep", "Footstep"),
    ("title", "Title"),
    ("n_pairs", "n pairs"),
    ("baseline_mean", "Baseline mean"),
    ("baseline_sd", "Baseline SD"),
    ("follow_up_mean", "Follow-up mean"),
    ("follow_up_sd", "Follow-up SD"),
    ("mean_difference", "Mean difference (follow-up - baseline)"),
    ("mean_difference_ci_low", "Mean difference 95% CI low"),
    ("mean_difference_ci_high", "Mean difference 95% CI high"),
    ("t", "t"),
    ("df", "df"),
    ("p", "p (paired t, two-sided)"),
    ("p_holm", "p Holm-adjusted"),
    ("cohens_dz", "Cohen's d_z"),
    ("cohens_dz_ci_low", "d_z 95% CI low"),
    ("cohens_dz_ci_high", "d_z 95% CI high"),
    ("d_av", "Cohen's d_av"),
    ("hedges_g_av", "Hedges' g_av"),
    ("wilcoxon_p", "Wilcoxon signed-rank p"),
    ("reason", "Why statistics are missing"),
]

FLOW_LABELS = {
    "enrolled": "Enrolled",
    "consented": "Consented to research use",
    "baseline_responses": "Baseline responses",
    "follow_up_responses": "Follow-up responses",
    "matched_pairs": "Matched pairs",
    "excluded_mandatory_not_completed": "Excluded: mandatory part not completed",
    "excluded_incomplete": "Excluded: incomplete (no overall score at one wave)",
    "analysed": "Analysed (overall score)",
}


def safe_text(value: str) -> str:
    """Make a text cell inert in spreadsheets: a leading formula character gets a quote."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _cell(value: Any) -> Any:
    """A cell for CSV or XLSX: None stays empty, text is made safe, numbers stay numbers."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _safe_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[_cell(value) for value in row] for row in rows]


def _csv_bytes(header: list[str], rows: Any) -> bytes:
    """UTF-8 without a byte-order mark, RFC 4180 (CRLF line ends, quotes doubled); rows
    already safe (``_safe_rows`` / ``_spreadsheet_column``), None written as empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx_bytes(sheets: list[tuple[str, list[str], Any]]) -> bytes:
    """Sheets of (title, header, rows); rows already safe, as for ``_csv_bytes``."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_text(name))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- statistics


def statistics_json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _statistics_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for scope, entry in [("footstep", row) for row in report["footsteps"]] + [
        ("overall", report["overall"])
    ]:
        flat = {
            **entry,
            "scope": scope,
            "footstep": entry.get("footstep"),
            "title": entry.get("title", "Overall (mean of the 10 footsteps)"),
            "p_holm": entry.get("p_holm"),
            "mean_difference_ci_low": entry["mean_difference_ci"][0],
            "mean_difference_ci_high": entry["mean_difference_ci"][1],
            "cohens_dz_ci_low": entry["cohens_dz_ci"][0],
            "cohens_dz_ci_high": entry["cohens_dz_ci"][1],
        }
        rows.append([flat[key] for key, _ in STATISTICS_COLUMNS])
    return rows


def statistics_csv(report: dict[str, Any]) -> bytes:
    """One row per footstep plus the overall row; machine-readable column names."""
    return _csv_bytes([key for key, _ in STATISTICS_COLUMNS], _safe_rows(_statistics_rows(report)))


def statistics_xlsx(report: dict[str, Any]) -> bytes:
    """Results, participant flow, sample description and notes, one sheet each."""
    sample = report["sample"]
    sample_rows: list[list[Any]] = [["Baseline respondents", sample["baseline_respondents"], None]]
    sample_rows += [[f"Profession: {p['label']}", p["count"], None] for p in sample["professions"]]
    years = sample["years_experience"]
    sample_rows += [
        ["Years of experience: n", years["n"], None],
        ["Years of experience: mean", years["mean"], None],
        ["Years of experience: SD", years["sd"], None],
        ["Years of experience: min", years["min"], None],
        ["Years of experience: max", years["max"], None],
    ]
    for key, label in (
        ("uses_resources_at_baseline", "Uses self-management resources at baseline"),
        ("used_resources_at_follow_up", "Has used the resources with patients at follow-up"),
    ):
        share = sample[key]
        sample_rows.append([f"{label} (count of n = {share['n']})", share["count"], share["share"]])
    optional = sample["optional_sessions_attended"]
    sample_rows.append(
        [f"Optional sessions attended: mean (n = {optional['n']})", optional["mean"], None]
    )
    notes = [[key, text] for key, text in report["effect_size_variants"].items()]
    notes.append(["course_runs", ", ".join(report["course_runs"]) or "(none)"])
    if "small_number_note" in report:
        notes.append(["small_numbers", report["small_number_note"]])
    return _xlsx_bytes(
        [
            (
                "Results",
                [label for _, label in STATISTICS_COLUMNS],
                _safe_rows(_statistics_rows(report)),
            ),
            (
                "Participant flow",
                ["Stage", "n"],
                _safe_rows([[FLOW_LABELS[key], value] for key, value in report["flow"].items()]),
            ),
            ("Sample", ["Characteristic", "Value", "Share"], _safe_rows(sample_rows)),
            ("Notes", ["Item", "Note"], _safe_rows(notes)),
        ]
    )


# --------------------------------------------------------------------------- responses


def response_table(data: EvaluationData) -> tuple[list[tuple[str, str]], list[np.ndarray]]:
    """The row-level table: (column name, label) pairs and one array per column.

    One row per response (participant code and wave), ordered by code then wave.
    """
    order = np.lexsort(
        (~data.response_is_baseline, data.participant_codes[data.response_participant])
    )
    who = data.response_participant[order]
    run_slugs = {run.id: run.slug for run in data.course_runs}
    profession_labels = np.array([*Response.Profession.labels, ""], dtype=object)
    resource_uses = np.array([*RESOURCE_USES, ""], dtype=object)
    columns: list[tuple[tuple[str, str], np.ndarray]] = [
        (("participant_code", "Pseudonymous participant code"), data.participant_codes[who]),
        (
            ("course_run", "Course run"),
            np.array(
                [run_slugs.get(i, "") for i in data.participant_course_runs[who]], dtype=object
            ),
        ),
        (
            ("wave", "Wave"),
            np.where(data.response_is_baseline[order], "baseline", "follow_up").astype(object),
        ),
        (("source", "Source of the record (platform or import)"), data.participant_sources[who]),
        (
            ("mandatory_completed", "Completed the mandatory part (1 = yes, 0 = no)"),
            data.mandatory_completed[who].astype(float),
        ),
        (
            ("profession", "Profession"),
            profession_labels[data.profession[order]],
        ),
        (
            ("years_experience", "Years of experience supporting persistent pain"),
            data.years_experience[order],
        ),
        (
            ("uses_resources", "Uses self-management resources at baseline (1 = yes, 0 = no)"),
            data.uses_resources[order],
        ),
        (
            ("resource_use", "Resource use since the training"),
            resource_uses[data.resource_use[order]],
        ),
        (
            ("optional_sessions", "Optional sessions attended"),
            data.optional_sessions[who],
        ),
    ]
    for name, values in data.free_text.items():
        label = Response._meta.get_field(name).verbose_name.capitalize()
        columns.append(((name, label), values[order]))
    for j, item in enumerate(data.items):
        columns.append(((item.code, item.text), data.ratings[order, j]))
    for k, title in enumerate(data.footstep_titles, start=1):
        columns.append(
            ((f"footstep_{k}", f"Footstep {k} score: {title}"), data.footstep_scores[order, k - 1])
        )
    columns.append(
        (("overall", "Overall score (mean of the 10 footstep scores)"), data.overall_scores[order])
    )
    return [meta for meta, _ in columns], [values for _, values in columns]


def _whole_numbers(name: str) -> bool:
    return name in {"mandatory_completed", "uses_resources", "optional_sessions"} or (
        name.startswith("s") and name[1:].isdigit()
    )


def _spreadsheet_column(name: str, values: np.ndarray) -> list[Any]:
    """One column as Python values for CSV and XLSX: text made safe (as ``safe_text``),
    None where a number is missing, ratings, flags and counts as integers (4, not 4.0)."""
    if values.dtype == object:
        return [safe_text(v) for v in values.tolist()]
    missing = np.isnan(values)
    if _whole_numbers(name):
        values = np.where(missing, 0, values).astype(np.int64)
    column = values.astype(object)
    column[missing] = None
    return column.tolist()


def _spreadsheet_rows(data: EvaluationData) -> tuple[list[tuple[str, str]], Any]:
    meta, arrays = response_table(data)
    columns = [
        _spreadsheet_column(name, values) for (name, _), values in zip(meta, arrays, strict=True)
    ]
    return meta, zip(*columns, strict=True)


def responses_csv(data: EvaluationData) -> bytes:
    meta, rows = _spreadsheet_rows(data)
    return _csv_bytes([name for name, _ in meta], rows)


def responses_xlsx(data: EvaluationData) -> bytes:
    meta, rows = _spreadsheet_rows(data)
    return _xlsx_bytes(
        [
            ("Responses", [name for name, _ in meta], rows),
            ("Variables", ["Variable", "Label"], _safe_rows([list(m) for m in meta])),
        ]
    )


def responses_sav(data: EvaluationData) -> bytes:
    """SPSS file with a label on every variable and value labels on ratings and flags."""
    meta, arrays = response_table(data)
    # SPSS runs no formulas, so text goes in as written.
    frame = pd.DataFrame({name: values for (name, _), values in zip(meta, arrays, strict=True)})
    value_labels: dict[str, dict[float, str]] = {item.code: LIKERT_LABELS for item in data.items}
    value_labels["mandatory_completed"] = {0: "no", 1: "yes"}
    value_labels["uses_resources"] = {0: "no", 1: "yes"}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "responses.sav")
        pyreadstat.write_sav(
            frame,
            path,
            column_labels={name: label for name, label in meta},
            variable_value_labels=value_labels,
        )
        with open(path, "rb") as handle:
            return handle.read()
