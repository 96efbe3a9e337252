"""Queue the follow-up emails that are due; run daily from cron. Safe to run repeatedly."""

from django.core.management.base import BaseCommand

from assessments.services import follow_up_emails_enqueue


class Command(BaseCommand):
    help = (
        "Email trainees whose 3-month follow-up questionnaire has become due, and remind "
        "those who have not answered a week later. Each email goes at most once."
    )

    def handle(self, *args, **options):
        queued = follow_up_emails_enqueue()
        due = sum(1 for email in queued if email.kind == "due")
        self.stdout.write(f"Queued {due} follow-up invitations and {len(queued) - due} reminders.")
