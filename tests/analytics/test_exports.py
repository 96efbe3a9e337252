import csv
import io

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from analytics import exports
from analytics.reports import course_runs_report
from analytics.selectors import evaluation_data
from courses.waves import Wave
from tests import factories
from tests.analytics.reference import import_file
from tests.examples import EXAMPLES_DIR


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        # Full-width and small lookalikes, which some spreadsheets read as = + - @.
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),
        ("\ufe66SUM(A1)", "'\ufe66SUM(A1)"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0dcmd", "'\uff0dcmd"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("plain text", "plain text"),
        ("", ""),
    ],
)
def test_safe_text(value, safe):
    assert exports.safe_text(value) == safe


def _formula_participant(run):
    participant = factories.make_participant(run, code="FORMUL")
    factories.make_response(
        participant,
        "baseline",
        [1, 2, 3, 4, 5, None, 1, 2, 3, 4, 5, 1, 2, 3],
        profession="other",
        profession_other='=HYPERLINK("http://evil.example","x")',
        prior_training="@SUM(1)",
        years_experience=2.5,
    )
    factories.make_response(
        participant,
        "month_3",
        [2] * 14,
        programme_feedback="\uff1d2+3",  # a full-width =
        clinical_use="+useful",
        resource_use="used",
    )


def test_responses_csv_is_rfc4180_and_injection_safe(db, course_run):
    _formula_participant(course_run)
    content = exports.responses_csv(evaluation_data(row_level=True))
    text = content.decode("utf-8")
    assert "\r\n" in text and not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    baseline, follow_up = rows
    assert (baseline["wave"], follow_up["wave"]) == ("baseline", "month_3")
    assert baseline["profession_other"] == '\'=HYPERLINK("http://evil.example","x")'
    assert baseline["prior_training"] == "'@SUM(1)"
    assert follow_up["programme_feedback"] == "'\uff1d2+3"
    assert follow_up["clinical_use"] == "'+useful"
    assert baseline["s1"] == "1" and baseline["s6"] == ""
    assert baseline["years_experience"] == "2.5"
    assert baseline["footstep_5"] == "" and baseline["overall"] == ""
    assert follow_up["footstep_6"] == "2.0" and follow_up["overall"] == "2.0"
    assert baseline["mandatory_completed"] == "1"


def test_negative_numbers_stay_numbers(db):
    header = ["difference", "note"]
    rows = exports._safe_rows([[-0.5, "-0.5"]])
    assert exports._csv_bytes(header, rows).decode().splitlines()[1] == "-0.5,'-0.5"
    rows = exports._safe_rows([[-0.5, "=1"]])
    workbook = load_workbook(io.BytesIO(exports._xlsx_bytes([("S", header, rows)])))
    assert [c.value for c in workbook["S"][2]] == [-0.5, "'=1"]
    assert workbook["S"]["A2"].data_type == "n"


def test_responses_xlsx_opens_with_variable_sheet(db, course_run):
    _formula_participant(course_run)
    workbook = load_workbook(io.BytesIO(exports.responses_xlsx(evaluation_data(row_level=True))))
    sheet = workbook["Responses"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["participant_code", "course_run", "wave"]
    cells = {name: value for name, value in zip(header, [c.value for c in sheet[2]], strict=True)}
    assert cells["profession_other"].startswith("'=")
    assert cells["s1"] == 1 and cells["s6"] is None
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    labels = dict(workbook["Variables"].iter_rows(min_row=2, values_only=True))
    assert labels["s14"] == "prepare a setback plan in case things go wrong"


def test_responses_sav_round_trips_labels(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    target = tmp_path / "responses.sav"
    target.write_bytes(exports.responses_sav(evaluation_data(row_level=True)))
    frame, meta = pyreadstat.read_sav(str(target))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["s1"] == "understand pain and thus how self-management can be effective"
    assert labels["footstep_3"] == "Footstep 3 score: Pacing"
    assert meta.variable_value_labels["s7"] == exports.LIKERT_LABELS
    assert meta.variable_value_labels["s7"][1] == "least confident"
    assert meta.variable_value_labels["s7"][5] == "most confident"
    assert meta.variable_value_labels["mandatory_completed"] == {0: "no", 1: "yes"}
    source = pd.read_csv(EXAMPLES_DIR / "responses.csv", dtype={"participant_code": str})
    source["wave"] = source["wave"].replace({"follow_up": "month_3"})
    assert len(frame) == len(source)
    merged = frame.merge(source, on=["participant_code", "wave"], suffixes=("", "_file"))
    for item in ("s1", "s9", "s14"):
        ours, theirs = merged[item], merged[f"{item}_file"]
        assert ((ours == theirs) | (ours.isna() & theirs.isna())).all()


def test_statistics_csv_and_xlsx(db, course_run):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    report = course_runs_report()
    rows = list(csv.DictReader(io.StringIO(exports.statistics_csv(report).decode())))
    assert len(rows) == 11
    assert float(rows[0]["cohens_dz"]) == pytest.approx(report["footsteps"][0]["cohens_dz"])
    assert rows[-1]["p_holm"] == "" and rows[-1]["scope"] == "overall"
    workbook = load_workbook(io.BytesIO(exports.statistics_xlsx(report)))
    results = list(workbook["Results"].iter_rows(values_only=True))
    assert results[0][:2] == ("Follow-up wave (compared with the baseline)", "Scope")
    assert len(results) == 12 and results[1][0] == "month_3"
    flow = dict(workbook["Participant flow"].iter_rows(min_row=2, values_only=True))
    assert flow["Analysed (overall score)"] == 9
    assert any("d_av" in (note or "") for _, note in workbook["Notes"].iter_rows(values_only=True))


def test_statistics_csv_writes_null_as_empty(db, course_run):
    text = exports.statistics_csv(course_runs_report()).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[-1]["t"] == "" and rows[-1]["reason"]
    assert "nan" not in text.lower() and "None" not in text


def test_every_wave_in_the_long_and_wide_files(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    data = evaluation_data(row_level=True)
    source = pd.read_csv(EXAMPLES_DIR / "waves.csv", dtype={"participant_code": str})
    long = pd.read_csv(io.BytesIO(exports.responses_csv(data)), dtype={"participant_code": str})
    assert len(long) == len(source)
    assert set(long["wave"]) == {"baseline", "month_3", "month_6", "month_12"}
    # Ordered by code, then by time (month_12 after month_6, which text order would not give).
    first = long[long["participant_code"] == long["participant_code"].iloc[0]]["wave"].tolist()
    assert first == sorted(first, key=lambda name: Wave.parse(name).months)

    wide = pd.read_csv(
        io.BytesIO(exports.responses_csv(data, "wide")), dtype={"participant_code": str}
    )
    assert len(wide) == source["participant_code"].nunique()
    assert wide["participant_code"].is_unique
    for wave in ("baseline", "month_3", "month_6", "month_12"):
        assert {f"s1_{wave}", f"s14_{wave}", f"overall_{wave}"} <= set(wide.columns)
    merged = source.merge(wide, on="participant_code")
    for _, row in merged.head(50).iterrows():
        value = row[f"s5_{row['wave']}"]
        assert (pd.isna(value) and pd.isna(row["s5"])) or value == row["s5"]

    target = tmp_path / "wide.sav"
    target.write_bytes(exports.responses_sav(data, "wide"))
    frame, meta = pyreadstat.read_sav(str(target))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["s1_month_6"].endswith("(6-month follow-up)")
    assert meta.variable_value_labels["s7_month_12"] == exports.LIKERT_LABELS
    workbook = load_workbook(io.BytesIO(exports.responses_xlsx(data, "wide")), read_only=True)
    header = next(workbook["Responses"].iter_rows(values_only=True))
    assert header[0] == "participant_code" and "overall_month_12" in header


def test_statistics_files_hold_every_comparison_and_the_longitudinal_model(db, course_run):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    report = course_runs_report()
    rows = list(csv.DictReader(io.StringIO(exports.statistics_csv(report).decode())))
    assert [row["wave"] for row in rows[::11]] == ["month_3", "month_6", "month_12"]
    workbook = load_workbook(io.BytesIO(exports.statistics_xlsx(report)))
    longitudinal = list(workbook["Longitudinal"].iter_rows(values_only=True))
    assert len(longitudinal) == 1 + 11 * 3  # a row per score and follow-up wave
    attrition = list(workbook["Attrition"].iter_rows(values_only=True))
    assert [row[0] for row in attrition[1:]] == ["month_3", "month_6", "month_12"]
