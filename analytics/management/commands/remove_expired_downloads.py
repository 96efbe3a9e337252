"""python manage.py remove_expired_downloads (daily, from cron, beside send_follow_up_reminders)"""

from django.core.management.base import BaseCommand

from analytics.download_jobs import download_jobs_remove_expired


class Command(BaseCommand):
    help = "Delete the evaluators' prepared downloads, and their files, after a day."

    def handle(self, *args, **options):
        removed = download_jobs_remove_expired()
        self.stdout.write(f"Removed {removed} expired download(s).")
