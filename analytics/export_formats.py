"""Every evaluation download, listed once: the dashboard, the download views, the background
jobs and the export commands all read ``EXPORTS``.

Writers take the evaluation data and return the file's bytes. The libraries behind them
(plotly, kaleido, ReportLab, python-docx, XlsxWriter, pandas, pyreadstat) are imported by
the writers when they run, so listing the downloads costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from analytics import exports
from analytics.reports import build_report
from analytics.selectors import CourseRunRef, EvaluationData

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
HTML = "text/html; charset=utf-8"
SAV = "application/x-spss-sav"


class Scale:
    """When a download is built in the background instead of inside the request."""

    NEVER = "never"  # aggregate files: quick at any size
    LARGE = "large"  # row-level files: above settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS
    ALWAYS = "always"  # the report and chart images: a browser renders them, for seconds


@dataclass(frozen=True)
class ExportFormat:
    what: str
    file_format: str
    label: str
    content_type: str
    write: Callable[[EvaluationData], bytes]
    row_level: bool = False  # needs ``evaluation_data(row_level=True)``
    scale: str = Scale.NEVER

    @property
    def is_text(self) -> bool:
        """Text files can be written to standard output by the commands."""
        return self.content_type.startswith(("text/", "application/json"))

    def filename(self, course_runs: Sequence[CourseRunRef] | None, day: date) -> str:
        scope = "-".join(run.slug for run in course_runs)[:80] if course_runs else "all-runs"
        return f"ten-footsteps-{self.what}-{scope}-{day:%Y-%m-%d}.{self.file_format}"


@dataclass(frozen=True)
class ExportGroup:
    what: str
    title: str
    formats: dict[str, ExportFormat]


# --------------------------------------------------------------------------- writers


def _statistics(writer: Callable[[dict], bytes], data: EvaluationData) -> bytes:
    return writer(build_report(data))


def _chart(chart: str, image_format: str, data: EvaluationData) -> bytes:
    from analytics import charts

    figure = getattr(charts, chart)(build_report(data))
    size = charts.FLOW_IMAGE_SIZE if chart == "flow_chart" else charts.IMAGE_SIZE
    return charts.figure_image(figure, image_format, size)


def _item_distributions(image_format: str, data: EvaluationData) -> bytes:
    from analytics import charts

    return charts.item_distribution_image(build_report(data), image_format)


def _spider_html(data: EvaluationData) -> bytes:
    from analytics import charts

    figure = charts.spider_chart(build_report(data))
    return charts.figure_html(figure, "Ten Footsteps: confidence per footstep").encode("utf-8")


def _bundle(data: EvaluationData) -> bytes:
    from analytics.bundle import analysis_bundle

    return analysis_bundle(data)


def _report(file_format: str, data: EvaluationData) -> bytes:
    from analytics.report_document import report_document

    return report_document(data, file_format)


def _responses(writer: Callable, layout: str, data: EvaluationData) -> bytes:
    return writer(data, layout)


def _group(what: str, title: str, *formats: tuple, **options) -> ExportGroup:
    """A group from (format, label, content type, writer[, scale]) rows sharing ``options``;
    a row's own scale wins over the group's."""
    rows = {}
    for fmt, label, content_type, write, *scale in formats:
        row_options = {**options, "scale": scale[0]} if scale else options
        rows[fmt] = ExportFormat(what, fmt, label, content_type, write, **row_options)
    return ExportGroup(what, title, rows)


def _responses_group(what: str, title: str, layout: str) -> ExportGroup:
    return _group(
        what,
        title,
        ("csv", "CSV", CSV, partial(_responses, exports.responses_csv, layout)),
        ("xlsx", "Excel", XLSX, partial(_responses, exports.responses_xlsx, layout)),
        ("sav", "SPSS (.sav)", SAV, partial(_responses, exports.responses_sav, layout)),
        row_level=True,
        scale=Scale.LARGE,
    )


GROUPS = [
    _group(
        "statistics",
        "Statistics (every comparison, change over the waves, attrition, flow, sample)",
        ("json", "JSON", "application/json", partial(_statistics, exports.statistics_json)),
        ("csv", "CSV", CSV, partial(_statistics, exports.statistics_csv)),
        ("xlsx", "Excel", XLSX, partial(_statistics, exports.statistics_xlsx)),
    ),
    _responses_group(
        "responses", "Pseudonymised responses (one row per participant code and wave)", "long"
    ),
    _responses_group(
        "responses-wide",
        "Pseudonymised responses, wide (one row per participant code, columns per wave)",
        "wide",
    ),
    _group(
        "spider-chart",
        "Spider chart",
        ("png", "PNG", "image/png", partial(_chart, "spider_chart", "png")),
        ("svg", "SVG", "image/svg+xml", partial(_chart, "spider_chart", "svg")),
        ("html", "Interactive HTML", HTML, _spider_html, Scale.NEVER),  # no browser needed
        scale=Scale.ALWAYS,
    ),
    _group(
        "flow-diagram",
        "Participant flow diagram",
        ("png", "PNG", "image/png", partial(_chart, "flow_chart", "png")),
        ("svg", "SVG", "image/svg+xml", partial(_chart, "flow_chart", "svg")),
        scale=Scale.ALWAYS,
    ),
    _group(
        "item-distributions",
        "Answers to each statement at each wave (diverging bar chart)",
        ("png", "PNG", "image/png", partial(_item_distributions, "png")),
        ("svg", "SVG", "image/svg+xml", partial(_item_distributions, "svg")),
        scale=Scale.ALWAYS,
    ),
    _group(
        "analysis-bundle",
        "Analysis bundle (responses, codebook, statistics and an R script that recomputes "
        "every figure)",
        ("zip", "Zip", "application/zip", _bundle),
        row_level=True,
        scale=Scale.LARGE,
    ),
    _group(
        "report",
        "Evaluation report (methods, participant flow, results, figures and references in one "
        "document)",
        ("pdf", "PDF", "application/pdf", partial(_report, "pdf")),
        ("html", "HTML", HTML, partial(_report, "html")),
        ("docx", "Word (.docx)", DOCX, partial(_report, "docx")),
        scale=Scale.ALWAYS,
    ),
]
EXPORTS: dict[str, ExportGroup] = {group.what: group for group in GROUPS}


def export_format(what: str, file_format: str) -> ExportFormat | None:
    group = EXPORTS.get(what)
    return group.formats.get(file_format) if group else None
