"""Background tasks: downloads too slow for a request are built by the task worker."""

from django_tasks import task

from analytics import download_jobs


@task()
def download_job_build(job_id: str) -> bool:
    """Build one queued download (``analytics.download_jobs.download_job_build``)."""
    job = download_jobs.download_job_build(job_id=job_id)
    return job is not None and job.status == job.Status.READY
