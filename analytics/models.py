import uuid

from django.conf import settings
from django.db import models


class AnalyticsAccess(models.Model):
    """Carries the evaluator permission; no table (analytics reads other apps' data)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_analytics", "Can see the pseudonymised evaluation analytics")]

    def __str__(self):
        return "analytics access"


class DownloadStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the task worker"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class DownloadJob(models.Model):
    """A download built by the task worker: a large row-level file, the report or an image.

    Only the evaluator who asked can see it or fetch its file (``analytics.download_jobs``);
    the file is pseudonymised like every export and removed a day after it was asked for.
    """

    Status = DownloadStatus

    # Not a sequence number: job URLs reveal nothing about how many others exist.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(db_index=True)
    what = models.CharField(max_length=40)
    file_format = models.CharField(max_length=10)
    # The chosen course runs' slugs; empty means all runs pooled.
    course_runs = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=DownloadStatus, default=DownloadStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, 0 to 100.")
    step = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=300, blank=True, help_text="Why it failed.")
    file = models.FileField(upload_to="evaluation-downloads/%Y/%m/%d/", blank=True, max_length=200)
    filename = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="download_job_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DownloadStatus.values),
                name="download_job_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DownloadStatus.READY) | ~models.Q(file=""),
                name="download_job_ready_has_file",
            ),
        ]

    def __str__(self):
        return f"{self.what}.{self.file_format} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)
