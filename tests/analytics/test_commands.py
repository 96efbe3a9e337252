import csv
import io
import json

import pyreadstat
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import AuditEvent
from tests import factories
from tests.analytics.reference import assert_matches_reference, import_file
from tests.examples import EXAMPLES_DIR


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_statistics", *args, stdout=out)
    return out.getvalue()


def test_json_to_stdout_matches_r_reference(db, course_run):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    report = json.loads(run("--format", "json"))
    assert_matches_reference(report, json.loads((EXAMPLES_DIR / "responses.ref.json").read_text()))
    assert report["flow"]["analysed"] == 9
    assert set(report["effect_size_variants"]) == {"cohens_dz", "d_av", "hedges_g_av"}
    event = AuditEvent.objects.get(action="export")
    assert event.action == "export" and event.actor is None
    assert event.detail == {
        "format": "json",
        "what": "statistics",
        "course_runs": [course_run.slug],
        "all_course_runs": True,
    }


def test_course_run_selection_and_csv(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    target = tmp_path / "stats.csv"
    run("--course-run", course_run.slug, "--format", "csv", "--output", str(target))
    rows = list(csv.DictReader(target.open(newline="", encoding="utf-8")))
    assert [r["scope"] for r in rows] == ["footstep"] * 10 + ["overall"]
    assert rows[-1]["n_pairs"] == "9"
    assert AuditEvent.objects.get(action="export").detail["course_runs"] == [course_run.slug]


def test_xlsx_needs_output_and_opens(db, course_run, tmp_path):
    with pytest.raises(CommandError, match="--output"):
        run("--format", "xlsx")
    target = tmp_path / "stats.xlsx"
    run("--format", "xlsx", "--output", str(target))
    workbook = load_workbook(target)
    assert workbook.sheetnames == [
        "Results",
        "Participant flow",
        "Flow per wave",
        "Attrition",
        "Longitudinal",
        "Reliability",
        "Reliable change",
        "Sample",
        "Notes",
    ]


def test_unknown_course_run_is_a_clear_error(db, course_run):
    with pytest.raises(CommandError, match="No course run with the slug.*nope"):
        run("--course-run", course_run.slug, "--course-run", "nope")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_old_cohort_option_still_selects_course_runs(db, course_run):
    other = factories.make_course_run()
    run("--cohort", course_run.slug, "--course-run", other.slug)
    event = AuditEvent.objects.get(action="export")
    assert sorted(event.detail["course_runs"]) == sorted([course_run.slug, other.slug])
    assert event.detail["all_course_runs"] is False


def test_export_responses_sav_and_csv(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    target = tmp_path / "responses.sav"
    call_command("export_responses", "--format", "sav", "--output", str(target))
    frame, meta = pyreadstat.read_sav(str(target))
    assert len(frame) == 110 and meta.column_labels[meta.column_names.index("s2")]
    out = io.StringIO()
    call_command("export_responses", "--course-run", course_run.slug, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 110 and "email" not in rows[0]
    events = AuditEvent.objects.filter(action="export").order_by("at")
    assert [e.detail["format"] for e in events] == ["sav", "csv"]
    with pytest.raises(CommandError, match="binary"):
        call_command("export_responses", "--format", "xlsx")
