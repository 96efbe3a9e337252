"""Figures of the evaluation report: the spider chart (Figure 2) and the participant flow.

Both are built from the report dict of ``analytics.reports`` so the chart always shows
the numbers of the table. Static images come from kaleido driving the system Chromium
(choreographer finds ``chromium`` on PATH, or the ``BROWSER_PATH`` environment variable);
every script the renderer loads is a local file, never a CDN.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import kaleido
import plotly
import plotly.graph_objects as go
from kaleido.errors import ChromeNotFoundError

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
BASELINE_COLOUR = "#4b5766"
FOLLOW_UP_COLOUR = "#005a70"
IMAGE_SIZE = {"width": 900, "height": 720}
FLOW_IMAGE_SIZE = {"width": 900, "height": 760}
FONT = {"family": "Arial, sans-serif", "size": 14, "color": "#1d2733"}


class ChartRenderingError(RuntimeError):
    """A static image could not be made (no Chromium, or the renderer failed)."""


def significance_mark(p: float | None) -> str:
    """``**`` for p < .001 and ``*`` for p < .05, as in the study's Figure 2."""
    if p is None:
        return ""
    if p < 0.001:
        return "**"
    if p < 0.05:
        return "*"
    return ""


def axis_labels(report: dict[str, Any]) -> list[str]:
    return [
        f"{row['footstep']}. {row['title']}{significance_mark(row['p'])}"
        for row in report["footsteps"]
    ]


def short_labels(report: dict[str, Any]) -> list[str]:
    return [f"{row['footstep']}{significance_mark(row['p'])}" for row in report["footsteps"]]


def spider_chart(report: dict[str, Any]) -> go.Figure:
    """Baseline and follow-up means on the ten footsteps (1-5 scale), one closed polygon each.

    The marks use the unadjusted paired-t p of each footstep, as the study did; the table
    beside the chart gives the Holm-adjusted p as well.
    """
    labels = axis_labels(report)
    figure = go.Figure()
    for key, name, colour, dash in (
        ("baseline_mean", "Baseline", BASELINE_COLOUR, "dash"),
        ("follow_up_mean", "3-month follow-up", FOLLOW_UP_COLOUR, "solid"),
    ):
        values = [row[key] for row in report["footsteps"]]
        figure.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*labels, labels[0]],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 3, "dash": dash},
                marker={"size": 7},
                connectgaps=False,
                hovertemplate="%{theta}<br>" + name + " mean %{r:.2f}<extra></extra>",
            )
        )
    figure.update_layout(
        title={
            "text": "Confidence per footstep: baseline and 3-month follow-up means",
            "subtitle": {"text": "** p < .001, * p < .05 (paired t-test, unadjusted)"},
        },
        font=FONT,
        template="plotly_white",
        polar={
            # The radial scale sits between footsteps 1 and 2 so its numbers clear the labels.
            "radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 72},
            "angularaxis": {"direction": "clockwise", "rotation": 90},
        },
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.1, "yanchor": "top"},
        margin={"l": 150, "r": 150, "t": 120, "b": 90},
    )
    # Narrow screens swap in footstep numbers (dashboard.js); the table names the footsteps.
    short = short_labels(report)
    figure.layout.meta = {"short_labels": [*short, short[0]]}
    return figure


def spider_chart_description(report: dict[str, Any]) -> str:
    """A text alternative for the spider chart: what it shows and where the numbers are."""
    parts = []
    for row in report["footsteps"]:
        if row["baseline_mean"] is None:
            parts.append(f"footstep {row['footstep']} has no pairs")
            continue
        mark = significance_mark(row["p"])
        parts.append(
            f"footstep {row['footstep']} {row['baseline_mean']:.2f} to "
            f"{row['follow_up_mean']:.2f}{' (' + mark + ')' if mark else ''}"
        )
    return (
        "Spider chart of mean confidence (1 = least, 5 = most confident) on the ten footsteps "
        "at baseline and at the 3-month follow-up: " + "; ".join(parts) + "."
    )


# The flow diagram: one box per stage, as in the study's Figure 1.
FLOW_STAGES = [
    ("enrolled", "Enrolled on the course"),
    ("consented", "Consented to research use"),
    ("baseline_responses", "Baseline questionnaires"),
    ("follow_up_responses", "Follow-up questionnaires"),
    ("matched_pairs", "Matched pairs (same code at both waves)"),
    ("excluded_mandatory_not_completed", "Excluded: mandatory workshops not both attended"),
    ("excluded_incomplete", "Excluded: incomplete (no overall score at one wave)"),
    ("analysed", "Analysed (overall score)"),
]
FLOW_LABELS = dict(FLOW_STAGES)
_FLOW_LAYOUT = {
    # stage: (x centre, y centre, width) in data units of a 0..1 by 0..1 plot
    "enrolled": (0.5, 0.93, 0.5),
    "consented": (0.5, 0.77, 0.5),
    "baseline_responses": (0.27, 0.61, 0.42),
    "follow_up_responses": (0.73, 0.61, 0.42),
    "matched_pairs": (0.36, 0.43, 0.5),
    "excluded_mandatory_not_completed": (0.8, 0.33, 0.36),
    "excluded_incomplete": (0.8, 0.17, 0.36),
    "analysed": (0.36, 0.07, 0.5),
}
_FLOW_ARROWS = [
    ("enrolled", "consented"),
    ("consented", "baseline_responses"),
    ("consented", "follow_up_responses"),
    ("baseline_responses", "matched_pairs"),
    ("follow_up_responses", "matched_pairs"),
    ("matched_pairs", "analysed"),
]
_BOX_HEIGHT = 0.1


def flow_chart(flow: dict[str, Any]) -> go.Figure:
    """The participant flow as boxes and arrows (Figure 1 style), for PNG/SVG download."""
    figure = go.Figure()
    shapes, annotations = [], []
    for stage, (x, y, width) in _FLOW_LAYOUT.items():
        excluded = stage.startswith("excluded")
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": x - width / 2,
                "x1": x + width / 2,
                "y0": y - _BOX_HEIGHT / 2,
                "y1": y + _BOX_HEIGHT / 2,
                "line": {"color": "#a4161a" if excluded else FOLLOW_UP_COLOUR, "width": 2},
                "fillcolor": "#fff8f0" if excluded else "#f3f6f8",
            }
        )
        annotations.append(
            {
                "text": f"{FLOW_LABELS[stage]}<br><b>n = {flow[stage]}</b>",
                "x": x,
                "y": y,
                "xref": "x",
                "yref": "y",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    for start, end in _FLOW_ARROWS:
        x0, y0, _ = _FLOW_LAYOUT[start]
        x1, y1, _ = _FLOW_LAYOUT[end]
        annotations.append(_arrow(x0, y0 - _BOX_HEIGHT / 2, x1, y1 + _BOX_HEIGHT / 2))
    x, y, width = _FLOW_LAYOUT["matched_pairs"]
    for stage in ("excluded_mandatory_not_completed", "excluded_incomplete"):
        ex, ey, ewidth = _FLOW_LAYOUT[stage]
        annotations.append(_arrow(x, ey, ex - ewidth / 2, ey))
    figure.update_layout(
        title={"text": "Participant flow"},
        font=FONT,
        shapes=shapes,
        annotations=annotations,
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [0, 1]},
        plot_bgcolor="#ffffff",
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
    )
    return figure


def _arrow(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {
        "x": x1,
        "y": y1,
        "ax": x0,
        "ay": y0,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "",
        "showarrow": True,
        "arrowhead": 2,
        "arrowwidth": 2,
        "arrowcolor": "#4b5766",
    }


def figure_image(figure: go.Figure, image_format: str, size: dict[str, int] = IMAGE_SIZE) -> bytes:
    """PNG or SVG of a figure, rendered by kaleido in a one-off headless Chromium.

    Raises
    ------
    ChartRenderingError
        If Chromium is missing or the rendering fails.
    """
    if image_format not in {"png", "svg"}:
        raise ValueError(f"image_format must be 'png' or 'svg', got {image_format!r}")
    try:
        return kaleido.calc_fig_sync(
            figure.to_plotly_json(),
            opts={"format": image_format, "scale": 2 if image_format == "png" else 1, **size},
            # Local plotly.js and no MathJax: kaleido would otherwise fetch MathJax from a CDN.
            kopts={"plotlyjs": str(PLOTLY_JS), "mathjax": False},
        )
    except ChromeNotFoundError as error:
        raise ChartRenderingError(
            "Chromium is not installed; run `make browser` (apt-get install chromium)."
        ) from error
    except (OSError, RuntimeError) as error:
        raise ChartRenderingError(f"The chart could not be rendered: {error}") from error


def figure_html(figure: go.Figure, title: str) -> str:
    """A self-contained interactive HTML page (plotly.js inlined, works offline)."""
    return figure.to_html(
        full_html=True,
        include_plotlyjs=True,
        config={"displaylogo": False, "responsive": True},
        default_width="100%",
        default_height="90vh",
    ).replace("<head>", f'<head><meta charset="utf-8"><title>{escape(title)}</title>', 1)
