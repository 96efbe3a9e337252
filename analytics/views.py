"""The evaluator's dashboard and downloads; pseudonymised data only, evaluators only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from analytics import charts, exports
from analytics.bundle import analysis_bundle
from analytics.forms import CourseRunSelectionForm
from analytics.report_document import report_document
from analytics.reports import FLOW_LABELS, build_report
from analytics.selectors import EvaluationData, course_run_choices, evaluation_data
from analytics.services import export_record
from analytics.snapshots import dashboard_snapshot
from home.roles import evaluator_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Export:
    label: str
    content_type: str
    build: Callable[[EvaluationData], bytes]


def _spider_html(data: EvaluationData) -> bytes:
    figure = charts.spider_chart(build_report(data))
    return charts.figure_html(figure, "Ten Footsteps: confidence per footstep").encode("utf-8")


EXPORTS: dict[str, dict[str, Export]] = {
    "statistics": {
        "json": Export(
            "JSON", "application/json", lambda d: exports.statistics_json(build_report(d))
        ),
        "csv": Export(
            "CSV", "text/csv; charset=utf-8", lambda d: exports.statistics_csv(build_report(d))
        ),
        "xlsx": Export("Excel", XLSX, lambda d: exports.statistics_xlsx(build_report(d))),
    },
    "responses": {
        "csv": Export("CSV", "text/csv; charset=utf-8", exports.responses_csv),
        "xlsx": Export("Excel", XLSX, exports.responses_xlsx),
        "sav": Export("SPSS (.sav)", "application/x-spss-sav", exports.responses_sav),
    },
    "responses-wide": {
        "csv": Export("CSV", "text/csv; charset=utf-8", lambda d: exports.responses_csv(d, "wide")),
        "xlsx": Export("Excel", XLSX, lambda d: exports.responses_xlsx(d, "wide")),
        "sav": Export(
            "SPSS (.sav)", "application/x-spss-sav", lambda d: exports.responses_sav(d, "wide")
        ),
    },
    "spider-chart": {
        "png": Export(
            "PNG",
            "image/png",
            lambda d: charts.figure_image(charts.spider_chart(build_report(d)), "png"),
        ),
        "svg": Export(
            "SVG",
            "image/svg+xml",
            lambda d: charts.figure_image(charts.spider_chart(build_report(d)), "svg"),
        ),
        "html": Export("Interactive HTML", "text/html; charset=utf-8", _spider_html),
    },
    "flow-diagram": {
        "png": Export(
            "PNG",
            "image/png",
            lambda d: charts.figure_image(
                charts.flow_chart(build_report(d)), "png", charts.FLOW_IMAGE_SIZE
            ),
        ),
        "svg": Export(
            "SVG",
            "image/svg+xml",
            lambda d: charts.figure_image(
                charts.flow_chart(build_report(d)), "svg", charts.FLOW_IMAGE_SIZE
            ),
        ),
    },
    "item-distributions": {
        "png": Export(
            "PNG", "image/png", lambda d: charts.item_distribution_image(build_report(d), "png")
        ),
        "svg": Export(
            "SVG",
            "image/svg+xml",
            lambda d: charts.item_distribution_image(build_report(d), "svg"),
        ),
    },
    "analysis-bundle": {"zip": Export("Zip", "application/zip", analysis_bundle)},
    "report": {
        "pdf": Export("PDF", "application/pdf", lambda d: report_document(d, "pdf")),
        "html": Export("HTML", "text/html; charset=utf-8", lambda d: report_document(d, "html")),
        "docx": Export("Word (.docx)", DOCX, lambda d: report_document(d, "docx")),
    },
}
EXPORT_TITLES = {
    "statistics": "Statistics (every comparison, change over the waves, attrition, flow, sample)",
    "responses": "Pseudonymised responses (one row per participant code and wave)",
    "responses-wide": "Pseudonymised responses, wide (one row per participant code, "
    "columns per wave)",
    "spider-chart": "Spider chart",
    "flow-diagram": "Participant flow diagram",
    "item-distributions": "Answers to each statement at each wave (diverging bar chart)",
    "analysis-bundle": "Analysis bundle (responses, codebook, statistics and an R script "
    "that recomputes every figure)",
    "report": "Evaluation report (methods, participant flow, results, figures and references "
    "in one document)",
}


def _selection(request) -> tuple[CourseRunSelectionForm, list | None, bool]:
    """The selection form, the chosen runs (None = all) and whether the input was valid."""
    form = CourseRunSelectionForm(request.GET or None, choices=course_run_choices())
    if not form.is_bound:
        return form, None, True
    if not form.is_valid():
        return form, None, False
    return form, form.selected_runs(), True


@evaluator_required
def dashboard(request):
    form, runs, valid = _selection(request)
    context = {"form": form, "valid": valid}
    if valid:
        snapshot = dashboard_snapshot(course_runs=runs, refresh="refresh" in request.GET)
        query = urlencode({"cohort": [run.slug for run in runs or []]}, doseq=True)
        context.update(
            report=snapshot.report,
            computed_at=snapshot.computed_at,
            snapshot_max_age=settings.EVALUATION_SNAPSHOT_MAX_AGE,
            runs=runs,
            chart=snapshot.chart,
            chart_description=snapshot.chart_description,
            trajectory=snapshot.trajectory,
            trajectory_description=snapshot.trajectory_description,
            snapshot=snapshot,  # its item charts, reliable change chart and APA sentences
            flow_labels=FLOW_LABELS,
            downloads=[
                {
                    "title": EXPORT_TITLES[what],
                    "links": [
                        {
                            "label": export.label,
                            "url": reverse("analytics:export", args=[what, fmt])
                            + (f"?{query}" if query else ""),
                        }
                        for fmt, export in formats.items()
                    ],
                }
                for what, formats in EXPORTS.items()
            ],
        )
    return render(request, "analytics/dashboard.html", context, status=200 if valid else 400)


@evaluator_required
def export(request, what: str, file_format: str):
    export = EXPORTS.get(what, {}).get(file_format)
    if export is None:
        return render(
            request,
            "analytics/export_error.html",
            {"message": "There is no such download."},
            status=404,
        )
    form, runs, valid = _selection(request)
    if not valid:
        return render(
            request,
            "analytics/export_error.html",
            {"message": " ".join(form.errors.get("cohort", []))},
            status=400,
        )
    data = evaluation_data(
        course_runs=runs, row_level=what.startswith("responses") or what == "analysis-bundle"
    )
    try:
        content = export.build(data)
    except charts.ChartRenderingError as error:
        return render(request, "analytics/export_error.html", {"message": str(error)}, status=503)
    export_record(actor=request.user, what=what, file_format=file_format, course_runs=runs)
    scope = "-".join(run.slug for run in runs)[:80] if runs else "all-runs"
    filename = f"ten-footsteps-{what}-{scope}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response = HttpResponse(content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
