import json
import re

import pytest

from analytics import charts
from tests.analytics.test_selectors import DATA


@pytest.fixture
def report():
    reference = json.loads((DATA / "responses.ref.json").read_text())
    for row in reference["footsteps"]:
        row["title"] = f"Title {row['footstep']}"
    return reference


@pytest.mark.parametrize(
    ("p", "mark"), [(None, ""), (0.2, ""), (0.05, ""), (0.049, "*"), (0.001, "*"), (0.0009, "**")]
)
def test_significance_marks_follow_figure_2(p, mark):
    assert charts.significance_mark(p) == mark


def test_spider_chart_has_ten_closed_axes_per_wave(report):
    figure = charts.spider_chart(report)
    baseline, follow_up = figure.data
    assert baseline.name == "Baseline" and follow_up.name == "3-month follow-up"
    assert len(baseline.theta) == 11 and baseline.theta[0] == baseline.theta[-1]
    assert list(baseline.r[:10]) == [row["baseline_mean"] for row in report["footsteps"]]
    assert list(follow_up.r[:10]) == [row["follow_up_mean"] for row in report["footsteps"]]
    # footstep 8: p = 5.1e-05; footstep 1: p = .0034; footstep 5: p = .13
    assert baseline.theta[7] == "8. Title 8**"
    assert baseline.theta[0] == "1. Title 1*"
    assert baseline.theta[4] == "5. Title 5"
    assert figure.layout.meta["short_labels"][7] == "8**"


def test_text_alternative_names_every_footstep(report):
    text = charts.spider_chart_description(report)
    assert "footstep 8 2.82 to 3.58 (**)" in text
    assert all(f"footstep {n} " in text for n in range(1, 11))


def test_flow_chart_shows_every_count():
    flow = dict.fromkeys(dict(charts.FLOW_STAGES), 0) | {"enrolled": 123, "analysed": "<5"}
    texts = [a.text for a in charts.flow_chart(flow).layout.annotations if a.text]
    assert any("Enrolled" in t and "123" in t for t in texts)
    assert any("Analysed" in t and "<5" in t for t in texts)
    assert len(texts) == len(charts.FLOW_STAGES)


def test_interactive_html_is_self_contained(report):
    html = charts.figure_html(charts.spider_chart(report), "Chart")
    # plotly.js is inlined; nothing is fetched (the bundle only mentions its CDN for maps).
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert "Plotly.newPlot" in html
    assert "<title>Chart</title>" in html


def test_image_export_uses_local_chromium(report):
    png = charts.figure_image(charts.spider_chart(report), "png")
    assert png.startswith(b"\x89PNG")
    svg = charts.figure_image(charts.flow_chart(report.get("flow") or _flow()), "svg")
    assert svg.lstrip().startswith(b"<svg") and b"Matched pairs" in svg


def _flow():
    return dict.fromkeys(dict(charts.FLOW_STAGES), 7)


def test_image_export_rejects_other_formats(report):
    with pytest.raises(ValueError, match="png"):
        charts.figure_image(charts.spider_chart(report), "gif")
