import json
import re

import pytest

from analytics import charts
from analytics.reports import FLOW_LABELS, WAVE_FLOW_KEYS, course_runs_report
from assessments import charts as personal_charts
from courses.waves import Wave
from tests.analytics.reference import import_file
from tests.examples import EXAMPLES_DIR


def _as_report(reference: dict) -> dict:
    """R's figures in the report's shape (the parts the charts read)."""
    for comparison in [reference, *reference.get("comparisons", [])]:
        for row in comparison["footsteps"]:
            row["title"] = f"Title {row['footstep']}"
    waves = reference.get("waves", ["baseline", "month_3"])
    return reference | {
        "waves": waves,
        "wave_labels": {name: Wave.parse(name).label for name in waves},
        "primary_wave": waves[1],
        "comparisons": reference.get("comparisons")
        or [
            {
                "wave": "month_3",
                "footsteps": reference["footsteps"],
                "overall": reference["overall"],
            }
        ],
    }


@pytest.fixture
def report():
    return _as_report(json.loads((EXAMPLES_DIR / "responses.ref.json").read_text()))


@pytest.mark.parametrize(
    ("p", "mark"), [(None, ""), (0.2, ""), (0.05, ""), (0.049, "*"), (0.001, "*"), (0.0009, "**")]
)
def test_significance_marks_follow_figure_2(p, mark):
    assert charts.significance_mark(p) == mark


def test_spider_chart_has_ten_closed_axes_per_wave(report):
    figure = charts.spider_chart(report)
    baseline, follow_up = figure.data
    assert baseline.name == "Before the training" and follow_up.name == "3 months after"
    assert len(baseline.theta) == 11 and baseline.theta[0] == baseline.theta[-1]
    assert list(baseline.r[:10]) == [row["baseline_mean"] for row in report["footsteps"]]
    assert list(follow_up.r[:10]) == [row["follow_up_mean"] for row in report["footsteps"]]
    # footstep 8: p = 5.1e-05; footstep 1: p = .0034; footstep 5: p = .13
    assert baseline.theta[7] == "8. Title 8**"
    assert baseline.theta[0] == "1. Title 1*"
    assert baseline.theta[4] == "5. Title 5"
    assert figure.layout.meta["short_labels"][7] == "8**"


def test_spider_chart_overlays_every_wave():
    report = _as_report(json.loads((EXAMPLES_DIR / "waves.ref.json").read_text()))
    figure = charts.spider_chart(report)
    assert [trace.name for trace in figure.data] == [
        "Before the training",
        "3 months after",
        "6 months after",
        "12 months after",
    ]
    later = report["comparisons"][2]["footsteps"]
    assert list(figure.data[3].r[:10]) == [row["follow_up_mean"] for row in later]
    assert len({trace.line.color for trace in figure.data}) == 4
    assert len({trace.line.dash for trace in figure.data}) == 4
    # The marks are the primary comparison's (baseline against 3 months).
    assert "3 months after" in figure.layout.title.subtitle.text
    assert "12 months after" in charts.spider_chart_description(report)


def test_spider_charts_draw_each_wave_as_the_trainees_chart_does():
    """One line style per wave for the evaluation's spider chart and the trainee's."""
    report = _as_report(json.loads((EXAMPLES_DIR / "waves.ref.json").read_text()))
    waves = [Wave.parse(name) for name in report["waves"]]
    expected = personal_charts.line_styles(waves)
    drawn = [
        (trace.line.color, trace.line.dash, trace.marker.symbol)
        for trace in charts.spider_chart(report).data
    ]
    assert drawn == [(s.colour, s.dash, s.marker) for s in expected.values()]
    assert drawn[0] == ("#4b5766", "dash", "circle")


def test_trajectory_chart_has_a_panel_per_score_with_intervals(db, course_run):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    report = course_runs_report(small_number_threshold=0)
    figure = charts.trajectory_chart(report)
    assert len(figure.data) == 11  # overall and ten footsteps
    overall = figure.data[0]
    assert list(overall.x) == [0, 3, 6, 12]  # months after the training: a time axis
    assert list(figure.layout.xaxis.ticktext) == ["Before", "3", "6", "12"]
    points = report["trajectory"]["overall"]["points"]
    assert list(overall.y) == [point["mean"] for point in points]
    assert overall.error_y.array[1] == pytest.approx(points[1]["ci"][1] - points[1]["mean"])
    assert "n = " in charts.trajectory_description(report)


def test_text_alternative_names_every_footstep(report):
    text = charts.spider_chart_description(report)
    assert "footstep 8 2.82 to 3.58 (**)" in text
    assert all(f"footstep {n} " in text for n in range(1, 11))


def _flow_report(**counts) -> dict:
    waves = ["month_3", "month_6"]
    return {
        "flow": dict.fromkeys(FLOW_LABELS, 0) | counts,
        "wave_flow": [{"wave": w, **dict.fromkeys(WAVE_FLOW_KEYS, 7)} for w in waves],
        "wave_labels": {w: Wave.parse(w).label for w in ["baseline", *waves]},
    }


def test_flow_chart_shows_every_count_of_every_wave():
    report = _flow_report(enrolled=123)
    report["wave_flow"][1]["analysed"] = "<5"
    texts = [a.text for a in charts.flow_chart(report).layout.annotations if a.text]
    assert any("Enrolled" in t and "123" in t for t in texts)
    assert any("3 months after" in t for t in texts) and any("6 months after" in t for t in texts)
    assert sum("Analysed" in t for t in texts) == 2
    assert any("Analysed" in t and "<5" in t for t in texts)


def test_interactive_html_is_self_contained(report):
    html = charts.figure_html(charts.spider_chart(report), "Chart")
    # plotly.js is inlined; nothing is fetched (the bundle only mentions its CDN for maps).
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert "Plotly.newPlot" in html
    assert "<title>Chart</title>" in html


def test_image_export_uses_local_chromium(report):
    png = charts.figure_image(charts.spider_chart(report), "png")
    assert png.startswith(b"\x89PNG")
    svg = charts.figure_image(charts.flow_chart(_flow_report()), "svg")
    assert svg.lstrip().startswith(b"<svg") and b"Matched pairs" in svg


def test_image_export_rejects_other_formats(report):
    with pytest.raises(ValueError, match="png"):
        charts.figure_image(charts.spider_chart(report), "gif")


def _item_report(*waves: str, blank: int = 1) -> dict:
    """A report with ``item_distributions`` of 20 respondents per wave: statement k answered
    1, 2, 3, 4 and 5 by 2, 3, 4, 5 and 5 people, ``blank`` left it blank (the rest: 5)."""
    waves = waves or ("baseline", "month_3")
    counts = {"1": 2, "2": 3, "3": 4, "4": 5, "5": 6 - blank, "blank": blank}
    items = [
        {
            "item": f"s{n}",
            "footstep": n,
            "footstep_title": f"Footstep {n}",
            "text": f"statement {n} " + "with a long wording " * 3,
            "n": 20,
            "counts": dict(counts),
            "shares": {key: count / 20 for key, count in counts.items()},
        }
        for n in range(1, 15)
    ]
    return {
        "waves": list(waves),
        "wave_labels": {name: Wave.parse(name).label for name in waves},
        "item_distributions": [
            {"wave": w, "n": 20, "items": [dict(i, counts=dict(i["counts"])) for i in items]}
            for w in waves
        ],
        "small_number_threshold": 0,
    }


def test_item_chart_diverges_around_zero_with_the_middle_split():
    figure = charts.item_distribution_chart(_item_report(), "month_3")
    likert = {(trace.name, trace.showlegend): trace for trace in figure.data if trace.xaxis == "x"}
    assert len(figure.data) == 7  # 1, 2, the 3 twice (a half each side), 4, 5; and blank
    one, two = likert[("1 least confident", True)], likert[("2", True)]
    assert one.x[0] == pytest.approx(-10) and two.x[0] == pytest.approx(-15)
    left, right = likert[("3", False)], likert[("3", True)]
    assert left.x[0] == pytest.approx(-10) and right.x[0] == pytest.approx(10)
    assert likert[("4", True)].x[0] == pytest.approx(25)
    assert likert[("5 most confident", True)].x[0] == pytest.approx(25)
    (blank,) = [trace for trace in figure.data if trace.xaxis == "x2"]
    assert blank.name == "Left blank" and blank.x[0] == pytest.approx(5)
    assert figure.layout.barmode == "relative"
    # Stacked outwards from zero: the half 3 first on each side, 1 and 5 outermost.
    names = [trace.name for trace in figure.data]
    assert names.index("3") < names.index("2") < names.index("1 least confident")
    assert names.index("4") < names.index("5 most confident")
    # The code and the statement's start on the axis, the whole statement on hovering.
    assert one.y[0] == "s1 statement 1 with a long wording with a…"
    assert all(label.endswith("…") and len(label) <= 4 + 39 for label in one.y)
    assert "statement 1 with a long wording with a long wording" in one.customdata[0][0]
    assert figure.layout.yaxis.autorange == "reversed"  # s1 at the top
    assert "3 months after (n = 20)" in [a.text for a in figure.layout.annotations]
    meta = figure.layout.meta
    assert meta["short_labels"] == [f"s{n}" for n in range(1, 15)] and meta["short_axis"] == "y"
    assert one.text[0] == "10%" and left.text[0] == ""  # labels inside, none on the split 3


def test_item_chart_of_every_wave_has_a_row_of_panels_each():
    report = _item_report("baseline", "month_3", "month_6")
    figure = charts.item_distribution_chart(report)
    assert len(figure.data) == 7 * 3
    assert sum(trace.showlegend is not False for trace in figure.data) == 6  # one legend
    assert charts.item_distribution_image_size(report)["height"] == figure.layout.height
    with pytest.raises(ValueError, match="month_12"):
        charts.item_distribution_chart(report, "month_12")


def test_item_chart_leaves_withheld_shares_out_and_says_so():
    report = _item_report(blank=0)
    report["small_number_threshold"] = 3
    report["small_number_note"] = "Counts below 3 ..."
    item = report["item_distributions"][0]["items"][0]
    item["counts"] |= {"1": "<3", "blank": "<3", "2": None}
    item["shares"] |= {"1": None, "blank": None, "2": None}
    figure = charts.item_distribution_chart(report, "baseline")
    one = next(trace for trace in figure.data if trace.name == "1 least confident")
    assert one.x[0] is None and list(one.customdata[0][1:]) == ["withheld", "<3"]
    two = next(trace for trace in figure.data if trace.name == "2")
    assert two.customdata[0][2] == "withheld"
    assert "withheld" in figure.layout.title.subtitle.text
    description = charts.item_distribution_description(report, "baseline")
    assert "before the training (n = 20)" in description
    assert "ranges from 55% (s1," in description and "to 55%" in description


def test_reliable_change_chart_stacks_the_three_counts_per_follow_up():
    report = {
        "wave_labels": {"month_3": "3 months after", "month_6": "6 months after"},
        "reliable_change": [
            {"wave": "month_3", "n": 30, "improved": 12, "no_change": 16, "deteriorated": 2},
            {"wave": "month_6", "n": 9, "improved": None, "no_change": None, "deteriorated": None},
        ],
    }
    figure = charts.reliable_change_chart(report)
    assert [trace.name for trace in figure.data] == [
        "Reliably worse",
        "No reliable change",
        "Reliably improved",
    ]
    assert [list(trace.x) for trace in figure.data] == [[2, None], [16, None], [12, None]]
    assert list(figure.data[0].y) == ["3 months after", "6 months after"]
    assert figure.layout.barmode == "stack" and figure.data[0].orientation == "h"
    assert charts.reliable_change_description(report) == (
        "Reliable change of the overall score from the baseline: 3 months after: 12 improved, "
        "16 no reliable change, 2 worse (n = 30); 6 months after not computed."
    )
    report["reliable_change"][0] |= {"deteriorated": "<5"}
    assert list(charts.reliable_change_chart(report).data[0].x) == [None, None]


def test_item_chart_of_a_real_report(db, course_run):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    report = course_runs_report(small_number_threshold=0)
    figure = charts.item_distribution_chart(report, "month_12")
    twelve = next(d for d in report["item_distributions"] if d["wave"] == "month_12")
    five = next(trace for trace in figure.data if trace.name == "5 most confident")
    assert list(five.x) == pytest.approx([100 * i["shares"]["5"] for i in twelve["items"]])
    svg = charts.item_distribution_image(report, "svg")
    assert svg.lstrip().startswith(b"<svg") and b"12 months after" in svg
