"""Figures of the evaluation report: the spider chart (Figure 2), the participant flow, the
answers to each statement (diverging stacked bars) and the reliable change counts.

Both are built from the report dict of ``analytics.reports`` so the chart always shows
the numbers of the table. Static images come from kaleido driving the system Chromium
(choreographer finds ``chromium`` on PATH, or the ``BROWSER_PATH`` environment variable);
every script the renderer loads is a local file, never a CDN.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import Any

import kaleido
import plotly
import plotly.graph_objects as go
from kaleido.errors import ChromeNotFoundError
from plotly.subplots import make_subplots

from analytics.reports import FLOW_LABELS, RESPONSE_CATEGORIES, count_text
from assessments.charts import BASELINE_STYLE, FOLLOW_UP_STYLES, line_styles
from courses.waves import BASELINE, Wave

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
# The waves' lines are the trainee's chart's (assessments.charts); the trajectory's, the
# flow's and the blank answers' colours follow them.
BASELINE_COLOUR = BASELINE_STYLE.colour
FOLLOW_UP_COLOUR = FOLLOW_UP_STYLES[0].colour
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
    waves = [BASELINE, *(Wave.parse(c["wave"]) for c in report["comparisons"])]
    styles = line_styles(waves)
    for wave, (name, values) in zip(waves, spider_series(report), strict=True):
        style = styles[wave]
        figure.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*labels, labels[0]],
                name=name,
                mode="lines+markers",
                line={"color": style.colour, "width": 3, "dash": style.dash},
                marker={"size": 7, "symbol": style.marker},
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
    # Narrow screens (static/js/charts.js) show footstep numbers, with no title and narrow
    # margins; the table names the footsteps.
    short = short_labels(report)
    figure.layout.meta = {
        "short_labels": [*short, short[0]],
        "narrow_layout": {
            "title": {"text": "", "subtitle": {"text": ""}},
            "margin": {"l": 30, "r": 30, "t": 30, "b": 50},
        },
    }
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
            x, y, width, f"{heading}{FLOW_LABELS[stage]}<br><b>n = {count_text(n)}</b>", excluded
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
            f"Excluded: workshops <b>{count_text(row['excluded_mandatory_not_completed'])}</b>, "
            f"incomplete <b>{count_text(row['excluded_incomplete'])}</b>"
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


# The answers to each statement: a diverging stacked bar per statement (Heiberger & Robbins
# 2014), the less confident answers (1, 2) left of zero, the more confident (4, 5) right and
# the middle (3) split across it; blank answers in a panel of their own on the right, so
# they move no bar. Brown to teal (ColorBrewer BrBG): apart for red-green colour blindness
# and in greyscale; the labels inside use the ink or white, whichever has 4.5:1.
LIKERT_COLOURS = {
    "1": "#8c510a",
    "2": "#d8b365",
    "3": "#d9d9d9",
    "4": "#5ab4ac",
    "5": "#01665e",
    "blank": "#ffffff",
}
LIKERT_TEXT_COLOURS = {"1": "#ffffff", "5": "#ffffff"}
LIKERT_NAMES = {
    "1": "1 least confident",
    "2": "2",
    "3": "3",
    "4": "4",
    "5": "5 most confident",
    "blank": "Left blank",
}
ITEM_LABEL_LENGTH = 38
_ITEM_PANEL_HEIGHT = 30 * 14 + 40  # 14 bars and the panel's title


def _item_label(item: dict[str, Any]) -> str:
    """``s3 recognise the potential problems…``: the code and the start of the statement."""
    text = item["text"]
    if len(text) > ITEM_LABEL_LENGTH:
        text = text[: ITEM_LABEL_LENGTH + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{item['item']} {text}"


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def _distributions(report: dict[str, Any], wave: str | None) -> list[dict[str, Any]]:
    distributions = report["item_distributions"]
    if wave is None:
        return distributions
    chosen = [d for d in distributions if d["wave"] == wave]
    if not chosen:
        raise ValueError(f"the report has no wave {wave!r}; it has {report['waves']}")
    return chosen


def _likert_extent(report: dict[str, Any]) -> float:
    """Half-width of the diverging axis in percent: the longest side of any bar of any wave,
    rounded up to 10, so every wave's figure has the same scale."""
    longest = 0.0
    for distribution in report["item_distributions"]:
        for item in distribution["items"]:
            share = {key: item["shares"][key] or 0.0 for key in RESPONSE_CATEGORIES}
            middle = share["3"] / 2
            left, right = share["1"] + share["2"] + middle, share["4"] + share["5"] + middle
            longest = max(longest, left, right)
    return min(100.0, max(50.0, 10 * math.ceil(10 * longest - 1e-9)))


def item_distribution_chart(report: dict[str, Any], wave: str | None = None) -> go.Figure:
    """How the analysed participants rated each of the 14 statements at ``wave`` (a wave
    name; None: every wave, one row of panels each, for the download).

    Bars are shares of the wave's respondents (``report["item_distributions"]``): 1 and 2
    left of zero, 4 and 5 right, 3 split in half across zero, blank answers in the narrow
    panel on the right. Shares withheld by the small-number rule are left out (the bar is
    then shorter) and the subtitle says so.
    """
    distributions = _distributions(report, wave)
    labels = report["wave_labels"]
    extent = _likert_extent(report)
    most_blank = max(
        _percent(item["shares"]["blank"]) or 0.0
        for distribution in distributions
        for item in distribution["items"]
    )
    blank_extent = max(10, 5 * math.ceil(most_blank / 5 - 1e-9))
    rows = len(distributions)
    figure = make_subplots(
        rows=rows,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.84, 0.16],
        horizontal_spacing=0.02,
        vertical_spacing=min(0.08, 0.3 / rows),
        subplot_titles=[
            title
            for distribution in distributions
            for title in (
                f"{labels[distribution['wave']]} (n = {distribution['n']})",
                "Blank",
            )
        ],
    )
    # Stacked outwards from zero in trace order: the left half of 3, then 2, then 1; the
    # right half of 3, then 4, then 5.
    sides = [("3", -0.5), ("2", -1.0), ("1", -1.0), ("3", 0.5), ("4", 1.0), ("5", 1.0)]
    for row, distribution in enumerate(distributions, start=1):
        items = distribution["items"]
        y = [_item_label(item) for item in items]
        hover = [f"{item['item']}: {item['text']}" for item in items]
        for key, side in sides:
            shares = [_percent(item["shares"][key]) for item in items]
            counts = [count_text(item["counts"][key]) for item in items]
            figure.add_trace(
                go.Bar(
                    x=[None if share is None else side * share for share in shares],
                    y=y,
                    orientation="h",
                    name=LIKERT_NAMES[key],
                    legendgroup=key,
                    legendrank={"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}[key],
                    showlegend=row == 1 and side != -0.5,
                    marker={
                        "color": LIKERT_COLOURS[key],
                        "line": {"color": "#ffffff", "width": 0.5},
                    },
                    # A label inside each bar big enough for one; none on the split middle.
                    text=[
                        "" if key == "3" or share is None or share < 7 else f"{share:.0f}%"
                        for share in shares
                    ],
                    textposition="inside",
                    insidetextanchor="middle",
                    textangle=0,
                    textfont={"color": LIKERT_TEXT_COLOURS.get(key, FONT["color"])},
                    customdata=[
                        [text, "withheld" if s is None else f"{s:.0f}%", c]
                        for text, s, c in zip(hover, shares, counts, strict=True)
                    ],
                    hovertemplate="%{customdata[0]}<br>"
                    + LIKERT_NAMES[key]
                    + ": %{customdata[1]} (n = %{customdata[2]})<extra></extra>",
                ),
                row=row,
                col=1,
            )
        shares = [_percent(item["shares"]["blank"]) for item in items]
        counts = [count_text(item["counts"]["blank"]) for item in items]
        figure.add_trace(
            go.Bar(
                x=shares,
                y=y,
                orientation="h",
                name=LIKERT_NAMES["blank"],
                legendgroup="blank",
                legendrank=6,
                showlegend=row == 1,
                marker={
                    "color": LIKERT_COLOURS["blank"],
                    "line": {"color": BASELINE_COLOUR, "width": 1},
                    "pattern": {"shape": "/", "fgcolor": BASELINE_COLOUR, "size": 6},
                },
                customdata=[
                    [text, "withheld" if s is None else f"{s:.0f}%", c]
                    for text, s, c in zip(hover, shares, counts, strict=True)
                ],
                hovertemplate="%{customdata[0]}<br>Left blank: %{customdata[1]}"
                " (n = %{customdata[2]})<extra></extra>",
            ),
            row=row,
            col=2,
        )
    ticks = [t for t in range(-100, 101, 25) if abs(t) <= extent]
    figure.update_xaxes(
        range=[-extent, extent],
        tickvals=ticks,
        ticktext=[f"{abs(t)}%" for t in ticks],
        zeroline=True,
        zerolinecolor=FONT["color"],
        zerolinewidth=2,
        col=1,
    )
    figure.update_xaxes(
        range=[0, blank_extent * 1.1],
        tickvals=[0, blank_extent / 2, blank_extent],
        ticktext=["0", f"{blank_extent / 2:g}%", f"{blank_extent:g}%"],
        col=2,
    )
    figure.update_yaxes(autorange="reversed", tickfont={"size": 12})
    figure.update_xaxes(title_text="Share of respondents", row=rows, col=1)
    note = "1–2 left of the line, 4–5 right, 3 split across it"
    if report.get("small_number_note"):
        note += f"; shares of fewer than {report['small_number_threshold']} people withheld"
    title = "Answers to each statement" + (
        "" if wave is None else f": {labels[distributions[0]['wave']].lower()}"
    )
    figure.update_layout(
        title={"text": title, "subtitle": {"text": note}},
        barmode="relative",
        bargap=0.25,
        font=FONT,
        template="plotly_white",
        height=_ITEM_PANEL_HEIGHT * rows + 190,
        margin={"l": 320, "r": 20, "t": 110, "b": 110},
        legend={
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "y": 0.005,
            "yanchor": "bottom",
            "yref": "container",
            "traceorder": "normal",
        },
        uniformtext={"minsize": 10, "mode": "hide"},
        # Narrow screens (static/js/charts.js): the codes alone, the table names the statements.
        meta={
            "short_labels": [item["item"] for item in distributions[0]["items"]],
            "short_axis": "y",
            "narrow_layout": _narrow_item_layout(rows, ticks, blank_extent),
            # Labels inside the bars would not fit; hovering and the table give the shares.
            "narrow_trace": {"textposition": "none"},
        },
    )
    figure.update_annotations(font={"size": 13})
    return figure


def _narrow_item_layout(rows: int, ticks: list[int], blank_extent: float) -> dict[str, Any]:
    """The item chart's layout on a phone: no title, narrow margins and fewer ticks, which
    fit: the Likert panels (odd x axes) every 50%, the blank ones (even) at their ends."""
    wide = [t for t in ticks if t % 50 == 0]
    layout = {
        "margin": {"l": 40, "r": 34, "t": 40, "b": 150},
        "title": {"text": "", "subtitle": {"text": ""}},
    }
    for row in range(1, rows + 1):
        layout[f"xaxis{'' if row == 1 else 2 * row - 1}"] = {
            "tickvals": wide,
            "ticktext": [f"{abs(t)}%" for t in wide],
        }
        layout[f"xaxis{2 * row}"] = {
            "tickvals": [0, blank_extent],
            "ticktext": ["0", f"{blank_extent:g}%"],
        }
    return layout


def item_distribution_description(report: dict[str, Any], wave: str) -> str:
    """A text alternative for one wave's item chart: where the most and least confident
    answers are; the table beside it gives every count."""
    (distribution,) = _distributions(report, wave)
    label = report["wave_labels"][wave].lower()
    confident = [
        (item["shares"]["4"] + item["shares"]["5"], item)
        for item in distribution["items"]
        if item["shares"]["4"] is not None and item["shares"]["5"] is not None
    ]
    text = (
        "Diverging bar chart of the answers of the analysed participants "
        f"{label} (n = {distribution['n']}) to each of the 14 statements, from 1 (least "
        "confident, left) to 5 (most confident, right)"
    )
    if confident:
        low = min(confident, key=lambda pair: pair[0])
        high = max(confident, key=lambda pair: pair[0])
        text += (
            f": the share answering 4 or 5 ranges from {100 * low[0]:.0f}% "
            f"({low[1]['item']}, {low[1]['text']}) to {100 * high[0]:.0f}% "
            f"({high[1]['item']}, {high[1]['text']})"
        )
    return text + ". The table gives every count and share."


def item_distribution_image_size(report: dict[str, Any]) -> dict[str, int]:
    """The PNG/SVG size of :func:`item_distribution_chart` of every wave."""
    return {"width": 1100, "height": _ITEM_PANEL_HEIGHT * len(report["waves"]) + 190}


def item_distribution_image(report: dict[str, Any], image_format: str) -> bytes:
    """Every wave's item chart as one PNG or SVG (see :func:`figure_image`)."""
    return figure_image(
        item_distribution_chart(report), image_format, item_distribution_image_size(report)
    )


RELIABLE_CHANGE_COLOURS = {
    "deteriorated": "#8c510a",
    "no_change": "#d9d9d9",
    "improved": "#01665e",
}
RELIABLE_CHANGE_NAMES = {
    "deteriorated": "Reliably worse",
    "no_change": "No reliable change",
    "improved": "Reliably improved",
}


def reliable_change_chart(report: dict[str, Any]) -> go.Figure:
    """Per follow-up wave, a horizontal bar of the participants whose overall score reliably
    deteriorated, did not change reliably and reliably improved (counts, left to right).
    Counts masked by the small-number rule, and waves where the threshold is not defined,
    have no bar segment; the table beside the chart gives every count."""
    rows = report["reliable_change"]
    labels = report["wave_labels"]
    y = [labels[row["wave"]] for row in rows]
    figure = go.Figure()
    for key, name in RELIABLE_CHANGE_NAMES.items():
        counts = [row[key] if isinstance(row[key], int) else None for row in rows]
        figure.add_trace(
            go.Bar(
                x=counts,
                y=y,
                orientation="h",
                name=name,
                marker={
                    "color": RELIABLE_CHANGE_COLOURS[key],
                    "line": {"color": "#ffffff", "width": 0.5},
                },
                text=[str(row[key]) if row[key] is not None else "" for row in rows],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": FONT["color"] if key == "no_change" else "#ffffff"},
                hovertemplate="%{y}: " + name.lower() + " %{text}<extra></extra>",
            )
        )
    figure.update_layout(
        title={"text": "Reliable change of the overall score"},
        barmode="stack",
        font=FONT,
        template="plotly_white",
        height=170 + 60 * max(len(rows), 1),
        margin={"l": 130, "r": 20, "t": 60, "b": 100},
        xaxis={"title": {"text": "Participants"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
        legend={
            "orientation": "h",
            "x": 0,
            "y": 0.01,
            "yanchor": "bottom",
            "yref": "container",
            "traceorder": "normal",
        },
        uniformtext={"minsize": 10, "mode": "hide"},
        meta={"narrow_layout": {"margin": {"l": 110, "r": 10, "t": 40, "b": 120}}},
    )
    return figure


def reliable_change_description(report: dict[str, Any]) -> str:
    """A text alternative for :func:`reliable_change_chart`."""
    labels = report["wave_labels"]
    parts = []
    for row in report["reliable_change"]:
        if row["improved"] is None:
            parts.append(f"{labels[row['wave']].lower()} not computed")
        else:
            parts.append(
                f"{labels[row['wave']].lower()}: {row['improved']} improved, "
                f"{row['no_change']} no reliable change, {row['deteriorated']} worse "
                f"(n = {row['n']})"
            )
    return "Reliable change of the overall score from the baseline: " + "; ".join(parts) + "."


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
