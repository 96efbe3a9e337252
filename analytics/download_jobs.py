"""Downloads built by the task worker: when to, asking for one, building it, removing it.

Large row-level files, the report and chart images take longer than a request may (gunicorn
gives up after 30 s), so the request records a ``DownloadJob`` and the worker builds it
(``analytics.tasks.download_job_build``). Only the evaluator who asked can see the job or
fetch its file; every build is audited like any export; files live for a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from analytics.export_formats import ExportFormat, Scale, export_format
from analytics.models import DownloadJob
from analytics.selectors import (
    CourseRunRef,
    UnknownCourseRunError,
    analysed_runs,
    course_runs_by_slug,
    evaluation_data,
)
from analytics.services import export_record
from assessments.selectors import research_participants

KEPT_FOR = timedelta(days=1)
FAILED_MESSAGE = "The download could not be prepared. Please try again later."


def selection_size(course_runs: Sequence[CourseRunRef] | None) -> int:
    """Consenting participants in the selection (one count query)."""
    participants = research_participants()
    if course_runs is not None:
        participants = participants.filter(course_run_id__in=[run.id for run in course_runs])
    return participants.count()


def runs_in_background(export: ExportFormat, course_runs: Sequence[CourseRunRef] | None) -> bool:
    """Whether this download of this selection is built by the worker, not the request."""
    if export.scale == Scale.LARGE:
        return selection_size(course_runs) > settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS
    return export.scale == Scale.ALWAYS


def download_job_of(*, user, job_id: UUID) -> DownloadJob | None:
    """The job if ``user`` asked for it (anyone else's is as good as missing)."""
    return DownloadJob.objects.filter(pk=job_id, requested_by=user).first()


@transaction.atomic
def download_job_request(
    *, user, export: ExportFormat, course_runs: Sequence[CourseRunRef] | None
) -> DownloadJob:
    """Queue the build of a download, or return the same one already on its way (a second
    click does not start a second build)."""
    slugs = [run.slug for run in course_runs or []]
    unfinished = (
        DownloadJob.objects.filter(
            requested_by=user,
            what=export.what,
            file_format=export.file_format,
            course_runs=slugs,
            status__in=[DownloadJob.Status.QUEUED, DownloadJob.Status.RUNNING],
        )
        .order_by("-requested_at")
        .first()
    )
    if unfinished is not None:
        return unfinished
    job = DownloadJob(
        requested_by=user,
        requested_at=timezone.now(),
        what=export.what,
        file_format=export.file_format,
        course_runs=slugs,
        step="Waiting for the task worker",
    )
    job.full_clean()
    job.save()
    from analytics.tasks import download_job_build  # the task module imports this one

    # In the same transaction as the row: with the database backend both or neither exist.
    download_job_build.enqueue(str(job.pk))
    return job


def _progress(job: DownloadJob, progress: int, step: str, **fields) -> None:
    DownloadJob.objects.filter(pk=job.pk).update(progress=progress, step=step, **fields)


def download_job_build(*, job_id: UUID | str) -> DownloadJob | None:
    """Build the file of a queued job, store it and audit the export (run by the worker).

    A failure leaves the job failed with a message the evaluator can read; the error itself
    goes on to the worker's log.
    """
    from analytics.charts import ChartRenderingError

    # Claimed by one conditional update, so two workers cannot both build it.
    claimed = DownloadJob.objects.filter(pk=job_id, status=DownloadJob.Status.QUEUED).update(
        status=DownloadJob.Status.RUNNING, progress=5, step="Reading the responses"
    )
    if not claimed:
        return None  # removed meanwhile, or another worker took it
    job = DownloadJob.objects.select_related("requested_by").get(pk=job_id)
    export = export_format(job.what, job.file_format)
    try:
        if export is None:
            raise LookupError(f"There is no download {job.what}.{job.file_format} any more.")
        # Checked again against the requester's organisations as they are now.
        user = job.requested_by
        course_runs = analysed_runs(
            user, course_runs_by_slug(job.course_runs, user=user) if job.course_runs else None
        )
        data = evaluation_data(course_runs=course_runs, row_level=export.row_level)
        _progress(job, 40, "Writing the file")
        content = export.write(data)
        _progress(job, 90, "Storing the file")
        filename = export.filename(course_runs, timezone.localdate(job.requested_at))
        with transaction.atomic():
            job.file.save(filename, ContentFile(content), save=False)
            job.filename = filename
            job.status = DownloadJob.Status.READY
            job.progress = 100
            job.step = "Ready"
            job.save(update_fields=["file", "filename", "status", "progress", "step"])
            export_record(
                actor=job.requested_by,
                what=job.what,
                file_format=job.file_format,
                course_runs=course_runs,
            )
    except (ChartRenderingError, UnknownCourseRunError, LookupError) as error:
        _progress(job, 100, "Failed", status=DownloadJob.Status.FAILED, message=str(error)[:300])
    except Exception:
        _progress(job, 100, "Failed", status=DownloadJob.Status.FAILED, message=FAILED_MESSAGE)
        raise
    job.refresh_from_db()
    return job


def download_jobs_remove_expired(*, now: datetime | None = None) -> int:
    """Delete the jobs asked for more than a day ago, and their files; returns how many."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    removed = 0
    for job in DownloadJob.objects.filter(requested_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed
