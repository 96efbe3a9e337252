"""A trainee's own confidence per footstep, as numbers and as a plotly spider chart."""

import importlib.util
import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from itertools import cycle
from math import isnan
from pathlib import Path
from statistics import NormalDist, fmean

from assessments import scoring
from assessments.models import RATING_MAX, RATING_MIN, Response
from courses.models import Footstep, FootstepModulePage
from courses.waves import BASELINE, Wave

SUGGESTIONS = 3
# A change is reliable when it exceeds this many SEs of the difference (two-sided 95%; the
# evaluation's cut-off, Jacobson & Truax 1991).
RELIABLE_CHANGE_Z = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class LineStyle:
    colour: str
    dash: str
    marker: str


# Each wave's line in every chart, the trainee's and the evaluation's: told apart by colour,
# dash and marker alike, so no one needs to see colour, and in greyscale; every colour has at
# least 4.5:1 contrast on white. The baseline is grey and dashed; later follow-ups of a long
# schedule reuse the styles in turn.
BASELINE_STYLE = LineStyle("#4b5766", "dash", "circle")
FOLLOW_UP_STYLES = (
    LineStyle("#005a70", "solid", "square"),
    LineStyle("#6b4c9a", "dot", "diamond"),
    LineStyle("#a14a00", "dashdot", "triangle-up"),
    LineStyle("#2d6a2d", "longdash", "x"),
    LineStyle("#8a1c4a", "longdashdot", "star"),
)


def line_styles(waves: list[Wave]) -> dict[Wave, LineStyle]:
    """Each wave's line, in time order."""
    follow_ups = cycle(FOLLOW_UP_STYLES)
    return {w: BASELINE_STYLE if w.is_baseline else next(follow_ups) for w in sorted(waves)}


@dataclass(frozen=True)
class FootstepScore:
    """One footstep's score at each wave answered (in time order): the mean of its statements,
    or None unless all of them were answered."""

    footstep: Footstep
    scores: dict[Wave, float | None]

    @property
    def baseline(self) -> float | None:
        return self.scores.get(BASELINE)

    @property
    def latest(self) -> float | None:
        """The score at the latest wave that has one."""
        return next((s for s in reversed(self.scores.values()) if s is not None), None)

    @property
    def change(self) -> float | None:
        """From the baseline to the latest follow-up with a score."""
        follow_ups = [s for w, s in self.scores.items() if not w.is_baseline and s is not None]
        if self.baseline is None or not follow_ups:
            return None
        return follow_ups[-1] - self.baseline


def footstep_scores(response: Response) -> dict[int, float | None]:
    """Footstep number -> score, by the analysis's rule (``assessments.scoring``): a footstep
    without every one of its statements answered has no score."""
    statements = list(response.instrument.statements.all())
    (row,) = scoring.footstep_scores(
        [[getattr(response, statement.code) for statement in statements]],
        [statement.footstep.number for statement in statements],
    )
    return {number: None if isnan(score) else float(score) for number, score in enumerate(row, 1)}


def personal_scores(responses: dict[str, Response]) -> list[FootstepScore]:
    """The ten footsteps with the trainee's score at each wave they answered.

    ``responses``: wave name -> the trainee's response.
    """
    by_wave = {Wave.parse(name): footstep_scores(response) for name, response in responses.items()}
    waves = sorted(by_wave)
    return [
        FootstepScore(footstep, {wave: by_wave[wave].get(footstep.number) for wave in waves})
        for footstep in Footstep.objects.order_by("number")
    ]


def waves_of(scores: list[FootstepScore]) -> list[Wave]:
    """The waves answered, in time order; every footstep has a score (maybe None) at each."""
    return list(scores[0].scores)


def waves_in_words(waves: list[Wave]) -> str:
    """For a sentence: "before the training, 3 months after and 12 months after"."""
    labels = [wave.label[0].lower() + wave.label[1:] for wave in sorted(waves)]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


# plotly's default look ("plotly" template), which a go.Figure would embed: read from the
# installed plotly package's data without importing plotly.
PLOTLY_TEMPLATE = json.loads(
    (
        Path(importlib.util.find_spec("plotly").origin).parent
        / "package_data"
        / "templates"
        / "plotly.json"
    ).read_text(encoding="utf-8")
)


def _closed(values: list) -> list:
    """Repeat the first point so the polygon closes."""
    return [*values, values[0]] if values else []


NOT_SCORED = "not scored"


AXIS_LABEL_WIDTH = 10  # characters a line; longer names wrap, so they fit beside a phone's chart


def _at(wave: Wave) -> str:
    return "at baseline" if wave.is_baseline else f"at {wave.months} month{'s' * (wave.months > 1)}"


def axis_label(score: FootstepScore) -> str:
    """A footstep's axis: its short name (``Footstep.short_title``, which fits a phone), and
    "(not scored)" under it, with when if it was scored at other waves. No italics: plotly
    would set them in a style attribute, which the Content-Security-Policy blocks."""
    lines = textwrap.wrap(score.footstep.short_title, AXIS_LABEL_WIDTH)
    waves = list(score.scores)
    missing = [w for w in waves if score.scores[w] is None]
    if len(missing) == len(waves):
        lines.append(f"({NOT_SCORED})")
    elif missing:
        lines += [f"({NOT_SCORED}", f"{', '.join(_at(w) for w in missing)})"]
    return "<br>".join(lines)


def personal_chart(scores: list[FootstepScore]) -> dict:
    """10 footstep axes scored 1–5, a closed line per wave answered (the baseline dashed).

    A footstep without a score at a wave is left out of that wave's line, which joins the
    footsteps on either side, so the shape still reads; its axis stays, marked "not scored".
    Plain plotly JSON data for ``json_script`` (static/js/charts.js draws it with our own
    plotly.js): built as dicts, it skips plotly's Python-side validation, a third of the
    page's time; a test checks that plotly's validation returns it unchanged.
    """
    labels = [axis_label(s) for s in scores]
    traces = []
    for wave, style in line_styles(waves_of(scores)).items():
        scored = [(label, s.scores[wave]) for label, s in zip(labels, scores, strict=True)]
        scored = [(label, value) for label, value in scored if value is not None]
        traces.append(
            {
                "type": "scatterpolar",
                "r": _closed([value for _, value in scored]),
                "theta": _closed([label for label, _ in scored]),
                "name": wave.label,
                "mode": "lines+markers",
                "line": {"color": style.colour, "dash": style.dash, "width": 3},
                "marker": {"size": 8, "symbol": style.marker},
                "fill": "toself",
                "opacity": 0.75,
                "hovertemplate": "%{theta}: %{r:.1f}<extra>" + wave.label + "</extra>",
            }
        )
    layout = {
        "template": PLOTLY_TEMPLATE,
        "polar": {
            # An empty centre spreads the low scores apart, so the scale's numbers clear a
            # point at 1 or 2 too.
            "hole": 0.2,
            "radialaxis": {
                "range": [0, RATING_MAX],
                "tickvals": list(range(RATING_MIN, RATING_MAX + 1)),
                # Upright, halfway between the first two footsteps' spokes (36° apart), where
                # no point lies; without the axis line, which they would sit on.
                "angle": 63,
                "tickangle": 63,
                "showline": False,
                "side": "counterclockwise",
                "tickfont": {"size": 11, "color": "#4b5766"},
            },
            # Every footstep keeps its axis, in order, scored or not.
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "type": "category",
                "categoryorder": "array",
                "categoryarray": labels,
                # Invisible ticks push the names clear of a point at 5 on the rim.
                "ticks": "outside",
                "ticklen": 8,
                "tickcolor": "rgba(0,0,0,0)",
            },
        },
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.06, "x": 0},
        "margin": {"l": 90, "r": 90, "t": 50, "b": 70},
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1d2733"},
        "showlegend": True,
        "height": 520,
        "meta": {
            # Narrow screens (static/js/charts.js): the same short names, smaller.
            "narrow_layout": {
                "margin": {"l": 70, "r": 70, "t": 50, "b": 70},
                "height": 420,
                "font": {"size": 11},
            },
        },
    }
    return {"data": traces, "layout": layout}


@dataclass(frozen=True)
class Suggestion:
    score: FootstepScore
    module: FootstepModulePage | None


def lowest_footsteps(scores: list[FootstepScore]) -> list[Suggestion]:
    """Up to three footsteps with the lowest latest score below the top of the scale, with
    their published module (the first in the library's order) so the trainee can revisit it."""
    scored = [s for s in scores if s.latest is not None and s.latest < RATING_MAX]
    lowest = sorted(scored, key=lambda s: (s.latest, s.footstep.number))[:SUGGESTIONS]
    modules: dict[int, FootstepModulePage] = {}
    for module in FootstepModulePage.published():
        modules.setdefault(module.footstep_id, module)
    return [Suggestion(score, modules.get(score.footstep.pk)) for score in lowest]


def overall_scores(scores: list[FootstepScore]) -> dict[Wave, float | None]:
    """The overall score at each wave answered: the mean of the ten footstep scores, or None
    unless all ten exist (DESIGN.md)."""
    return {
        wave: None
        if any(s.scores[wave] is None for s in scores)
        else fmean(s.scores[wave] for s in scores)
        for wave in waves_of(scores)
    }


@dataclass(frozen=True)
class PersonalReliableChange:
    """Whether a trainee's overall score changed by more than the questionnaire's own
    measurement error, from the baseline to their latest follow-up with an overall score."""

    baseline: float
    follow_up: float
    wave: Wave
    critical_difference: float  # RELIABLE_CHANGE_Z x the SE of the difference

    @property
    def change(self) -> float:
        return self.follow_up - self.baseline

    @property
    def verdict(self) -> str:
        """ "improvement", "no_change" or "decline"."""
        if self.change > self.critical_difference:
            return "improvement"
        if self.change < -self.critical_difference:
            return "decline"
        return "no_change"


def personal_reliable_change(
    scores: list[FootstepScore], se_difference: Callable[[], float | None]
) -> PersonalReliableChange | None:
    """The trainee's reliable change, or None without a baseline and a follow-up overall
    score or without a threshold.

    ``se_difference`` gives the SE of the difference of the overall score from the
    evaluation (``selectors.reliable_change_se``); it is called only when the trainee has
    both scores, since it reads every run's answers when its cached value has aged.
    """
    overall = overall_scores(scores)
    baseline = overall.get(BASELINE)
    follow_ups = [(w, s) for w, s in overall.items() if not w.is_baseline and s is not None]
    if baseline is None or not follow_ups:
        return None
    se = se_difference()
    if se is None:
        return None
    wave, follow_up = follow_ups[-1]
    return PersonalReliableChange(baseline, follow_up, wave, RELIABLE_CHANGE_Z * se)
