"""The whole report of a multi-wave file against R (examples/reference_waves.R).

waves.csv has a baseline and 3-, 6- and 12-month waves with drop-out and skipped waves;
waves.ref.json is ``Rscript reference_waves.R waves.csv``. Tolerances: 1e-6 relative, the
mixed model's estimates 1e-5 and its p values 1e-3 (nlme's optimiser stops earlier).
"""

import json
import math
import warnings

import pytest

from analytics.reports import course_runs_report
from tests import factories
from tests.analytics.reference import import_file
from tests.examples import EXAMPLES_DIR

RELATIVE = 1e-6


def assert_close(ours, theirs, path: str, rel: float = RELATIVE) -> None:
    """Every number R gives is ours to ``rel``; R's NA (null) is our None."""
    if isinstance(theirs, dict):
        for key, value in theirs.items():
            assert key in ours, f"{path}.{key} missing"
            assert_close(ours[key], value, f"{path}.{key}", rel)
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_close(a, b, f"{path}[{i}]", rel)
    elif theirs is None:
        assert ours is None, f"{path}: {ours!r}, R gives NA"
    elif isinstance(theirs, str):
        assert ours == theirs, path
    else:
        assert ours is not None and math.isclose(ours, theirs, rel_tol=rel, abs_tol=1e-12), (
            f"{path}: {ours!r} != R {theirs!r}"
        )


@pytest.fixture
def report(db, course_run):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    return course_runs_report(small_number_threshold=0)


@pytest.fixture(scope="module")
def reference():
    return json.loads((EXAMPLES_DIR / "waves.ref.json").read_text())


def test_waves_and_primary_comparison(report, reference):
    assert report["waves"] == reference["waves"] == ["baseline", "month_3", "month_6", "month_12"]
    assert report["primary_wave"] == "month_3"
    assert_close(report["footsteps"], reference["footsteps"], "footsteps")
    assert_close(report["overall"], reference["overall"], "overall")


def test_every_comparison(report, reference):
    assert [c["wave"] for c in report["comparisons"]] == ["month_3", "month_6", "month_12"]
    assert_close(report["comparisons"], reference["comparisons"], "comparisons")


def test_longitudinal(report, reference):
    ours, theirs = report["longitudinal"], reference["longitudinal"]
    for name, score, expected in [
        *(
            (f"footstep {e['footstep']}", o, e)
            for o, e in zip(ours["footsteps"], theirs["footsteps"], strict=True)
        ),
        ("overall", ours["overall"], theirs["overall"]),
    ]:
        assert_close(score["friedman"], expected["friedman"], f"{name} friedman")
        model, reference_model = score["mixed_model"], expected["mixed_model"]
        for key in ("n_participants", "n_observations"):
            assert model[key] == reference_model[key], f"{name} {key}"
        for key in ("intercept", "sd_participant", "sd_residual"):
            assert_close(model[key], reference_model[key], f"{name} {key}", 1e-5)
        for effect, expected_effect in zip(
            model["effects"], reference_model["effects"], strict=True
        ):
            assert effect["wave"] == expected_effect["wave"]
            assert effect["df"] == expected_effect["df"]
            for key in ("estimate", "se", "t", "ci"):
                assert_close(effect[key], expected_effect[key], f"{name} {key}", 1e-5)
            assert_close(effect["p"], expected_effect["p"], f"{name} p", 1e-3)


def test_attrition(report, reference):
    assert_close(report["attrition"], reference["attrition"], "attrition")


def test_reliability_and_reliable_change(report, reference):
    assert_close(report["reliability"], reference["reliability"], "reliability")
    assert_close(report["reliable_change"], reference["reliable_change"], "reliable_change")


def test_two_wave_file_matches_the_multi_wave_reference_too(db, course_run):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    report = course_runs_report(small_number_threshold=0)
    reference = json.loads((EXAMPLES_DIR / "responses.waves.ref.json").read_text())
    for key in ("waves", "footsteps", "overall", "comparisons", "attrition"):
        assert_close(report[key], reference[key], key)
    assert_close(report["reliability"], reference["reliability"], "reliability")
    assert_close(report["reliable_change"], reference["reliable_change"], "reliable_change")
    assert reference["longitudinal"] is None and report["longitudinal"] is None


def test_two_wave_file_has_no_longitudinal_model(db, course_run):
    import_file(EXAMPLES_DIR / "responses.csv", course_run)
    report = course_runs_report(small_number_threshold=0)
    assert report["waves"] == ["baseline", "month_3"]
    assert report["longitudinal"] is None
    assert len(report["comparisons"]) == 1
    assert report["comparisons"][0]["overall"] == report["overall"]


def test_a_wave_only_excluded_people_answered_gives_reasons_not_errors(db, course_run):
    for i in range(4):
        participant = factories.make_participant(course_run)
        factories.make_response(participant, "baseline", [2 + i % 3] * 14)
        factories.make_response(participant, "month_3", [3 + i % 2] * 14)
    excluded = factories.make_participant(course_run, mandatory_completed=False)
    factories.make_response(excluded, "baseline", [1] * 14)
    factories.make_response(excluded, "month_6", [5] * 14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = course_runs_report(small_number_threshold=0)
    json.dumps(report, allow_nan=False)  # no NaN or infinity anywhere
    assert report["waves"] == ["baseline", "month_3", "month_6"]
    month_6 = report["comparisons"][1]
    assert month_6["overall"]["n_pairs"] == 0 and month_6["overall"]["reason"]
    assert report["wave_flow"][1]["excluded_mandatory_not_completed"] == 1
    overall = report["longitudinal"]["overall"]
    assert overall["friedman"]["p"] is None and overall["friedman"]["reason"]
    effects = {effect["wave"]: effect for effect in overall["mixed_model"]["effects"]}
    assert effects["month_3"]["estimate"] is not None
    assert effects["month_6"]["estimate"] is None
    attrition = {row["wave"]: row for row in report["attrition"]}
    assert attrition["month_6"]["responded"]["n"] == 0 and attrition["month_6"]["reason"]


def test_no_follow_up_yet(db, course_run):
    participant = factories.make_participant(course_run)
    factories.make_response(participant, "baseline")
    report = course_runs_report(small_number_threshold=0)
    assert report["waves"] == ["baseline"] and report["primary_wave"] is None
    assert report["comparisons"] == [] and report["attrition"] == []
    assert report["longitudinal"] is None
    assert report["overall"]["n_pairs"] == 0 and report["overall"]["reason"]
    point = report["trajectory"]["overall"]["points"][0]
    assert point["n"] == 1 and point["mean"] == 3.0 and point["ci"] == [None, None]


def test_small_numbers_are_masked_in_every_wave(db, course_run):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    report = course_runs_report(small_number_threshold=10)
    overall = report["longitudinal"]["overall"]
    assert overall["friedman"]["n"] == "<10"  # 9 answered every wave
    assert overall["mixed_model"]["n_participants"] == 165
    counts = [c["overall"]["n_pairs"] for c in report["comparisons"]]
    assert all(isinstance(n, int) and n >= 10 or n == "<10" for n in counts)
    assert "small_number_note" in report


# R: o <- overall scores of the included participants at the wave (NA dropped);
#    c(length(o), mean(o), sd(o), t.test(o)$conf.int)
TRAJECTORY_OVERALL = {
    "baseline": [122, 3.00163934426, 0.689560119285, 2.87804300965, 3.12523567888],
    "month_3": [91, 3.73956043956, 0.800912474802, 3.57276234376, 3.90635853536],
    "month_6": [76, 3.66929824561, 0.73814107169, 3.50062578522, 3.83797070601],
    "month_12": [54, 3.3475308642, 0.65744731722, 3.16808229026, 3.52697943813],
}


def test_trajectory_means_and_intervals(report):
    for point in report["trajectory"]["overall"]["points"]:
        n, mean, sd, low, high = TRAJECTORY_OVERALL[point["wave"]]
        assert point["n"] == n
        assert_close(
            [point["mean"], point["sd"], *point["ci"]], [mean, sd, low, high], point["wave"]
        )
