"""The evaluator's dashboard and downloads; pseudonymised data only, evaluators only."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.roles import evaluator_required
from analytics import download_jobs
from analytics.export_formats import EXPORTS, Scale, export_format
from analytics.forms import CourseRunSelectionForm
from analytics.models import DownloadJob
from analytics.reports import FLOW_LABELS
from analytics.sections import dashboard_sections
from analytics.selectors import (
    GROUP_LEVELS,
    analysed_runs,
    course_run_choices,
    evaluation_data,
)
from analytics.services import export_record


def _selection_data(query):
    """The query with ``?cohort=``, the parameter's old name in links made before it became
    ``?course_run=``, read as ``course_run``."""
    if "cohort" not in query:
        return query
    query = query.copy()
    query.setlist("course_run", query.getlist("course_run") + query.pop("cohort"))
    return query


def _selection(request) -> tuple[CourseRunSelectionForm, list | None, bool]:
    """The selection form, the runs to analyse (None = all runs pooled, for those who see
    every run; ``analysed_runs``) and whether the input was valid."""
    user = request.user
    # Another organisation's run is not a choice: chosen, it answers like a missing one.
    form = CourseRunSelectionForm(
        _selection_data(request.GET) or None, choices=course_run_choices(user)
    )
    if not form.is_bound:
        return form, analysed_runs(user, None), True
    if not form.is_valid():
        return form, None, False
    return form, analysed_runs(user, form.selected_runs()), True


def _error(request, message: str, status: int):
    return render(request, "analytics/export_error.html", {"message": message}, status=status)


def _downloads(runs, consented: int | str) -> list[dict]:
    """The dashboard's download links; those the worker builds open its progress page, so
    they carry no ``download`` attribute. ``consented`` is the flow's count (a masked small
    count is a string, and small)."""
    query = urlencode({"course_run": [run.slug for run in runs or []]}, doseq=True)
    large = (
        isinstance(consented, int)
        and consented > settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS
    )
    return [
        {
            "title": group.title,
            "links": [
                {
                    "label": export.label,
                    "url": reverse("analytics:export", args=[group.what, fmt])
                    + (f"?{query}" if query else ""),
                    "prepared": export.scale == Scale.ALWAYS
                    or (export.scale == Scale.LARGE and large),
                }
                for fmt, export in group.formats.items()
            ],
        }
        for group in EXPORTS.values()
    ]


@evaluator_required
def dashboard(request):
    # The snapshot module draws the charts (plotly): imported by the page that needs it, so
    # processes that only load the URLconf (management commands' checks) never pay for it.
    from analytics.snapshots import dashboard_groups, dashboard_snapshot

    form, runs, valid = _selection(request)
    context = {"form": form, "valid": valid}
    if valid:
        snapshot = dashboard_snapshot(course_runs=runs, refresh="refresh" in request.GET)
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
            downloads=_downloads(runs, snapshot.report["flow"]["consented"]),
            background_threshold=settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS,
            sections=dashboard_sections(runs),
        )
        level = form.cleaned_data.get("group_by") if form.is_bound else ""
        if level:
            context["group_level"] = GROUP_LEVELS[level]
            context["groups"] = dashboard_groups(
                course_runs=runs if runs is not None else course_run_choices(request.user),
                level=level,
                refresh="refresh" in request.GET,
            ).groups
    return render(request, "analytics/dashboard.html", context, status=200 if valid else 400)


@evaluator_required
def export(request, what: str, file_format: str):
    """The file at once, or, for what takes longer than a request may, its progress page."""
    from analytics.charts import ChartRenderingError

    export = export_format(what, file_format)
    if export is None:
        return _error(request, "There is no such download.", 404)
    form, runs, valid = _selection(request)
    if not valid:
        return _error(request, " ".join(form.errors.get("course_run", [])), 400)
    if download_jobs.runs_in_background(export, runs):
        job = download_jobs.download_job_request(user=request.user, export=export, course_runs=runs)
        return redirect("analytics:download-job", job.pk)
    data = evaluation_data(course_runs=runs, row_level=export.row_level)
    try:
        content = export.write(data)
    except ChartRenderingError as error:
        return _error(request, str(error), 503)
    export_record(actor=request.user, what=what, file_format=file_format, course_runs=runs)
    response = HttpResponse(content, content_type=export.content_type)
    filename = export.filename(runs, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _job_or_none(request, job_id: UUID) -> DownloadJob | None:
    return download_jobs.download_job_of(user=request.user, job_id=job_id)


EXPIRED = (
    "There is no such prepared download: they are kept for a day, and only the evaluator "
    "who asked for one can open it."
)


@evaluator_required
def download_job(request, job_id: UUID):
    """The progress page of a download the worker builds; it reloads itself until done."""
    job = _job_or_none(request, job_id)
    if job is None:
        return _error(request, EXPIRED, 404)
    export = export_format(job.what, job.file_format)
    response = render(
        request,
        "analytics/download_job.html",
        {
            "job": job,
            "title": EXPORTS[job.what].title if export else job.what,
            "label": export.label if export else job.file_format,
            "refresh_seconds": 3,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@evaluator_required
def download_job_file(request, job_id: UUID):
    job = _job_or_none(request, job_id)
    if job is None:
        return _error(request, EXPIRED, 404)
    if job.status != DownloadJob.Status.READY:
        return redirect("analytics:download-job", job.pk)
    export = export_format(job.what, job.file_format)
    content_type = export.content_type if export else "application/octet-stream"
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    return response
