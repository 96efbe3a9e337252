"""Report keys checked by hand on tiny factory datasets: the answers to each statement, the
small-number rule on them, the statements and the reliable-change threshold."""

import math

import numpy as np
import pytest

from analytics.reports import RESPONSE_CATEGORIES, course_runs_report
from tests import factories

pytestmark = pytest.mark.django_db

# Footstep of s1..s14 (DESIGN.md, Table 1 of the study).
FOOTSTEP_OF = [1, 2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10]


def answers(run, *waves, consented=True, mandatory_completed=True):
    """One imported participant with a response per (wave, ratings)."""
    participant = factories.make_participant(
        run, consented=consented, mandatory_completed=mandatory_completed
    )
    for wave, ratings in waves:
        factories.make_response(participant, wave, ratings)


def ratings(default, **items):
    values = [default] * 14
    for code, value in items.items():
        values[int(code[1:]) - 1] = value
    return values


@pytest.fixture
def tiny(course_run):
    """Three analysed participants at baseline, two of them at 3 months; one who did not
    attend both workshops and one who did not consent, who never count."""
    answers(
        course_run,
        ("baseline", ratings(1, s14=None)),
        ("month_3", ratings(5)),
    )
    answers(course_run, ("baseline", ratings(2)), ("month_3", ratings(4, s1=None)))
    answers(course_run, ("baseline", ratings(2, s1=5)))
    answers(
        course_run, ("baseline", ratings(3)), ("month_3", ratings(3)), mandatory_completed=False
    )
    answers(course_run, ("baseline", ratings(4)), ("month_3", ratings(4)), consented=False)
    return course_run


def distribution(report, wave):
    (found,) = [d for d in report["item_distributions"] if d["wave"] == wave]
    return found


def test_item_distributions_count_the_analysed_respondents_of_each_wave(tiny):
    report = course_runs_report(small_number_threshold=0)
    assert [d["wave"] for d in report["item_distributions"]] == ["baseline", "month_3"]

    baseline = distribution(report, "baseline")
    assert baseline["n"] == 3
    s1, s2 = baseline["items"][0], baseline["items"][1]
    assert (s1["item"], s1["footstep"], s1["footstep_title"]) == (
        "s1",
        1,
        "Building knowledge about pain",
    )
    assert s1["text"] == "understand pain and thus how self-management can be effective"
    assert s1["n"] == 3
    # s1 at baseline: 1, 2 and 5
    assert s1["counts"] == {"1": 1, "2": 1, "3": 0, "4": 0, "5": 1, "blank": 0}
    assert s1["shares"] == pytest.approx(
        {"1": 1 / 3, "2": 1 / 3, "3": 0, "4": 0, "5": 1 / 3, "blank": 0}
    )
    assert s2["counts"] == {"1": 1, "2": 2, "3": 0, "4": 0, "5": 0, "blank": 0}
    # s14: 1 left it blank, 2 answered 2; the blank counts in n and in the shares
    s14 = baseline["items"][13]
    assert s14["counts"] == {"1": 0, "2": 2, "3": 0, "4": 0, "5": 0, "blank": 1}
    assert s14["shares"]["blank"] == pytest.approx(1 / 3)

    follow_up = distribution(report, "month_3")
    assert follow_up["n"] == 2
    assert follow_up["items"][0]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "blank": 1}
    assert follow_up["items"][1]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "blank": 0}
    for entry in report["item_distributions"]:
        assert [item["item"] for item in entry["items"]] == [f"s{n}" for n in range(1, 15)]
        for item in entry["items"]:
            assert sum(item["counts"].values()) == item["n"]
            assert math.isclose(sum(item["shares"].values()), 1)
            assert list(item["counts"]) == list(RESPONSE_CATEGORIES)


def test_statements_name_every_item_with_its_footstep(tiny):
    statements = course_runs_report(small_number_threshold=0)["statements"]
    assert list(statements) == [f"s{n}" for n in range(1, 15)]
    assert [s["footstep"] for s in statements.values()] == FOOTSTEP_OF
    assert statements["s4"] == {
        "footstep": 3,
        "footstep_title": "Pacing",
        "text": "use pacing skills to balance their daily activities",
    }


def test_small_counts_are_masked_and_their_shares_withheld(tiny):
    report = course_runs_report(small_number_threshold=2)
    baseline = distribution(report, "baseline")
    assert baseline["n"] == 3
    s2 = baseline["items"][1]  # 1, 2, 2: the two 2s stay
    assert s2["counts"] == {"1": "<2", "2": 2, "3": "<2", "4": "<2", "5": "<2", "blank": "<2"}
    assert s2["shares"] == {"1": None, "2": pytest.approx(2 / 3)} | dict.fromkeys(
        ["3", "4", "5", "blank"]
    )
    follow_up = distribution(course_runs_report(small_number_threshold=3), "month_3")
    assert follow_up["n"] == "<3"
    assert follow_up["items"][0]["n"] == "<3"
    assert set(follow_up["items"][0]["counts"].values()) == {"<3"}
    assert set(follow_up["items"][0]["shares"].values()) == {None}


def test_a_lone_small_count_takes_the_next_smallest_with_it(course_run):
    # s1 answered 1, 2, 3, 4 and 5 once each, nobody left it blank: with the threshold at 1
    # only the blank count (0) is small, which 5 - (1 + 1 + 1 + 1 + 1) would give away.
    for rating in range(1, 6):
        answers(course_run, ("baseline", ratings(3, s1=rating)))
    s1 = distribution(course_runs_report(small_number_threshold=1), "baseline")["items"][0]
    assert s1["n"] == 5
    assert s1["counts"] == {"1": None, "2": 1, "3": 1, "4": 1, "5": 1, "blank": "<1"}
    assert s1["shares"]["1"] is None and s1["shares"]["blank"] is None
    assert s1["shares"]["2"] == pytest.approx(0.2)
    # s2: everyone answered 3, five counts are small: none needs company
    s2 = distribution(course_runs_report(small_number_threshold=1), "baseline")["items"][1]
    assert s2["counts"] == {"1": "<1", "2": "<1", "3": 5, "4": "<1", "5": "<1", "blank": "<1"}


def test_reliable_change_threshold_by_hand(course_run):
    rows = np.array(
        [
            [1, 2, 2, 1, 2, 3, 1, 2, 2, 2, 2, 1, 2, 2],
            [3, 3, 4, 3, 3, 3, 4, 3, 3, 4, 3, 3, 3, 4],
            [2, 3, 2, 2, 3, 2, 3, 2, 3, 2, 2, 3, 2, 2],
            [4, 4, 5, 4, 4, 4, 5, 4, 4, 5, 4, 4, 5, 4],
            [2, 2, 3, 3, 2, 2, 2, 3, 2, 3, 3, 2, 2, 3],
        ]
    )
    for i, row in enumerate(rows):
        waves = [("baseline", list(row))]
        if i < 3:
            waves.append(("month_3", list(np.minimum(row + 1, 5))))
        answers(course_run, *waves)
    answers(course_run, ("baseline", ratings(5)), mandatory_completed=False)  # not analysed

    # Footstep scores, alpha of the ten of them, SD of the overall score (DESIGN.md).
    footsteps = np.column_stack(
        [
            rows[:, [i for i, f in enumerate(FOOTSTEP_OF) if f == number]].mean(axis=1)
            for number in range(1, 11)
        ]
    )
    k = footsteps.shape[1]
    alpha = k / (k - 1) * (1 - footsteps.var(axis=0, ddof=1).sum() / footsteps.sum(1).var(ddof=1))
    sd = footsteps.mean(axis=1).std(ddof=1)
    se = math.sqrt(2) * sd * math.sqrt(1 - alpha)

    report = course_runs_report(small_number_threshold=0)
    reference = report["reliable_change_se"]
    assert reference["n"] == 5
    assert reference["reliability"] == pytest.approx(alpha, rel=1e-12)
    assert reference["sd_baseline"] == pytest.approx(sd, rel=1e-12)
    assert reference["se_difference"] == pytest.approx(se, rel=1e-12)
    assert reference["critical_difference"] == pytest.approx(1.959963984540054 * se, rel=1e-12)
    assert reference["reason"] is None
    # The same SE as the per-wave reliable change (which repeats it).
    assert report["reliable_change"][0]["se_difference"] == pytest.approx(se, rel=1e-12)
    assert course_runs_report(small_number_threshold=10)["reliable_change_se"]["n"] == "<10"


def test_reliable_change_threshold_needs_three_baselines(course_run):
    answers(course_run, ("baseline", ratings(2)))
    answers(course_run, ("baseline", ratings(3, s1=5)))
    reference = course_runs_report(small_number_threshold=0)["reliable_change_se"]
    assert reference["se_difference"] is None and reference["critical_difference"] is None
    assert reference["n"] == 2
    assert "reliability" in reference["reason"]


def test_a_lone_small_part_of_the_matched_pairs_takes_the_smaller_shown_part_with_it():
    from analytics.reports import _withhold_flow_complement

    # 26 pairs = 1 (masked) + 18 + 7: 26 - 18 - 7 would give the 1 away.
    flow = {
        "matched_pairs": 26,
        "excluded_mandatory_not_completed": "<5",
        "excluded_incomplete": 18,
        "analysed": 7,
    }
    _withhold_flow_complement(flow)
    assert flow["analysed"] is None and flow["excluded_incomplete"] == 18
    # Two masked parts give away only their sum, which is not one person's.
    row = {
        "matched_pairs": 26,
        "excluded_mandatory_not_completed": "<5",
        "excluded_incomplete": "<5",
        "analysed": 20,
    }
    before = dict(row)
    _withhold_flow_complement(row)
    assert row == before


def test_a_count_withheld_across_groups_is_not_given_away_within_its_own_flow():
    from analytics.reports import _withhold_complements

    def group(matched, mandatory, incomplete, analysed):
        share = {"count": 10, "n": 20, "share": 0.5}
        return {
            "flow": {
                "matched_pairs": matched,
                "excluded_mandatory_not_completed": mandatory,
                "excluded_incomplete": incomplete,
                "analysed": analysed,
            },
            "wave_flow": [],
            "sample": {
                "baseline_respondents": 20,
                "professions": [],
                "years_experience": {"n": 20},
                "optional_sessions_attended": {"n": 20},
                "uses_resources_at_baseline": dict(share),
                "used_resources_at_follow_up": dict(share),
            },
        }

    # Only the second group's analysed count is small: the first group's 30 is withheld
    # across groups, which its own 40 - 6 - 4 would give back, so its 4 goes too; then the
    # second group's 12 - 5 - "<5" ties its 5 to the hidden count, and so on until stable.
    rows = [group(40, 6, 4, 30), group(12, 5, 5, "<5")]
    _withhold_complements(rows)
    first, second = (row["flow"] for row in rows)
    assert first["analysed"] is None and first["excluded_incomplete"] is None
    for flow in (first, second):
        hidden = [key for key, value in flow.items() if value is None or isinstance(value, str)]
        assert len(hidden) != 1, flow  # never one hidden count that the others give away
    by_key = {key: [row["flow"][key] for row in rows] for key in first}
    for key, values in by_key.items():
        hidden = [v for v in values if v is None or isinstance(v, str)]
        assert len(hidden) != 1, key
