from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from demo import loaders
from demo.cohort import load_cohorts
from demo.organisations import load_organisations
from demo.qualitative import load_qualitative

# Tasks queued while loading (the enrolment and certificate emails, 174 of them, to made-up
# addresses, and Wagtail's search-index updates) are kept in memory and never run, whichever
# backend the site uses; the search index is then rebuilt in one go.
DROP_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Command(BaseCommand):
    help = "Load the demo accounts, site, footstep modules and course runs (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-credentials-ok",
            action="store_true",
            help="Load even though DEBUG is off (a test or benchmark site). The demo accounts, "
            "a superuser among them, have passwords and an authenticator secret printed in "
            "the README.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["public_credentials_ok"]:
            raise CommandError(
                "DEBUG is off, so this may be a real site: the demo accounts (a superuser among "
                "them) have public passwords. Pass --public-credentials-ok for a test or "
                "benchmark site."
            )
        # In order; each step creates only what is missing. Steps that enrol people on the
        # past run come before close_past_runs (enrolment goes through the service, which
        # refuses closed runs).
        steps = [
            ("Accounts", loaders.load_accounts),
            ("Site and home page", loaders.load_site),
            ("Footstep library", loaders.load_library),
            ("Course runs", loaders.load_course),
            ("Organisations", load_organisations),
            ("Trainer permissions", loaders.grant_trainer_permissions),
            ("Demo trainee's enrolment", loaders.load_enrolments),
            ("A full run with a waiting list", loaders.load_waiting_list),
            ("Questionnaire cohorts", load_cohorts),
            ("Qualitative coding", load_qualitative),
            ("Close enrolment on past runs", loaders.close_past_runs),
        ]
        with override_settings(TASKS=DROP_TASKS), transaction.atomic():
            for label, step in steps:
                self.stdout.write(f"{label}: {step()}")
        call_command("wagtail_update_index", verbosity=0)
        self.stdout.write("Search index: rebuilt")
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
