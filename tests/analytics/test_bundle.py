"""The analysis bundle: its zip, the download, the command, and R recomputing every figure.

The R tests unzip a bundle and run its ``reproduce.R`` (base R, effectsize, nlme, psych), as
someone outside the platform would; ``make r`` installs them.
"""

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from analytics import exports
from analytics.bundle import TEMPLATES, analysis_bundle, figures
from analytics.reports import build_report
from analytics.selectors import course_runs_by_slug, evaluation_data
from assessments.models import Participant
from courses.models import Attendance
from tests import factories
from tests.analytics.reference import import_file
from tests.analytics.test_views import DASHBOARD, NAME, SURNAME, add_pairs, export_url
from tests.examples import EXAMPLES_DIR

FILES = [
    "README.txt",
    "codebook.md",
    "statements.csv",
    "responses.csv",
    "statistics.json",
    "figures.csv",
    "reproduce.R",
]
MAKE_R = "run `make r` (it installs R with effectsize, nlme and psych)"
LARGEST = re.compile(
    r"^LARGEST RELATIVE DIFFERENCE: (\S+) \(mixed model: (\S+), its p values: (\S+)\)$", re.M
)


def bundle_of(run=None) -> bytes:
    runs = course_runs_by_slug([run.slug], user=None) if run else None
    return analysis_bundle(evaluation_data(course_runs=runs, row_level=True))


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def reproduce(content: bytes, folder, *, expect_ok: bool = True) -> tuple[str, list[float]]:
    """Unzip into ``folder`` and run ``Rscript reproduce.R`` there: (its output, the largest
    relative differences overall, of the mixed model and of its p values; 0 for none)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail(f"Rscript is not installed: {MAKE_R}.")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)
    run = subprocess.run(  # noqa: S603 (a fixed command in our own folder)
        [rscript, "reproduce.R"], cwd=folder, capture_output=True, text=True, timeout=120
    )
    output = run.stdout + run.stderr
    if "there is no package called" in output:
        pytest.fail(f"An R package is missing: {MAKE_R}.\n{output}")
    assert (run.returncode == 0) is expect_ok, output
    match = LARGEST.search(run.stdout)
    assert match, output
    return output, [0.0 if value == "none" else float(value) for value in match.groups()]


def assert_reproduced(content: bytes, folder) -> tuple[str, list[float]]:
    output, largest = reproduce(content, folder)
    assert largest[0] < 1e-6 and largest[1] < 1e-5 and largest[2] < 1e-3, output
    assert " 0 differ." in output
    assert "flow.enrolled" in output and "flow.consented" in output  # listed, not recomputed
    return output, largest


def test_r_recomputes_every_figure_of_an_imported_four_wave_file(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    content = bundle_of(course_run)
    output, (_, mixed, mixed_p) = assert_reproduced(content, tmp_path)
    assert "longitudinal.overall.mixed_model.effects[].estimate" in output
    assert mixed > 0 and mixed_p > 0  # the mixed model was compared, not skipped


def platform_cohort(run) -> None:
    """Trainees with attendance and answers that leave some figures undefined (null)."""
    add_pairs(run, 4, trainee_fields={"first_name": NAME, "last_name": SURNAME})
    # The first two (baselines 2 and 3) answer a 6-month follow-up too: 2 pairs, so df 1,
    # g_av 0, no Shapiro-Wilk, no alpha (fewer than 3 responses); footstep 1 improves by 2 in
    # both, so its differences do not vary.
    first, second = Participant.objects.filter(course_run=run).order_by("id")[:2]
    factories.make_response(first, "month_6", [4] + [5] * 13)
    factories.make_response(second, "month_6", [5] + [4] * 13)
    workshops = factories.workshops(run)
    # Missed a workshop: in the flow and the sample only.
    absent = factories.make_participant(
        run, enrolment=factories.enrol(factories.TraineeFactory(), run)
    )
    factories.make_response(absent, "baseline", [1] * 14, profession="paramedic")
    factories.make_response(absent, "month_3", [5] * 14)
    # Attended, left a statement of footstep 3 blank at baseline: incomplete.
    enrolment = factories.enrol(factories.TraineeFactory(), run)
    for workshop in workshops:
        Attendance.objects.create(enrolment=enrolment, session=workshop)
    blank = factories.make_participant(run, enrolment=enrolment)
    factories.make_response(blank, "baseline", [3, 3, None, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3])
    factories.make_response(
        blank,
        "month_3",
        [4] * 14,
        resource_use="would_use",
        programme_feedback='Très utile, "merci"\n-- second line',
    )
    # Did not consent: nowhere.
    refused = factories.make_participant(run, consented=False)
    factories.make_response(refused, "baseline", [5] * 14)


def test_r_recomputes_platform_data_with_null_figures(db, course_run, tmp_path):
    platform_cohort(course_run)
    content = bundle_of(course_run)
    report = json.loads(members(content)["statistics.json"])
    # What R must give as NA: undefined statistics of the degenerate parts.
    month_6 = report["comparisons"][1]["overall"]
    assert month_6["n_pairs"] == 2 and month_6["shapiro_p"] is None
    assert month_6["df"] == 1 and month_6["hedges_g_av"] == 0
    assert report["comparisons"][1]["footsteps"][0]["t"] is None
    assert report["reliability"][2]["cronbach_alpha"] is None
    assert report["flow"]["excluded_mandatory_not_completed"] == 1
    assert report["flow"]["excluded_incomplete"] == 1
    nulls = [key for key, value in figures(report) if value is None]
    assert len(nulls) > 20, nulls
    assert_reproduced(content, tmp_path)


def test_r_recomputes_a_selection_without_any_response(db, course_run, tmp_path):
    content = bundle_of(course_run)
    assert members(content)["responses.csv"].count(b"\r\n") == 1  # the header alone
    assert_reproduced(content, tmp_path)


def test_r_reports_a_figure_that_differs(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    files = members(bundle_of(course_run))
    text = files["figures.csv"].decode()
    line = next(row for row in text.splitlines() if row.startswith("overall.t,"))
    value = float(line.split(",")[1])
    files["figures.csv"] = text.replace(line, f"overall.t,{value * (1 + 1e-5)!r}").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    output, (largest, _, _) = reproduce(buffer.getvalue(), tmp_path, expect_ok=False)
    assert "DIFFERS overall.t" in output and largest == pytest.approx(1e-5, rel=0.1)


def test_a_missing_rscript_fails_and_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="make r"):
        reproduce(b"", tmp_path)


def test_bundle_layout_is_deterministic_and_holds_the_report(db, course_run):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    content = bundle_of(course_run)
    assert content == bundle_of(course_run)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == FILES
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    files = members(content)
    data = evaluation_data(
        course_runs=course_runs_by_slug([course_run.slug], user=None), row_level=True
    )
    report = build_report(data, small_number_threshold=0)
    assert files["statistics.json"] == exports.statistics_json(report)
    assert files["responses.csv"] == exports.responses_csv(data)
    rows = list(csv.reader(io.StringIO(files["figures.csv"].decode())))
    assert rows[0] == ["key", "value"]
    assert [(key, float(value) if value else None) for key, value in rows[1:]] == figures(report)
    assert "comparisons[wave=month_6].footsteps[footstep=4].cohens_dz_ci[0]" in dict(rows)
    assert files["reproduce.R"] == (TEMPLATES / "reproduce.R").read_bytes()
    codebook = files["codebook.md"].decode()
    header = files["responses.csv"].decode().splitlines()[0].split(",")
    for column in header:
        assert f"| `{column}` |" in codebook, column
    for wave in ("baseline", "month_3", "month_6", "month_12"):
        assert f"| `{wave}` |" in codebook
    assert "| `s13` | 9 | Relaxation and mindfulness |" in codebook
    assert "least confident" in codebook and "most confident" in codebook
    readme = files["README.txt"].decode()
    assert "Rscript reproduce.R" in readme and "statistics.json flattened" in readme
    assert "small_number_threshold 0" in readme and f"course run(s) {course_run.slug}" in readme


def test_bundle_ignores_the_small_number_threshold(db, course_run, settings):
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 10
    add_pairs(course_run, 3)
    report = json.loads(members(bundle_of(course_run))["statistics.json"])
    assert report["small_number_threshold"] == 0 and report["flow"]["analysed"] == 3


def test_bundle_needs_row_level_data(db):
    with pytest.raises(ValueError, match="row-level"):
        analysis_bundle(evaluation_data())


def test_download_is_listed_audited_and_carries_no_identity(client, evaluator, course_run):
    platform_cohort(course_run)
    client.force_login(evaluator)
    url = export_url("analysis-bundle", "zip", f"?course_run={course_run.slug}")
    assert export_url("analysis-bundle", "zip") in client.get(DASHBOARD).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert f"ten-footsteps-analysis-bundle-{course_run.slug}-" in response["Content-Disposition"]
    files = members(response.content)
    assert list(files) == FILES
    for name, content in files.items():
        for secret in (NAME, SURNAME, "@example.org", "user_id", "email"):
            assert secret.encode() not in content, (name, secret)
    # The formula guard reached the free text, and reproduce.R reads past it.
    assert b"'=HYPERLINK" in files["responses.csv"]
    event = AuditEvent.objects.get(action="export")
    assert event.actor == evaluator
    assert event.detail == {
        "format": "zip",
        "what": "analysis-bundle",
        "course_runs": [course_run.slug],
        "all_course_runs": False,
    }


def test_command_writes_the_bundle_and_is_audited(db, course_run, tmp_path):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    target = tmp_path / "bundle.zip"
    call_command("analysis_bundle", "--course-run", course_run.slug, "--output", str(target))
    assert target.read_bytes() == bundle_of(course_run)
    event = AuditEvent.objects.get(action="export")
    assert event.actor is None
    assert event.detail["what"] == "analysis-bundle" and event.detail["format"] == "zip"
    assert event.detail["course_runs"] == [course_run.slug]
    # No --course-run: every run pooled.
    call_command("analysis_bundle", "--output", str(target))
    assert target.read_bytes() == bundle_of()


def test_command_refuses_a_missing_output_or_an_unknown_run(db, course_run):
    with pytest.raises(CommandError, match="--output"):
        call_command("analysis_bundle", "--course-run", course_run.slug, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no-such-run"):
        call_command("analysis_bundle", "--course-run", "no-such-run", "--output", "unused.zip")
    assert not AuditEvent.objects.filter(action="export").exists()
