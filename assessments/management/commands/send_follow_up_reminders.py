"""Queue the follow-up emails that are due; run daily from cron. Safe to run repeatedly."""

from collections import Counter

from django.core.management.base import BaseCommand

from assessments.models import FollowUpEmail
from assessments.services import follow_up_emails_enqueue
from courses.waves import Wave


class Command(BaseCommand):
    help = (
        "Email trainees when each follow-up questionnaire of their run becomes due, and remind "
        "those who have not answered it a week later. Each email goes at most once per wave."
    )

    def handle(self, *args, **options):
        queued = Counter((email.wave, email.kind) for email in follow_up_emails_enqueue())
        for wave in sorted({Wave.parse(name) for name, _ in queued}):
            due = queued[wave.name, FollowUpEmail.Kind.DUE]
            reminders = queued[wave.name, FollowUpEmail.Kind.REMINDER]
            self.stdout.write(f"{wave.title}: {due} invitations and {reminders} reminders.")
        due = sum(n for (_, kind), n in queued.items() if kind == FollowUpEmail.Kind.DUE)
        self.stdout.write(
            f"Queued {due} follow-up invitations and {queued.total() - due} reminders."
        )
