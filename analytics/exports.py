"""File writers for the evaluation: the statistics report and the pseudonymised responses.

Aggregate files (statistics) come from ``analytics.reports.course_runs_report``; row-level
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

from analytics.reports import FLOW_LABELS, WAVE_FLOW_KEYS
from analytics.selectors import RESOURCE_USES, EvaluationData
from assessments.models import Response
from courses.waves import BASELINE, Wave

# Spreadsheets run a text cell starting with one of these as a formula (OWASP CSV injection),
# including the full-width and small forms that some spreadsheets fold into = + - @.
FORMULA_TRIGGERS = (
    *("=", "+", "-", "@", "\t", "\r"),
    *("\uff1d", "\ufe66", "\uff0b", "\ufe62", "\uff0d", "\ufe63", "\uff20", "\ufe6b"),
)
LIKERT_LABELS = {1: "least confident", 2: "2", 3: "3", 4: "4", 5: "most confident"}

STATISTICS_COLUMNS = [
    ("wave", "Follow-up wave (compared with the baseline)"),
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
    ("rank_biserial", "Matched-pairs rank-biserial r"),
    ("shapiro_p", "Shapiro-Wilk p of the differences"),
    ("reason", "Why statistics are missing"),
]


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
    """Sheets of (title, header, rows); rows already safe, as for ``_csv_bytes``.

    XlsxWriter's constant-memory mode writes each row to disk as it comes; it was faster than
    openpyxl's write-only mode in most runs of benchmarks/bench_exports.py, which times both.
    Text is never read as a formula, a number or a link: cells hold what the data holds.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    for title, header, rows in sheets:
        sheet = workbook.add_worksheet(title)
        sheet.write_row(0, 0, [safe_text(name) for name in header], bold)
        write_row = sheet.write_row
        for number, row in enumerate(rows, start=1):
            write_row(number, 0, row)
    workbook.close()
    return buffer.getvalue()


# --------------------------------------------------------------------------- statistics


def statistics_json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _statistics_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per footstep and overall, for every follow-up wave in time order."""
    comparisons = report["comparisons"] or [
        {"wave": None, "footsteps": report["footsteps"], "overall": report["overall"]}
    ]
    entries = [
        (comparison["wave"], scope, entry)
        for comparison in comparisons
        for scope, entry in [
            *(("footstep", row) for row in comparison["footsteps"]),
            ("overall", comparison["overall"]),
        ]
    ]
    rows = []
    for wave, scope, entry in entries:
        flat = {
            **entry,
            "wave": wave,
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
    """One row per follow-up wave and footstep plus overall; machine-readable column names."""
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
            ("Flow per wave", ["Wave", *WAVE_FLOW_HEADINGS], _safe_rows(_wave_flow_rows(report))),
            ("Attrition", ATTRITION_HEADINGS, _safe_rows(_attrition_rows(report))),
            ("Longitudinal", LONGITUDINAL_HEADINGS, _safe_rows(_longitudinal_rows(report))),
            ("Reliability", RELIABILITY_HEADINGS, _safe_rows(_reliability_rows(report))),
            (
                "Reliable change",
                RELIABLE_CHANGE_HEADINGS,
                _safe_rows(
                    [
                        [row["wave"], *(row[k] for k in RELIABLE_CHANGE_KEYS)]
                        for row in report["reliable_change"]
                    ]
                ),
            ),
            ("Sample", ["Characteristic", "Value", "Share"], _safe_rows(sample_rows)),
            ("Notes", ["Item", "Note"], _safe_rows(notes)),
        ]
    )


WAVE_FLOW_HEADINGS = [FLOW_LABELS[key] for key in WAVE_FLOW_KEYS]
ATTRITION_HEADINGS = [
    "Follow-up wave",
    "Answered: n",
    "Answered: baseline mean",
    "Answered: baseline SD",
    "Did not answer: n",
    "Did not answer: baseline mean",
    "Did not answer: baseline SD",
    "Mean difference (answered - not)",
    "Welch t",
    "df",
    "p",
    "Cohen's d (pooled SD)",
    "Why statistics are missing",
]
LONGITUDINAL_HEADINGS = [
    "Footstep",
    "Title",
    "Friedman n",
    "Friedman chi-squared",
    "Friedman df",
    "Friedman p",
    "Kendall's W",
    "Mixed model: participants",
    "Mixed model: observations",
    "Mixed model: intercept (baseline mean)",
    "Wave",
    "Estimate (wave - baseline)",
    "SE",
    "df",
    "t",
    "p",
    "95% CI low",
    "95% CI high",
    "SD between participants",
    "SD residual",
]


RELIABILITY_HEADINGS = [
    "Wave",
    "n (all 14 answered)",
    "Cronbach's alpha",
    "Feldt 95% CI low",
    "Feldt 95% CI high",
    "Statement",
    "Item-rest r",
    "Alpha if dropped",
    "Why statistics are missing",
]
RELIABLE_CHANGE_KEYS = (
    "reliability",
    "sd_baseline",
    "se_difference",
    "n",
    "improved",
    "no_change",
    "deteriorated",
    "reason",
)
RELIABLE_CHANGE_HEADINGS = [
    "Follow-up wave",
    "Reliability (alpha of the 10 baseline footstep scores)",
    "Baseline SD",
    "SE of the difference",
    "n pairs",
    "Reliably improved",
    "No reliable change",
    "Reliably deteriorated",
    "Why statistics are missing",
]


def _reliability_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per wave and statement (the wave's alpha repeated, so the sheet filters)."""
    rows = []
    for row in report["reliability"]:
        low, high = row["alpha_ci"]
        head = [row["wave"], row["n"], row["cronbach_alpha"], low, high]
        for item in row["items"] or [{}]:
            rows.append(
                [
                    *head,
                    item.get("item"),
                    item.get("item_rest_r"),
                    item.get("alpha_if_dropped"),
                    row["reason"],
                ]
            )
    return rows


def _wave_flow_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [[row["wave"], *(row[key] for key in WAVE_FLOW_KEYS)] for row in report["wave_flow"]]


def _attrition_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for row in report["attrition"]:
        answered, missing = row["responded"], row["not_responded"]
        rows.append(
            [
                row["wave"],
                *(answered[key] for key in ("n", "mean", "sd")),
                *(missing[key] for key in ("n", "mean", "sd")),
                *(row[key] for key in ("mean_difference", "t", "df", "p", "cohens_d", "reason")),
            ]
        )
    return rows


def _longitudinal_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per score and follow-up wave (the model's effect of that wave)."""
    longitudinal = report["longitudinal"]
    if longitudinal is None:
        return []
    rows = []
    scores = [*longitudinal["footsteps"], {"footstep": None, **longitudinal["overall"]}]
    for score in scores:
        friedman, model = score["friedman"], score["mixed_model"]
        title = score.get("title", "Overall (mean of the 10 footsteps)")
        for effect in model["effects"] or [{}]:
            ci = effect.get("ci") or [None, None]
            rows.append(
                [
                    score["footstep"],
                    title,
                    *(friedman[key] for key in ("n", "statistic", "df", "p", "kendall_w")),
                    model["n_participants"],
                    model["n_observations"],
                    model["intercept"],
                    *(effect.get(key) for key in ("wave", "estimate", "se", "df", "t", "p")),
                    *ci,
                    model["sd_participant"],
                    model["sd_residual"],
                ]
            )
    return rows


# --------------------------------------------------------------------------- responses


def response_table(data: EvaluationData) -> tuple[list[tuple[str, str]], list[np.ndarray]]:
    """The row-level table: (column name, label) pairs and one array per column.

    One row per response (participant code and wave), ordered by code then wave.
    """
    order = np.lexsort((data.response_months, data.participant_codes[data.response_participant]))
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
            ("wave", "Wave (baseline, or month_N: N months after the training)"),
            np.array([wave.name for wave in data.response_waves], dtype=object)[order],
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


def _is_rating(name: str) -> bool:
    """``s3`` in the long table, ``s3_month_6`` in the wide one."""
    code = name.split("_", 1)[0]
    return code.startswith("s") and code[1:].isdigit()


def _whole_numbers(name: str) -> bool:
    return name in {"mandatory_completed", "uses_resources", "optional_sessions"} or _is_rating(
        name
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


def wide_table(data: EvaluationData) -> tuple[list[tuple[str, str]], list[np.ndarray]]:
    """One row per participant (by code): their record, the background they gave at
    baseline, then every wave's 14 ratings and overall score (``s1_baseline`` …
    ``overall_month_12``), empty where they did not answer that wave."""
    order = np.argsort(data.participant_codes, kind="stable")
    run_slugs = {run.id: run.slug for run in data.course_runs}
    profession_labels = np.array([*Response.Profession.labels, ""], dtype=object)
    baseline = data.row_of(BASELINE)[order]
    has_baseline = baseline >= 0

    def at_baseline(values: np.ndarray, missing) -> np.ndarray:
        column = np.full(order.size, missing, dtype=values.dtype)
        column[has_baseline] = values[baseline[has_baseline]]
        return column

    columns: list[tuple[tuple[str, str], np.ndarray]] = [
        (("participant_code", "Pseudonymous participant code"), data.participant_codes[order]),
        (
            ("course_run", "Course run"),
            np.array(
                [run_slugs.get(i, "") for i in data.participant_course_runs[order]], dtype=object
            ),
        ),
        (("source", "Source of the record (platform or import)"), data.participant_sources[order]),
        (
            ("mandatory_completed", "Completed the mandatory part (1 = yes, 0 = no)"),
            data.mandatory_completed[order].astype(float),
        ),
        (("optional_sessions", "Optional sessions attended"), data.optional_sessions[order]),
        (
            ("profession", "Profession (baseline)"),
            profession_labels[at_baseline(data.profession, len(profession_labels) - 1)],
        ),
        (
            ("years_experience", "Years of experience supporting persistent pain (baseline)"),
            at_baseline(data.years_experience, np.nan),
        ),
        (
            ("uses_resources", "Uses self-management resources at baseline (1 = yes, 0 = no)"),
            at_baseline(data.uses_resources, np.nan),
        ),
    ]
    for months in np.unique(data.response_months):
        wave = Wave(int(months))
        rows = data.row_of(wave)[order]
        answered = rows >= 0

        def of_wave(values: np.ndarray, rows=rows, answered=answered) -> np.ndarray:
            column = np.full(order.size, np.nan)
            column[answered] = values[rows[answered]]
            return column

        for j, item in enumerate(data.items):
            columns.append(
                (
                    (f"{item.code}_{wave.name}", f"{item.text} ({wave.title})"),
                    of_wave(data.ratings[:, j]),
                )
            )
        columns.append(
            (
                (f"overall_{wave.name}", f"Overall score ({wave.title})"),
                of_wave(data.overall_scores),
            )
        )
    return [meta for meta, _ in columns], [values for _, values in columns]


def _spreadsheet_rows(meta, arrays) -> Any:
    columns = [
        _spreadsheet_column(name, values) for (name, _), values in zip(meta, arrays, strict=True)
    ]
    return zip(*columns, strict=True)


TABLES = {"long": response_table, "wide": wide_table}


def responses_csv(data: EvaluationData, layout: str = "long") -> bytes:
    meta, arrays = TABLES[layout](data)
    return _csv_bytes([name for name, _ in meta], _spreadsheet_rows(meta, arrays))


def responses_xlsx(data: EvaluationData, layout: str = "long") -> bytes:
    meta, arrays = TABLES[layout](data)
    return _xlsx_bytes(
        [
            ("Responses", [name for name, _ in meta], _spreadsheet_rows(meta, arrays)),
            ("Variables", ["Variable", "Label"], _safe_rows([list(m) for m in meta])),
        ]
    )


def responses_sav(data: EvaluationData, layout: str = "long") -> bytes:
    """SPSS file with a label on every variable and value labels on ratings and flags."""
    import pandas as pd
    import pyreadstat

    meta, arrays = TABLES[layout](data)
    # SPSS runs no formulas, so text goes in as written.
    frame = pd.DataFrame({name: values for (name, _), values in zip(meta, arrays, strict=True)})
    value_labels: dict[str, dict[float, str]] = {
        name: LIKERT_LABELS for name, _ in meta if _is_rating(name)
    }
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
