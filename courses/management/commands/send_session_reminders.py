"""Queue the reminders of tomorrow's sessions; run daily from cron. Safe to run repeatedly."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from courses.services import session_reminders_enqueue


class Command(BaseCommand):
    help = (
        "Email each trainee a reminder, with the joining link, of every session of their run "
        "that starts before the end of tomorrow, unless they turned reminders off. Each "
        "reminder goes at most once per session and trainee."
    )

    def handle(self, *args, **options):
        queued = session_reminders_enqueue()
        sessions = len({reminder.session_id for reminder in queued})
        self.stdout.write(
            f"Queued {len(queued)} session reminder{pluralize(len(queued))} "
            f"for {sessions} session{pluralize(sessions)}."
        )
