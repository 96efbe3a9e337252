"""A trainee's own confidence per footstep, as numbers and as a plotly spider chart."""

import json
from dataclasses import dataclass
from statistics import fmean

import plotly.graph_objects as go

from assessments.models import RATING_MAX, RATING_MIN, Response
from courses.models import Footstep, FootstepModulePage

BASELINE_COLOUR = "#6b4c9a"
FOLLOW_UP_COLOUR = "#005a70"
SUGGESTIONS = 3


@dataclass(frozen=True)
class FootstepScore:
    """One footstep's score at each wave: the mean of its statements, if all were answered."""

    footstep: Footstep
    baseline: float | None
    follow_up: float | None

    @property
    def latest(self) -> float | None:
        return self.follow_up if self.follow_up is not None else self.baseline

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.follow_up is None:
            return None
        return self.follow_up - self.baseline


def footstep_scores(response: Response) -> dict[int, float | None]:
    """Footstep number -> score, as the analysis defines it (DESIGN.md): a footstep without
    every one of its statements answered has no score."""
    ratings: dict[int, list[int | None]] = {}
    for statement in response.instrument.statements.all():
        ratings.setdefault(statement.footstep.number, []).append(getattr(response, statement.code))
    return {number: None if None in values else fmean(values) for number, values in ratings.items()}


def personal_scores(responses: dict[str, Response]) -> list[FootstepScore]:
    """The ten footsteps with the trainee's score at each wave they answered."""
    by_wave = {wave: footstep_scores(response) for wave, response in responses.items()}
    baseline = by_wave.get(Response.Wave.BASELINE, {})
    follow_up = by_wave.get(Response.Wave.FOLLOW_UP, {})
    return [
        FootstepScore(footstep, baseline.get(footstep.number), follow_up.get(footstep.number))
        for footstep in Footstep.objects.order_by("number")
    ]


def _closed(values: list) -> list:
    """Repeat the first point so the polygon closes."""
    return [*values, values[0]]


def personal_chart(scores: list[FootstepScore]) -> go.Figure:
    """10 footstep axes scored 1–5; the follow-up is overlaid once it exists."""
    labels = [f"{s.footstep.number}. {s.footstep.title}" for s in scores]
    figure = go.Figure()
    series = [("Before the training", [s.baseline for s in scores], BASELINE_COLOUR, "dash")]
    if any(s.follow_up is not None for s in scores):
        series.append(("3 months after", [s.follow_up for s in scores], FOLLOW_UP_COLOUR, "solid"))
    for name, values, colour, dash in series:
        figure.add_trace(
            go.Scatterpolar(
                r=_closed(values),
                theta=_closed(labels),
                name=name,
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3},
                marker={"size": 8},
                fill="toself",
                opacity=0.75,
                connectgaps=False,
                hovertemplate="%{theta}: %{r:.1f}<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        polar={
            "radialaxis": {
                "range": [0, RATING_MAX],
                "tickvals": list(range(RATING_MIN, RATING_MAX + 1)),
                # Between the first two footstep axes, so tick labels do not cover a name.
                "angle": 72,
                "tickangle": 72,
            },
            "angularaxis": {"direction": "clockwise", "rotation": 90},
        },
        legend={"orientation": "h", "yanchor": "top", "y": -0.06, "x": 0},
        margin={"l": 70, "r": 70, "t": 40, "b": 70},
        font={"family": "system-ui, sans-serif", "size": 13, "color": "#1d2733"},
        showlegend=True,
        height=520,
        # chart.js swaps these in on narrow screens; the table beside the chart names them.
        meta={"short_labels": _closed([str(s.footstep.number) for s in scores])},
    )
    return figure


def figure_data(figure: go.Figure) -> dict:
    """The figure as plain JSON data for ``json_script``; static/assessments/chart.js draws it
    with the plotly.js from our own static files (no inline script, no CDN)."""
    return json.loads(figure.to_json())


@dataclass(frozen=True)
class Suggestion:
    score: FootstepScore
    module: FootstepModulePage | None


def lowest_footsteps(scores: list[FootstepScore]) -> list[Suggestion]:
    """Up to three footsteps with the lowest latest score below the top of the scale, with
    their published module so the trainee can revisit it."""
    scored = [s for s in scores if s.latest is not None and s.latest < RATING_MAX]
    lowest = sorted(scored, key=lambda s: (s.latest, s.footstep.number))[:SUGGESTIONS]
    modules = {
        module.footstep_id: module
        for module in FootstepModulePage.objects.live().filter(
            footstep__in=[s.footstep for s in lowest]
        )
    }
    return [Suggestion(score, modules.get(score.footstep.pk)) for score in lowest]
