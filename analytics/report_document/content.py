"""What the evaluation report says, independent of its format.

``report_content(data)`` turns the report dict of ``analytics.reports.build_report`` into a
title page and a list of blocks (headings, paragraphs, lists, tables, figures) that
``html``, ``pdf`` and ``docx`` lay out. The dict is already masked by the small-number rule,
so any count may be a string such as ``"<5"``; every formatter here passes strings through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any, ClassVar

import plotly.graph_objects as go
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from analytics import apa, charts
from analytics.reports import (
    FLOW_LABELS,
    RESPONSE_CATEGORIES,
    WAVE_FLOW_KEYS,
    build_report,
    count_text,
)
from analytics.sections import report_sections
from analytics.selectors import CourseRunRef, EvaluationData
from courses.models import CourseRunPage
from courses.selectors import mandatory_workshops

LANGUAGE = "en-GB"
TITLE = "Ten Footsteps to pain self-management: evaluation report"
DASH = "–"
# Charts that set only their height (trajectory, item answers) are drawn this wide.
DEFAULT_FIGURE_WIDTH = 900


# Inline text ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A piece of text in one style; ``\\n`` is a line break."""

    text: str
    italic: bool = False
    bold: bool = False
    sub: bool = False
    sup: bool = False


class Rich(tuple):
    """Styled text: a tuple of spans; ``Rich("a ", symbol("t"), Rich(...))`` joins parts.

    In a Django template it prints as HTML in which every span is escaped (templates
    ``str()`` a value before escaping it, so ``__str__`` gives that HTML too).
    """

    def __new__(cls, *parts: str | Span | Rich):
        spans = []
        for part in parts:
            if isinstance(part, Rich):
                spans.extend(part)
            elif isinstance(part, Span):
                spans.append(part)
            elif part:
                spans.append(Span(str(part)))
        return super().__new__(cls, spans)

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self)

    def __html__(self) -> str:
        out = []
        for span in self:
            text = str(escape(span.text)).replace("\n", "<br>")
            for flag, tag in STYLE_TAGS:
                if getattr(span, flag):
                    text = f"<{tag}>{text}</{tag}>"
            out.append(text)
        return "".join(out)

    def __str__(self) -> str:
        return mark_safe(self.__html__())  # noqa: S308 (every span is escaped)


# Span flags and their HTML tags, innermost first.
STYLE_TAGS = (("sub", "sub"), ("sup", "sup"), ("italic", "i"), ("bold", "b"))


class _Spans(HTMLParser):
    """The spans of the small HTML ``analytics.apa`` writes (i, b, sub, sup)."""

    TAGS: ClassVar = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold"}

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.spans: list[Span] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(self.TAGS.get(tag, tag))

    def handle_endtag(self, tag):
        if self.TAGS.get(tag, tag) in self.open:
            self.open.remove(self.TAGS.get(tag, tag))

    def handle_data(self, data):
        flags = {flag: flag in self.open for flag in ("italic", "bold", "sub", "sup")}
        self.spans.append(Span(data, **flags))


def from_html(html: str) -> Rich:
    """The spans of the small HTML of ``analytics.apa``."""
    parser = _Spans()
    parser.feed(html)
    parser.close()
    return Rich(*parser.spans)


def from_apa(text: apa.ApaText) -> Rich:
    """An ``analytics.apa`` sentence, styled as its HTML is."""
    return from_html(text.html)


def symbol(letter: str, subscript: str = "") -> Rich:
    """An italic statistical symbol with an optional subscript: d_z, r_rb, p_Holm."""
    return Rich(Span(letter, italic=True), Span(subscript, sub=True) if subscript else "")


def _italics(text: str) -> Rich:
    """``*...*`` marks italics in this module's own constant texts (the references)."""
    return Rich(*(Span(part, italic=bool(k % 2)) for k, part in enumerate(text.split("*"))))


# Numbers as analytics.apa writes them (with a real minus sign); counts may be masked
# strings, and missing values print as a dash.


def number(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else apa.number(value, digits, html=True)


def bounded(value: float | None) -> str:
    """A statistic that cannot exceed 1 (r, alpha, W): no leading zero."""
    return DASH if value is None else apa.number(value, leading_zero=False, html=True)


def p_value(p: float | None) -> str:
    """``.034``, ``.64``, ``< .001`` or ``> .99``: a table cell under a *p* heading."""
    return DASH if p is None else apa.p_value(p).removeprefix("p ").removeprefix("= ")


def degrees(df: float | None) -> str:
    return DASH if df is None else apa.degrees_of_freedom(df)


def interval(ci: list | tuple, *, leading_zero: bool = True) -> str:
    if None in ci:
        return DASH
    low, high = (apa.number(end, leading_zero=leading_zero, html=True) for end in ci)
    return f"[{low}, {high}]"


def count(n: int | str | None) -> str:
    return DASH if n is None else str(n)


def mean_sd(mean: float | None, sd: float | None) -> str:
    return DASH if mean is None else f"{number(mean)} ({number(sd)})"


def share(count_: int | str | None, total: int | str) -> str:
    """``count (share%)``; the share is withheld when either count is masked."""
    if isinstance(count_, str | None) or isinstance(total, str) or not total:
        return count(count_)
    return f"{count_} ({100 * count_ / total:.0f}%)"


# Blocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    level: int  # 1: section, 2: subsection
    anchor: str


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: Rich


@dataclass(frozen=True)
class BulletList:
    kind: ClassVar[str] = "list"
    items: tuple[Rich, ...]
    hanging: bool = False  # a reference list: hanging indents, no bullets


@dataclass(frozen=True)
class Table:
    """An APA table: numbered title above, one header row, row headers in the first
    column, the first ``text_columns`` columns text (left-aligned), the rest figures."""

    kind: ClassVar[str] = "table"
    number: int
    title: str
    columns: tuple[Rich, ...]
    rows: tuple[tuple[Rich, ...], ...]
    widths: tuple[float, ...]  # relative column widths for the page formats
    note: Rich | None = None
    text_columns: int = 1

    @property
    def label(self) -> str:
        return f"Table {self.number}"


@dataclass(frozen=True, eq=False)
class Figure:
    """A chart of ``analytics.charts``, rendered when a format asks for it (once per format:
    the PDF and the DOCX of one document share their PNGs)."""

    kind: ClassVar[str] = "figure"
    number: int
    title: str
    description: str  # the text alternative
    figure: go.Figure
    size: dict[str, int]
    _images: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return f"Figure {self.number}"

    @property
    def aspect(self) -> float:
        return self.size["height"] / self.size["width"]

    def image(self, image_format: str) -> bytes:
        """PNG or SVG, as the chart downloads give it (raises ``ChartRenderingError``)."""
        if image_format not in self._images:
            self._images[image_format] = charts.figure_image(self.figure, image_format, self.size)
        return self._images[image_format]


Block = Heading | Paragraph | BulletList | Table | Figure


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    facts: tuple[tuple[str, Rich], ...]  # the title page: label and value
    blocks: tuple[Block, ...]
    language: str = LANGUAGE

    @property
    def headings(self) -> list[Heading]:
        return [block for block in self.blocks if isinstance(block, Heading)]


# References: cited in the text by key, listed only when cited ----------------------------

REFERENCES = {
    "cohen1988": (
        "Cohen, 1988",
        "Cohen, J. (1988). *Statistical power analysis for the behavioral sciences* "
        "(2nd ed.). Erlbaum.",
    ),
    "cronbach1951": (
        "Cronbach, 1951",
        "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. "
        "*Psychometrika, 16*(3), 297–334.",
    ),
    "cumming2012": (
        "Cumming, 2012",
        "Cumming, G. (2012). *Understanding the new statistics: Effect sizes, confidence "
        "intervals, and meta-analysis*. Routledge.",
    ),
    "feldt1965": (
        "Feldt, 1965",
        "Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson "
        "reliability coefficient twenty. *Psychometrika, 30*(3), 357–370.",
    ),
    "friedman1937": (
        "Friedman, 1937",
        "Friedman, M. (1937). The use of ranks to avoid the assumption of normality implicit "
        "in the analysis of variance. *Journal of the American Statistical Association, "
        "32*(200), 675–701.",
    ),
    "hedges1985": (
        "Hedges & Olkin, 1985",
        "Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. "
        "Academic Press.",
    ),
    "holm1979": (
        "Holm, 1979",
        "Holm, S. (1979). A simple sequentially rejective multiple test procedure. "
        "*Scandinavian Journal of Statistics, 6*(2), 65–70.",
    ),
    "jacobson1991": (
        "Jacobson & Truax, 1991",
        "Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach "
        "to defining meaningful change in psychotherapy research. *Journal of Consulting and "
        "Clinical Psychology, 59*(1), 12–19.",
    ),
    "kendall1939": (
        "Kendall & Babington Smith, 1939",
        "Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *The "
        "Annals of Mathematical Statistics, 10*(3), 275–287.",
    ),
    "kerby2014": (
        "Kerby, 2014",
        "Kerby, D. S. (2014). The simple difference formula: An approach to teaching "
        "nonparametric correlation. *Comprehensive Psychology, 3*, 11.IT.3.1.",
    ),
    "lakens2013": (
        "Lakens, 2013",
        "Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative "
        "science: A practical primer for t-tests and ANOVAs. *Frontiers in Psychology, 4*, "
        "863.",
    ),
    "pinheiro2000": (
        "Pinheiro & Bates, 2000",
        "Pinheiro, J. C., & Bates, D. M. (2000). *Mixed-effects models in S and S-PLUS*. Springer.",
    ),
    "shapiro1965": (
        "Shapiro & Wilk, 1965",
        "Shapiro, S. S., & Wilk, M. B. (1965). An analysis of variance test for normality "
        "(complete samples). *Biometrika, 52*(3–4), 591–611.",
    ),
    "steiger1997": (
        "Steiger & Fouladi, 1997",
        "Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and the "
        "evaluation of statistical models. In L. L. Harlow, S. A. Mulaik, & J. H. Steiger "
        "(Eds.), *What if there were no significance tests?* (pp. 221–257). Erlbaum.",
    ),
    "student1908": (
        "Student, 1908",
        "Student. (1908). The probable error of a mean. *Biometrika, 6*(1), 1–25.",
    ),
    "welch1947": (
        "Welch, 1947",
        "Welch, B. L. (1947). The generalization of “Student's” problem when several "
        "different population variances are involved. *Biometrika, 34*(1–2), 28–35.",
    ),
    "wilcoxon1945": (
        "Wilcoxon, 1945",
        "Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics "
        "Bulletin, 1*(6), 80–83.",
    ),
}
# The effect-size variants' own texts (report["effect_size_variants"]) cite these.
VARIANT_REFERENCES = {
    "cohens_dz": ("cohen1988", "lakens2013", "steiger1997"),
    "d_av": ("cumming2012", "lakens2013"),
    "hedges_g_av": ("hedges1985",),
}


# The title page --------------------------------------------------------------------------


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def run_periods(runs: tuple[CourseRunRef, ...]) -> dict[int, str]:
    """Each run's dates as the trainer set them, else the span of its mandatory workshops."""
    periods = {}
    for run in CourseRunPage.objects.filter(id__in=[run.id for run in runs]):
        start, end = run.starts_on, run.ends_on
        workshops = mandatory_workshops(run) if start is None or end is None else []
        if workshops:
            start = start or timezone.localdate(workshops[0].starts_at)
            end = end or timezone.localdate(workshops[-1].ends_at)
        if start is not None:
            periods[run.id] = (
                _day(start) if end in (None, start) else f"{_day(start)} to {_day(end)}"
            )
    return periods


def _title_page(data: EvaluationData, report: dict[str, Any]) -> tuple[tuple[str, Rich], ...]:
    periods = run_periods(data.course_runs)
    runs = "\n".join(
        f"{run.title} ({periods.get(run.id, 'no dates set')})" for run in data.course_runs
    )
    labels = report["wave_labels"]
    generated = timezone.localtime()
    facts = [
        (
            "Course runs",
            Rich("All course runs, pooled:\n" if data.all_course_runs else "", runs or "none"),
        ),
        ("Waves", Rich(", ".join(labels[name] for name in report["waves"]))),
        (
            "Generated",
            Rich(
                f"{date_format(generated, 'j F Y, H:i')} ({timezone.get_current_timezone_name()})"
            ),
        ),
        ("Platform version", Rich(f"Ten Footsteps {settings.PLATFORM_VERSION}")),
        (
            "Data",
            Rich(
                "Pseudonymised: participants are known by a random code only, and this "
                "document holds aggregate figures only."
            ),
        ),
    ]
    if report["small_number_threshold"] > 0:
        facts.append(("Small numbers", Rich(report["small_number_note"])))
    return tuple(facts)


# The body --------------------------------------------------------------------------------


@dataclass
class _Builder:
    report: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)
    cited: set[str] = field(default_factory=set)
    tables: int = 0
    figures: int = 0

    def cite(self, *keys: str) -> str:
        """A parenthetical citation; the references it names go into the list."""
        self.cited.update(keys)
        return "(" + "; ".join(REFERENCES[key][0] for key in keys) + ")"

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level, slugify(text)))

    def paragraph(self, *parts: str | Rich) -> None:
        self.blocks.append(Paragraph(Rich(*parts)))

    def table(self, title, columns, rows, widths, note=None, text_columns=1) -> None:
        self.tables += 1
        self.blocks.append(
            Table(
                self.tables,
                title,
                tuple(Rich(column) for column in columns),
                tuple(tuple(Rich(cell) for cell in row) for row in rows),
                widths,
                Rich(note) if note else None,
                text_columns,
            )
        )

    def figure(self, title: str, description: str, figure: go.Figure, size=None) -> None:
        """A figure at ``size``, by default the chart's own width (or 900) and height."""
        self.figures += 1
        size = size or {
            "width": int(figure.layout.width or DEFAULT_FIGURE_WIDTH),
            "height": int(figure.layout.height),
        }
        self.blocks.append(Figure(self.figures, title, description, figure, size))

    def label(self, wave: str) -> str:
        return self.report["wave_labels"][wave]


def score_label(row: dict[str, Any]) -> str:
    return f"{row['footstep']}. {row['title']}"


def _scores(block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, row) of each footstep, then the overall score."""
    return [*((score_label(row), row) for row in block["footsteps"]), ("Overall", block["overall"])]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _methods(b: _Builder, data: EvaluationData) -> None:
    report = b.report
    follow_ups = [b.label(name).lower() for name in report["waves"][1:]]
    b.heading("Methods")
    b.heading("Participants", 2)
    b.paragraph(
        "Participants are the trainees of the chosen course runs who consented to research use "
        "of their answers; nobody else's answers are counted. Only those who completed the "
        "mandatory part of the training, that is who attended both mandatory workshops "
        "(attendance for trainees on the platform; mandatory_completed in every row of the "
        "file for imported records), are analysed. Each participant is known by a random "
        "code, which pairs their questionnaires across the waves (Figure 1)."
    )
    b.heading("Measures", 2)
    b.paragraph(
        "Confidence in supporting people with persistent pain was rated on the 14 statements "
        f"of Table {b.tables + 1} (1 = least confident, 5 = most confident) before the training",
        f" and {_join(follow_ups)}" if follow_ups else " (no follow-up has been answered yet)",
        ". A footstep score is the mean of that footstep's statements and exists only when "
        "every statement of the footstep was answered; the overall score is the mean of the "
        "ten footstep scores and exists only when all ten exist.",
    )
    b.table(
        "The confidence statements: “How confident are you supporting people with "
        "persistent pain to …”",
        ["Item", "Footstep", "Statement"],
        [
            [item.code, f"{item.footstep}. {data.footstep_titles[item.footstep - 1]}", item.text]
            for item in data.items
        ],
        (0.07, 0.31, 0.62),
        text_columns=3,
    )
    b.heading("Statistical analysis", 2)
    primary = report["primary_wave"]
    if primary:
        b.paragraph(
            "Each follow-up wave was compared with the baseline, per footstep and for the "
            "overall score, over the participants with that score at both waves; the primary "
            f"comparison is with the earliest follow-up ({b.label(primary).lower()}). For each "
            "score: the means and SDs of both waves, the mean difference (follow-up minus "
            "baseline) with its 95% CI, Student's paired t test ",
            b.cite("student1908"),
            ", two-sided, and the Wilcoxon signed-rank test ",
            b.cite("wilcoxon1945"),
            " (normal approximation with continuity correction) on the differences rounded "
            "to 10 decimals, since scores are means and equal differences could otherwise "
            "differ in the last bit and hide ties and zeros. The p values of the ten "
            "footsteps were adjusted with Holm's method ",
            b.cite("holm1979"),
            " within each comparison (",
            symbol("p", "Holm"),
            "). The Shapiro–Wilk test ",
            b.cite("shapiro1965"),
            " of the differences (3 ≤ n ≤ 5000) checks the t test's assumption of normality.",
        )
        b.paragraph("Every effect size is named by its variant:")
        items = []
        for key, text in report["effect_size_variants"].items():
            keys = VARIANT_REFERENCES.get(key, ())
            # Cite what the text does not cite itself ("Cumming 2012").
            uncited = [k for k in keys if REFERENCES[k][0].replace(",", "") not in text]
            b.cited.update(keys)
            items.append(
                Rich(text.removesuffix("."), f" {b.cite(*uncited)}" if uncited else "", ".")
            )
        items.append(
            Rich(
                "The matched-pairs rank-biserial correlation ",
                symbol("r", "rb"),
                " of the Wilcoxon test: differences rounded to 10 decimals, zeros dropped, "
                "average ranks ",
                b.cite("kerby2014"),
                ".",
            )
        )
        b.blocks.append(BulletList(tuple(items)))
    if report["longitudinal"] is not None:
        b.paragraph(
            f"With {len(follow_ups)} follow-up waves, the change over every wave was analysed "
            "for each score with the linear mixed model score ~ wave + (1 | participant), "
            "a random intercept per participant, fitted by REML to every available score, so "
            "that participants who missed a wave still count ",
            b.cite("pinheiro2000"),
            "; the baseline is the reference and the degrees of freedom follow nlme's "
            "between/within rule. Friedman's test ",
            b.cite("friedman1937"),
            " over the participants with the score at every wave (scores rounded to 10 "
            "decimals before ranking) gives Kendall's ",
            symbol("W"),
            " = χ² / (n (k − 1)) ",
            b.cite("kendall1939"),
            ".",
        )
    if report["attrition"]:
        b.paragraph(
            "Attrition: for each follow-up wave, the baseline overall scores of the analysed "
            "participants who answered it were compared with those of the ones who did not, "
            "with Welch's t test ",
            b.cite("welch1947"),
            " and Cohen's ",
            symbol("d"),
            " with the pooled SD.",
        )
    b.paragraph(
        "Reliability: Cronbach's alpha ",
        b.cite("cronbach1951"),
        " of the 14 statements at each wave, over the analysed participants' responses with "
        "all 14 answered, with Feldt's 95% CI ",
        b.cite("feldt1965"),
        ", item-rest correlations and alpha if an item is dropped.",
    )
    if report["reliable_change"]:
        b.paragraph(
            "Reliable change of the overall score ",
            b.cite("jacobson1991"),
            ": with the reliability taken as the alpha of the ten baseline footstep scores, "
            "the SE of a difference is √2 × SD(baseline) × √(1 − reliability), and a change "
            "larger than 1.96 SE is reliable.",
        )
    b.paragraph(
        "The figures were calculated by the Ten Footsteps platform, version "
        f"{settings.PLATFORM_VERSION}; its test suite checks every one of them against R "
        "(t.test, effectsize, p.adjust, wilcox.test, nlme, friedman.test, psych)."
    )
    if report["small_number_threshold"] > 0:
        b.paragraph("Small numbers: ", report["small_number_note"])


def flow_description(report: dict[str, Any]) -> str:
    """A text alternative for the flow diagram, with every count it shows."""
    flow = report["flow"]
    parts = [
        f"{FLOW_LABELS[key].lower()} {count_text(flow[key])}"
        for key in ("enrolled", "consented", "baseline_responses")
    ]
    for row in report["wave_flow"]:
        stages = ", ".join(
            f"{FLOW_LABELS[key].lower()} {count_text(row[key])}" for key in WAVE_FLOW_KEYS
        )
        parts.append(f"{report['wave_labels'][row['wave']].lower()}: {stages}")
    return "Participant flow diagram: " + "; ".join(parts) + "."


def _flow(b: _Builder) -> None:
    report = b.report
    b.heading("Participant flow")
    b.figure(
        "Participant flow from enrolment to the analysis of each wave",
        flow_description(report),
        charts.flow_chart(report),
        charts.FLOW_IMAGE_SIZE,
    )
    flow, waves = report["flow"], report["wave_flow"]
    columns = ["Stage", *(b.label(row["wave"]) for row in waves)] if waves else ["Stage", "n"]
    rows = [
        [
            label,
            *(
                (count_text(row[key]) for row in waves)
                if key in WAVE_FLOW_KEYS and waves
                else [count_text(flow[key])] * max(len(waves), 1)
            ),
        ]
        for key, label in FLOW_LABELS.items()
    ]
    b.table(
        "Participants at each stage",
        columns,
        rows,
        (0.46, *[0.54 / (len(columns) - 1)] * (len(columns) - 1)),
        "Enrolment, consent and the baseline are the same for every wave.",
    )


def _sample(b: _Builder) -> None:
    sample = b.report["sample"]
    total = sample["baseline_respondents"]
    b.heading("Sample")
    years = sample["years_experience"]
    rows = [["Baseline respondents", count(total)]]
    rows += [
        [f"Profession: {row['label']}", share(row["count"], total)] for row in sample["professions"]
    ]
    rows.append(
        [
            Rich(
                "Years supporting people with persistent pain, ",
                symbol("M"),
                " (",
                symbol("SD"),
                "), range",
            ),
            DASH
            if years["mean"] is None
            else f"{mean_sd(years['mean'], years['sd'])}, {number(years['min'], 1)}–"
            f"{number(years['max'], 1)}; n = {years['n']}",
        ]
    )
    for key, text in (
        ("uses_resources_at_baseline", "Used self-management resources before the training"),
        ("used_resources_at_follow_up", "Has used the resources with patients since the training"),
    ):
        row = sample[key]
        rows.append(
            [
                text,
                DASH
                if row["n"] == 0
                else f"{row['count']} of {row['n']}"
                + ("" if row["share"] is None else f" ({100 * row['share']:.0f}%)"),
            ]
        )
    optional = sample["optional_sessions_attended"]
    rows.append(
        [
            Rich("Optional Q&A sessions attended, ", symbol("M")),
            DASH
            if optional["mean"] is None
            else f"{number(optional['mean'])}; n = {optional['n']}",
        ]
    )
    primary = b.report["primary_wave"]
    b.table(
        "Who answered the baseline questionnaire",
        ["Characteristic", "n (%) or value"],
        rows,
        (0.62, 0.38),
        "Percentages are of the baseline respondents. Resource use since the training is from "
        + (f"the follow-up {b.label(primary).lower()}" if primary else "the follow-up")
        + "; optional sessions from attendance, or the follow-up answers of imported records.",
        text_columns=2,
    )


def _results(b: _Builder) -> None:
    report = b.report
    b.heading("Results: before the training against each follow-up")
    if not report["comparisons"]:
        b.paragraph("No follow-up questionnaire has been answered yet, so there is no comparison.")
        return
    before = b.label("baseline")
    for k, comparison in enumerate(report["comparisons"]):
        after = b.label(comparison["wave"])
        b.heading(f"{before} against {after.lower()}" + (" (primary)" if k == 0 else ""), 2)
        overall = comparison["overall"]
        scores = _scores({**comparison, "overall": {**overall, "p_holm": None}})
        b.paragraph(
            "Overall score (",
            symbol("n"),
            f" = {count(overall['n_pairs'])} pairs): ",
            symbol("M"),
            f" = {number(overall['baseline_mean'])} (",
            symbol("SD"),
            f" = {number(overall['baseline_sd'])}) {before.lower()} and ",
            symbol("M"),
            f" = {number(overall['follow_up_mean'])} (",
            symbol("SD"),
            f" = {number(overall['follow_up_sd'])}) {after.lower()}; ",
            from_apa(apa.comparison_sentence(overall)),
            "" if overall["t"] is None else ".",
        )
        b.table(
            f"Confidence {before.lower()} and {after.lower()}, per footstep and overall",
            [
                "Score",
                symbol("n"),
                Rich("Before ", symbol("M"), " (", symbol("SD"), ")"),
                Rich("After ", symbol("M"), " (", symbol("SD"), ")"),
                "Difference [95% CI]",
                symbol("t"),
                symbol("df"),
                symbol("p"),
                symbol("p", "Holm"),
            ],
            [
                [
                    label,
                    count(row["n_pairs"]),
                    mean_sd(row["baseline_mean"], row["baseline_sd"]),
                    mean_sd(row["follow_up_mean"], row["follow_up_sd"]),
                    DASH
                    if row["mean_difference"] is None
                    else f"{number(row['mean_difference'])} {interval(row['mean_difference_ci'])}",
                    number(row["t"]),
                    degrees(row["df"]),
                    p_value(row["p"]),
                    p_value(row["p_holm"]),
                ]
                for label, row in scores
            ],
            (0.27, 0.06, 0.1, 0.1, 0.17, 0.07, 0.06, 0.08, 0.09),
            Rich(
                "Difference: follow-up minus baseline, so a positive difference is a gain in "
                "confidence. ",
                symbol("p", "Holm"),
                ": adjusted with Holm's method across the ten footsteps.",
                _reasons(scores),
            ),
        )
        b.table(
            f"Effect sizes and distribution-free checks, {before.lower()} against {after.lower()}",
            [
                "Score",
                Rich(symbol("d", "z"), " [95% CI]"),
                symbol("d", "av"),
                symbol("g", "av"),
                Rich("Wilcoxon ", symbol("p")),
                symbol("r", "rb"),
                Rich("Shapiro–Wilk ", symbol("p")),
            ],
            [
                [
                    label,
                    DASH
                    if row["cohens_dz"] is None
                    else f"{number(row['cohens_dz'])} {interval(row['cohens_dz_ci'])}",
                    number(row["d_av"]),
                    number(row["hedges_g_av"]),
                    p_value(row["wilcoxon_p"]),
                    bounded(row["rank_biserial"]),
                    p_value(row["shapiro_p"]),
                ]
                for label, row in scores
            ],
            (0.3, 0.18, 0.09, 0.09, 0.12, 0.09, 0.13),
            Rich(
                symbol("d", "z"),
                ": Cohen's d of the differences; ",
                symbol("d", "av"),
                " and ",
                symbol("g", "av"),
                ": standardised by the mean SD of the two waves, ",
                symbol("g", "av"),
                " with Hedges' correction; ",
                symbol("r", "rb"),
                ": matched-pairs rank-biserial correlation. A small Shapiro–Wilk ",
                symbol("p"),
                " means the differences are not normal, so the t test's assumption is doubtful.",
            ),
        )
    b.figure(
        "Mean confidence per footstep at each wave",
        charts.spider_chart_description(report),
        charts.spider_chart(report),
        charts.IMAGE_SIZE,
    )


def _reasons(scores: list[tuple[str, dict[str, Any]]]) -> str:
    reasons = [f"{label}: {row['reason']}" for label, row in scores if row["reason"]]
    return " No test for " + "; ".join(reasons) + "." if reasons else ""


def _longitudinal(b: _Builder) -> None:
    report = b.report
    longitudinal = report["longitudinal"]
    if longitudinal is None:
        return
    b.heading("Change over every wave")
    b.figure(
        "Mean confidence at each wave with 95% confidence intervals",
        charts.trajectory_description(report),
        charts.trajectory_chart(report),
    )
    follow_ups = report["waves"][1:]
    overall = longitudinal["overall"]
    model = overall["mixed_model"]
    effects = [
        Rich(
            f"{b.label(effect['wave']).lower()}, ",
            from_apa(apa.mixed_model_sentence(effect, model["reason"])),
        )
        for effect in model["effects"]
    ]
    b.paragraph(
        f"Overall score, mixed model ({count(model['n_participants'])} participants, "
        f"{count(model['n_observations'])} scores), change from the baseline mean "
        f"{number(model['intercept'])}: ",
        *(Rich(effect, "; " if k < len(effects) - 1 else "") for k, effect in enumerate(effects)),
        ". Friedman's test over the ",
        count(overall["friedman"]["n"]),
        " participants with every wave: ",
        from_apa(apa.friedman_sentence(overall["friedman"])),
        ".",
    )
    scores = _scores(longitudinal)
    b.table(
        "Mixed model score ~ wave + (1 | participant): change from the baseline [95% CI]",
        [
            "Score",
            Rich(symbol("n"), " (scores)"),
            symbol("df"),
            "Baseline",
            *(b.label(name) for name in follow_ups),
            Rich(symbol("SD"), "\nparticipant"),
            Rich(symbol("SD"), "\nresidual"),
        ],
        [[label, *_model_cells(row["mixed_model"], follow_ups)] for label, row in scores],
        (0.16, 0.09, 0.045, 0.08, *[0.45 / len(follow_ups)] * len(follow_ups), 0.1, 0.075),
        Rich(
            symbol("n"),
            ": participants, with the number of their scores. Estimates are differences from "
            "the baseline mean (the intercept), each with its ",
            symbol("p"),
            " below; df by nlme's between/within rule.",
            _reasons([(label, row["mixed_model"]) for label, row in scores]),
        ),
    )
    b.table(
        "Friedman's test over the participants with the score at every wave",
        ["Score", symbol("n"), "χ²", symbol("df"), symbol("p"), Rich("Kendall's ", symbol("W"))],
        [
            [
                label,
                count(row["friedman"]["n"]),
                number(row["friedman"]["statistic"]),
                degrees(row["friedman"]["df"]),
                p_value(row["friedman"]["p"]),
                bounded(row["friedman"]["kendall_w"]),
            ]
            for label, row in scores
        ],
        (0.42, 0.1, 0.12, 0.1, 0.12, 0.14),
        _reasons([(label, row["friedman"]) for label, row in scores]).strip() or None,
    )


def _model_cells(model: dict[str, Any], follow_ups: list[str]) -> list[str | Rich]:
    if model["reason"] is not None:
        return [DASH] * (len(follow_ups) + 5)
    by_wave = {effect["wave"]: effect for effect in model["effects"]}
    # Every wave's effect has the same df (the within-participant one).
    df = degrees(model["effects"][0]["df"]) if model["effects"] else DASH
    cells = [
        f"{count(model['n_participants'])} ({count(model['n_observations'])})",
        df,
        number(model["intercept"]),
    ]
    for name in follow_ups:
        effect = by_wave[name]
        cells.append(
            Rich(
                f"{number(effect['estimate'])} {interval(effect['ci'])}\n",
                from_html(apa.p_value(effect["p"], html=True)),
            )
        )
    return [*cells, number(model["sd_participant"]), number(model["sd_residual"])]


def _attrition(b: _Builder) -> None:
    rows = b.report["attrition"]
    if not rows:
        return
    b.heading("Attrition")
    b.paragraph(
        "Did those who answered a follow-up start from a different baseline than those who "
        "did not? Baseline overall scores of the analysed participants, answered against did "
        "not: ",
        *(
            Rich(
                f"{b.label(row['wave']).lower()}, ",
                from_apa(apa.attrition_sentence(row)),
                "; " if k < len(rows) - 1 else ".",
            )
            for k, row in enumerate(rows)
        ),
    )
    b.table(
        "Baseline overall score of those who answered each follow-up and of those who did not",
        [
            "Wave",
            Rich("Answered\n", symbol("n")),
            Rich(symbol("M"), " (", symbol("SD"), ")"),
            Rich("Did not\n", symbol("n")),
            Rich(symbol("M"), " (", symbol("SD"), ")"),
            "Difference",
            symbol("t"),
            symbol("df"),
            symbol("p"),
            symbol("d"),
        ],
        [
            [
                b.label(row["wave"]),
                count(row["responded"]["n"]),
                mean_sd(row["responded"]["mean"], row["responded"]["sd"]),
                count(row["not_responded"]["n"]),
                mean_sd(row["not_responded"]["mean"], row["not_responded"]["sd"]),
                number(row["mean_difference"]),
                number(row["t"]),
                degrees(row["df"]),
                p_value(row["p"]),
                number(row["cohens_d"]),
            ]
            for row in rows
        ],
        (0.16, 0.09, 0.11, 0.09, 0.11, 0.11, 0.08, 0.08, 0.09, 0.08),
        Rich(
            "Difference: answered minus did not; Welch's t test; Cohen's ",
            symbol("d"),
            " with the pooled SD.",
            _reasons([(b.label(row["wave"]), row) for row in rows]),
        ),
    )


def _reliability(b: _Builder, data: EvaluationData) -> None:
    rows = b.report["reliability"]
    b.heading("Reliability")
    b.table(
        "Internal consistency of the 14 statements at each wave",
        ["Wave", symbol("n"), "Cronbach's α", "95% CI"],
        [
            [
                b.label(row["wave"]),
                count(row["n"]),
                bounded(row["cronbach_alpha"]),
                interval(row["alpha_ci"], leading_zero=False),
            ]
            for row in rows
        ],
        (0.4, 0.15, 0.2, 0.25),
        "Responses with all 14 statements answered; Feldt's interval."
        + _reasons([(b.label(row["wave"]), row) for row in rows]),
    )
    by_item = [{item["item"]: item for item in row["items"]} for row in rows]
    b.table(
        "Item-rest correlation of each statement, with alpha if it is dropped",
        ["Item", "Footstep", *(b.label(row["wave"]) for row in rows)],
        [
            [
                item.code,
                str(item.footstep),
                *(
                    f"{bounded(items[item.code]['item_rest_r'])} "
                    f"({bounded(items[item.code]['alpha_if_dropped'])})"
                    if item.code in items
                    else DASH
                    for items in by_item
                ),
            ]
            for item in data.items
        ],
        (0.1, 0.12, *[0.78 / len(rows)] * len(rows)),
        "Each cell: the item-rest correlation (Cronbach's alpha of the other 13 statements).",
    )


def _reliable_change(b: _Builder) -> None:
    rows = b.report["reliable_change"]
    if not rows:
        return
    b.heading("Reliable change")
    reference = b.report["reliable_change_se"]
    if reference["se_difference"] is not None:
        b.paragraph(
            "Reliability of the overall score (alpha of the ten baseline footstep scores) "
            f"{bounded(reference['reliability'])}, baseline SD {number(reference['sd_baseline'])}, "
            f"SE of a difference {number(reference['se_difference'])}: a change of more than "
            f"{number(reference['critical_difference'])} points on the overall score is reliable."
        )
    b.table(
        "Reliable change of the overall score from the baseline",
        ["Wave", symbol("n"), "Improved", "No reliable change", "Deteriorated"],
        [
            [
                b.label(row["wave"]),
                count(row["n"]),
                *(share(row[key], row["n"]) for key in ("improved", "no_change", "deteriorated")),
            ]
            for row in rows
        ],
        (0.28, 0.12, 0.2, 0.2, 0.2),
        "Analysed participants with an overall score at the baseline and the wave."
        + _reasons([(b.label(row["wave"]), row) for row in rows]),
    )


def _item_distributions(b: _Builder) -> None:
    report = b.report
    b.heading("Answers to each statement")
    b.paragraph(
        "How the analysed participants who answered each wave rated each statement, from 1 "
        "(least confident) to 5 (most confident)."
    )
    categories = [key for key in RESPONSE_CATEGORIES if key != "blank"]
    for distribution in report["item_distributions"]:
        wave = distribution["wave"]
        b.figure(
            f"Answers to each statement, {b.label(wave).lower()} (n = {distribution['n']})",
            charts.item_distribution_description(report, wave),
            charts.item_distribution_chart(report, wave),
        )
        b.table(
            f"Answers to each statement, {b.label(wave).lower()}: n (%)",
            ["Item", *categories, "Blank"],
            [
                [
                    item["item"],
                    *(
                        DASH
                        if item["counts"][key] is None
                        else f"{item['counts'][key]}"
                        + (
                            ""
                            if item["shares"][key] is None
                            else f" ({100 * item['shares'][key]:.0f}%)"
                        )
                        for key in RESPONSE_CATEGORIES
                    ),
                ]
                for item in distribution["items"]
            ],
            (0.1, *[0.15] * len(RESPONSE_CATEGORIES)),
            "Percentages of the wave's respondents (n"
            f" = {distribution['n']}). {DASH}: withheld, since with the counts shown it would "
            "give a masked count away."
            if report["small_number_threshold"] > 0
            else f"Percentages of the wave's respondents (n = {distribution['n']}).",
        )


def _references(b: _Builder) -> None:
    b.heading("References")
    cited = sorted(b.cited, key=lambda key: REFERENCES[key][1])
    b.blocks.append(BulletList(tuple(_italics(REFERENCES[key][1]) for key in cited), hanging=True))


def report_content(data: EvaluationData) -> Document:
    """The whole report of the chosen runs (``build_report(data)``), ready to lay out."""
    report = build_report(data)
    b = _Builder(report)
    _methods(b, data)
    _flow(b)
    _sample(b)
    _results(b)
    _longitudinal(b)
    _attrition(b)
    _reliability(b, data)
    _reliable_change(b)
    _item_distributions(b)
    for section in report_sections():  # e.g. the qualitative analysis (analytics.sections)
        section(b, data)
    _references(b)
    subtitle = (
        "All course runs"
        if data.all_course_runs
        else ", ".join(run.title for run in data.course_runs)
    )
    return Document(TITLE, subtitle, _title_page(data, report), tuple(b.blocks))
