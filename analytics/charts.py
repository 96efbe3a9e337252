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
from plotly.subplots import make_subplots

from analytics.reports import FLOW_LABELS
from courses.waves import Wave

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
BASELINE_COLOUR = "#4b5766"
FOLLOW_UP_COLOUR = "#005a70"
# Baseline grey, then blue, purple, orange, green: Okabe-Ito-like hues dark enough for 4.5:1.
WAVE_COLOURS = [BASELINE_COLOUR, FOLLOW_UP_COLOUR, "#6b4c9a", "#a14a00", "#2d6a2d", "#8a1c4a"]
WAVE_DASHES = ["dash", "solid", "dot", "dashdot", "longdash", "longdashdot"]
WAVE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]
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


def wave_colours(count: int) -> list[str]:
    """A colour per wave, the baseline first; distinct in greyscale and for colour blindness."""
    return [WAVE_COLOURS[k % len(WAVE_COLOURS)] for k in range(count)]


def spider_series(report: dict[str, Any]) -> list[tuple[str, list[float | None]]]:
    """(legend, mean per footstep) per wave: the baseline and the primary wave as in the
    results table (the matched pairs), every later wave from its own comparison."""
    labels = report["wave_labels"]
    series = [(labels["baseline"], [row["baseline_mean"] for row in report["footsteps"]])]
    for comparison in report["comparisons"]:
        series.append(
            (
                labels[comparison["wave"]],
                [row["follow_up_mean"] for row in comparison["footsteps"]],
            )
        )
    return series


def spider_chart(report: dict[str, Any]) -> go.Figure:
    """Mean confidence per footstep (1-5 scale) at every wave, one closed polygon each.

    The marks use the unadjusted paired-t p of each footstep in the primary comparison
    (baseline against the first follow-up), as the study did; the table gives Holm too.
    """
    labels = axis_labels(report)
    figure = go.Figure()
    series = spider_series(report)
    for k, ((name, values), colour) in enumerate(
        zip(series, wave_colours(len(series)), strict=True)
    ):
        figure.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*labels, labels[0]],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 3, "dash": WAVE_DASHES[k % len(WAVE_DASHES)]},
                marker={"size": 7, "symbol": WAVE_SYMBOLS[k % len(WAVE_SYMBOLS)]},
                connectgaps=False,
                hovertemplate="%{theta}<br>" + name + " mean %{r:.2f}<extra></extra>",
            )
        )
    figure.update_layout(
        title={
            "text": "Confidence per footstep at each wave",
            "subtitle": {
                "text": "** p < .001, * p < .05 (paired t-test, baseline against "
                f"{_primary_label(report)}, unadjusted)"
            },
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


def _primary_label(report: dict[str, Any]) -> str:
    primary = report["primary_wave"]
    return report["wave_labels"][primary].lower() if primary else "the follow-up"


def spider_chart_description(report: dict[str, Any]) -> str:
    """A text alternative for the spider chart: what it shows and where the numbers are."""
    series = spider_series(report)
    parts = []
    for k, row in enumerate(report["footsteps"]):
        values = [values[k] for _, values in series]
        if values[0] is None:
            parts.append(f"footstep {row['footstep']} has no pairs")
            continue
        mark = significance_mark(row["p"])
        shown = " to ".join("–" if v is None else f"{v:.2f}" for v in values)
        parts.append(f"footstep {row['footstep']} {shown}{' (' + mark + ')' if mark else ''}")
    waves = ", ".join(name.lower() for name, _ in series)
    return (
        "Spider chart of mean confidence (1 = least, 5 = most confident) on the ten footsteps "
        f"at each wave ({waves}): " + "; ".join(parts) + "."
    )


def trajectory_chart(report: dict[str, Any]) -> go.Figure:
    """Mean score per wave with 95% CIs on a time axis (months after the training): the
    overall score, then each footstep, as small multiples on one scale so the panels compare
    at a glance."""
    trajectory = report["trajectory"]
    labels = report["wave_labels"]
    months = [Wave.parse(name).months for name in report["waves"]]
    ticks = ["Before" if m == 0 else str(m) for m in months]
    panels = [("Overall", trajectory["overall"])] + [
        (f"{row['footstep']}. {row['title']}", row) for row in trajectory["footsteps"]
    ]
    columns = 3
    rows = -(-len(panels) // columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[title for title, _ in panels],
        shared_yaxes=True,
        vertical_spacing=0.08,
        horizontal_spacing=0.05,
    )
    for index, (title, score) in enumerate(panels):
        points = score["points"]
        y = [point["mean"] for point in points]
        ci = [point["ci"] for point in points]
        figure.add_trace(
            go.Scatter(
                x=[Wave.parse(point["wave"]).months for point in points],
                y=y,
                mode="lines+markers",
                name=title,
                showlegend=False,
                line={"color": BASELINE_COLOUR if index == 0 else FOLLOW_UP_COLOUR, "width": 2},
                marker={"size": 7},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if c[1] is None else c[1] - m for c, m in zip(ci, y, strict=True)
                    ],
                    "arrayminus": [
                        None if c[0] is None else m - c[0] for c, m in zip(ci, y, strict=True)
                    ],
                    "thickness": 1.5,
                    "width": 4,
                },
                customdata=[[labels[p["wave"]], p["n"]] for p in points],
                hovertemplate="%{customdata[0]}: mean %{y:.2f} (n = %{customdata[1]})"
                f"<extra>{title}</extra>",
            ),
            row=index // columns + 1,
            col=index % columns + 1,
        )
    figure.update_xaxes(tickvals=months, ticktext=ticks, range=[-0.8, max(months) + 0.8])
    figure.add_annotation(
        text="Months after the training",
        xref="paper",
        yref="paper",
        x=0.5,
        y=0,
        yshift=-40,
        showarrow=False,
    )
    figure.update_yaxes(range=[0.8, 5.2], tickvals=[1, 2, 3, 4, 5])
    figure.update_layout(
        title={"text": "Mean confidence at each wave (95% CI)"},
        font=FONT,
        template="plotly_white",
        height=230 * rows + 60,
        margin={"l": 40, "r": 15, "t": 80, "b": 50},
    )
    figure.update_annotations(font={"size": 12})
    return figure


def trajectory_description(report: dict[str, Any]) -> str:
    """A text alternative for the trajectory chart (the overall score's course)."""
    labels = report["wave_labels"]
    points = report["trajectory"]["overall"]["points"]
    parts = [
        f"{labels[p['wave']].lower()} {'–' if p['mean'] is None else format(p['mean'], '.2f')}"
        f" (n = {p['n']})"
        for p in points
    ]
    return (
        "Mean overall confidence (1 = least, 5 = most confident) of every analysed participant "
        "who answered each wave: " + "; ".join(parts) + ". The small panels show each footstep."
    )


# The flow diagram, as in the study's Figure 1: enrolment to the baseline, then a column
# per follow-up wave from its responses to the analysed pairs.
_BOX_HEIGHT = 0.085
_ROWS = [0.94, 0.8, 0.66, 0.5, 0.36, 0.22, 0.08]  # y centres of the stages


def _flow_box(x: float, y: float, width: float, text: str, excluded: bool = False):
    shape = {
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
    label = {
        "text": text,
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "showarrow": False,
        "font": {"size": 12},
    }
    return shape, label


def flow_chart(report: dict[str, Any]) -> go.Figure:
    """The participant flow as boxes and arrows, every wave, for PNG/SVG download."""
    flow, labels = report["flow"], report["wave_labels"]
    waves = report["wave_flow"]
    shapes, annotations = [], []

    def box(x, y, width, stage, n, excluded=False, heading=""):
        shape, label = _flow_box(
            x, y, width, f"{heading}{FLOW_LABELS[stage]}<br><b>n = {n}</b>", excluded
        )
        shapes.append(shape)
        annotations.append(label)

    for row, stage in enumerate(("enrolled", "consented", "baseline_responses")):
        box(0.5, _ROWS[row], 0.5, stage, flow[stage])
        if row:
            annotations.append(
                _arrow(0.5, _ROWS[row - 1] - _BOX_HEIGHT / 2, 0.5, _ROWS[row] + _BOX_HEIGHT / 2)
            )
    width = min(0.45, 0.96 / max(len(waves), 1) - 0.02)
    for k, row in enumerate(waves):
        x = (k + 0.5) / len(waves)
        heading = f"<i>{labels[row['wave']]}</i><br>"
        box(x, _ROWS[3], width, "follow_up_responses", row["follow_up_responses"], heading=heading)
        box(x, _ROWS[4], width, "matched_pairs", row["matched_pairs"])
        excluded = (
            f"Excluded: workshops <b>{row['excluded_mandatory_not_completed']}</b>, "
            f"incomplete <b>{row['excluded_incomplete']}</b>"
        )
        shape, label = _flow_box(x, _ROWS[5], width, excluded, excluded=True)
        shapes.append(shape)
        annotations.append(label)
        box(x, _ROWS[6], width, "analysed", row["analysed"])
        annotations.append(_arrow(0.5, _ROWS[2] - _BOX_HEIGHT / 2, x, _ROWS[3] + _BOX_HEIGHT / 2))
        for upper, lower in ((3, 4), (4, 5), (5, 6)):
            annotations.append(
                _arrow(x, _ROWS[upper] - _BOX_HEIGHT / 2, x, _ROWS[lower] + _BOX_HEIGHT / 2)
            )
    figure = go.Figure()
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
