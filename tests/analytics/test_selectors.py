import csv
import json

import numpy as np
import pytest

from analytics.reports import course_runs_report
from analytics.sample import participant_flow, sample_description
from analytics.selectors import UnknownCourseRunError, course_runs_by_slug, evaluation_data
from courses.models import Attendance
from tests import factories
from tests.analytics.reference import DATA, EXAMPLES_DIR, assert_matches_reference, import_file


def test_imported_file_matches_r_reference(db, course_run):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    reference = json.loads((EXAMPLES_DIR / "responses.ref.json").read_text())
    assert_matches_reference(course_runs_report(), reference)


def test_file_with_disagreeing_mandatory_flags_matches_r_reference(db, course_run):
    # Some codes are "yes" at one wave and "no" at the other; reference.R drops the "no" rows.
    import_file(DATA / "responses_60.csv", course_run)
    reference = json.loads((DATA / "responses_60.ref.json").read_text())
    assert_matches_reference(course_runs_report(), reference)


def test_flow_counts_and_exclusions(db, course_run):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    flow = participant_flow(data := evaluation_data(), data.primary_wave)
    with (EXAMPLES_DIR / "responses.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = {r["participant_code"] for r in rows}
    baseline = {r["participant_code"] for r in rows if r["wave"] == "baseline"}
    follow_up = {r["participant_code"] for r in rows if r["wave"] == "follow_up"}
    not_completed = {r["participant_code"] for r in rows if r["mandatory_completed"] == "no"}
    matched = baseline & follow_up
    assert flow["enrolled"] == flow["consented"] == len(codes)
    assert flow["baseline_responses"] == len(baseline)
    assert flow["follow_up_responses"] == len(follow_up)
    assert flow["matched_pairs"] == len(matched)
    assert flow["excluded_mandatory_not_completed"] == len(matched & not_completed)
    assert (
        flow["analysed"]
        == flow["matched_pairs"]
        - flow["excluded_mandatory_not_completed"]
        - flow["excluded_incomplete"]
    )
    assert flow["analysed"] == course_runs_report()["overall"]["n_pairs"] == 9


def _pair(run, baseline, follow_up, **fields):
    participant = factories.make_participant(run, **fields)
    factories.make_response(participant, "baseline", baseline)
    factories.make_response(participant, "month_3", follow_up)
    return participant


def test_non_completers_and_non_consenting_are_excluded(db, course_run):
    for i in range(3):
        _pair(course_run, [2 + i % 2] * 14, [4] * 14)
    _pair(course_run, [1] * 14, [5] * 14, mandatory_completed=False)
    _pair(course_run, [1] * 14, [5] * 14, consented=False)
    data = evaluation_data()
    flow = participant_flow(data, data.primary_wave)
    assert flow["enrolled"] == 5
    assert flow["consented"] == 4
    assert flow["matched_pairs"] == 4
    assert flow["excluded_mandatory_not_completed"] == 1
    assert flow["analysed"] == 3
    report = course_runs_report()
    assert report["overall"]["n_pairs"] == 3
    assert report["overall"]["baseline_mean"] == pytest.approx((2 + 3 + 2) / 3)


def test_platform_participants_use_attendance(db, course_run):
    trainee = factories.TraineeFactory()
    enrolment = factories.enrol(trainee, course_run)
    participant = _pair(course_run, [2] * 14, [4] * 14, enrolment=enrolment)
    # The stored flag is ignored while the record is linked to an enrolment.
    participant.mandatory_completed = True
    participant.save()
    factories.enrol(factories.TraineeFactory(), course_run)  # enrolled, never consented
    data = evaluation_data()
    assert participant_flow(data, data.primary_wave)["enrolled"] == 2
    assert participant_flow(data, data.primary_wave)["excluded_mandatory_not_completed"] == 1
    for workshop in factories.workshops(course_run):
        Attendance.objects.create(enrolment=enrolment, session=workshop)
    data = evaluation_data()
    assert participant_flow(data, data.primary_wave)["excluded_mandatory_not_completed"] == 0
    assert list(data.optional_sessions) == [0.0]


def test_incomplete_responses_are_excluded_from_overall_only(db, course_run):
    _pair(course_run, [2] * 14, [4] * 14)
    _pair(course_run, [3] * 14, [4] * 14)
    _pair(course_run, [None] + [2] * 13, [4] * 14)
    report = course_runs_report()
    assert report["flow"]["excluded_incomplete"] == 1
    assert report["overall"]["n_pairs"] == 2
    assert report["footsteps"][0]["n_pairs"] == 2
    assert report["footsteps"][1]["n_pairs"] == 3


def test_selection_by_course_run(db, course_run):
    other = factories.make_course_run()
    _pair(course_run, [2] * 14, [4] * 14)
    _pair(other, [2] * 14, [3] * 14)
    _pair(other, [2] * 14, [5] * 14)
    runs = course_runs_by_slug([other.slug], user=None)
    assert (
        participant_flow(data := evaluation_data(course_runs=runs), data.primary_wave)[
            "matched_pairs"
        ]
        == 2
    )
    assert participant_flow(data := evaluation_data(), data.primary_wave)["matched_pairs"] == 3
    with pytest.raises(UnknownCourseRunError, match="no-such-run"):
        course_runs_by_slug([other.slug, "no-such-run"], user=None)


def test_sample_description(db, course_run):
    trainee = factories.TraineeFactory()
    enrolment = factories.enrol(trainee, course_run)
    sessions = factories.workshops(course_run)
    Attendance.objects.create(enrolment=enrolment, session=sessions[0])
    platform = factories.make_participant(course_run, enrolment=enrolment)
    factories.make_response(
        platform, "baseline", profession="pharmacist", years_experience=2, uses_resources=True
    )
    imported = factories.make_participant(course_run)
    factories.make_response(
        imported, "baseline", profession="pharmacist", years_experience=6, uses_resources=False
    )
    factories.make_response(imported, "month_3", resource_use="used", optional_sessions_attended=3)
    sample = sample_description(data := evaluation_data(), data.primary_wave)
    counts = {row["profession"]: row["count"] for row in sample["professions"]}
    assert counts["pharmacist"] == 2 and counts["paramedic"] == 0
    assert sample["years_experience"] == {
        "n": 2,
        "mean": 4.0,
        "sd": pytest.approx(np.sqrt(8)),
        "min": 2.0,
        "max": 6.0,
    }
    assert sample["uses_resources_at_baseline"] == {"n": 2, "count": 1, "share": 0.5}
    assert sample["used_resources_at_follow_up"] == {"n": 1, "count": 1, "share": 1.0}
    # Attendance (0 optional sessions) for the platform trainee, the answer for the import.
    assert sample["optional_sessions_attended"] == {"n": 2, "mean": 1.5}


def test_degenerate_selection_gives_nulls_with_reasons(db, course_run):
    report = course_runs_report()
    assert report["overall"]["n_pairs"] == 0
    assert report["overall"]["t"] is None
    assert report["overall"]["reason"]
    assert all(row["p_holm"] is None for row in report["footsteps"])
    json.dumps(report, allow_nan=False)


def test_small_number_threshold(db, course_run, settings):
    for _ in range(3):
        _pair(course_run, [2] * 14, [4] * 14)
    _pair(course_run, [2] * 14, [3] * 14, mandatory_completed=False)
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 0
    assert course_runs_report()["flow"]["analysed"] == 3
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 5
    report = course_runs_report()
    assert report["flow"]["analysed"] == "<5"
    assert report["flow"]["excluded_mandatory_not_completed"] == "<5"
    assert report["overall"]["n_pairs"] == "<5"
    assert report["sample"]["professions"][0]["count"] == "<5"
    assert "<5" in report["small_number_note"]
    assert course_runs_report(small_number_threshold=0)["flow"]["analysed"] == 3
