"""End waiting-list offers past their deadline and offer each place to the next person; run
every few minutes from cron (e.g. */10). Safe to run repeatedly and overlapping."""

from django.core.management.base import BaseCommand

from courses.services import waiting_list_expire_offers


class Command(BaseCommand):
    help = (
        "End offers of a place that were not answered in time (WAITING_LIST_OFFER_HOURS) and "
        "offer each freed place to the next person on that run's waiting list."
    )

    def handle(self, *args, **options):
        ended = waiting_list_expire_offers()
        self.stdout.write(f"Ended {ended} expired offer{'s' if ended != 1 else ''}.")
