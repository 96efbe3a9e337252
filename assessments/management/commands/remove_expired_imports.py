"""Delete the files of admin imports older than a day (run daily, e.g. from cron)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.models import ImportJob

KEEP_FOR = timedelta(days=1)


class Command(BaseCommand):
    help = "Delete uploaded import files older than a day; the jobs' results stay."

    def handle(self, *args, **options):
        old = ImportJob.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).exclude(file="")
        removed = 0
        for job in old:
            job.file.delete(save=False)
            # A job never checked or confirmed can no longer be: its file is gone.
            if job.status in (ImportJob.Status.CHECKING, ImportJob.Status.CHECKED):
                job.status = ImportJob.Status.FAILED
                job.result = "Not confirmed within a day; the file was removed."
            job.save(update_fields=["file", "status", "result"])
            removed += 1
        self.stdout.write(f"Removed {removed} import file{'s' if removed != 1 else ''}.")
