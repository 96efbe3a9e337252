import json
import re

import pytest

from analytics import charts
from analytics.reports import FLOW_LABELS, WAVE_FLOW_KEYS, export_statistics
from courses.waves import Wave
from tests.analytics.test_selectors import DATA, import_file


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
    return _as_report(json.loads((DATA / "responses.ref.json").read_text()))


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
    report = _as_report(json.loads((DATA / "waves.ref.json").read_text()))
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


def test_trajectory_chart_has_a_panel_per_score_with_intervals(db, course_run):
    import_file(DATA / "waves.csv", course_run)
    report = export_statistics(small_number_threshold=0)
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
