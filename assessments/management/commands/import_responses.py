"""Import questionnaire responses collected outside the platform (a CSV file)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.import_services import responses_import
from assessments.importing import COLUMNS, OPTIONAL_COLUMNS


class Command(BaseCommand):
    # The system checks import every URL module (3 s of start-up); `manage.py check` runs them.
    requires_system_checks = []
    help = (
        "Import a CSV of responses into a course run (created if the slug is new). Columns: "
        f"{', '.join(COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)}, free text of "
        "follow-up rows). All or nothing: any bad line aborts with every error listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, header on line 1.")
        parser.add_argument(
            "--course-run",
            "--cohort",  # the old name, kept for existing scripts
            dest="course_run",
            required=True,
            metavar="SLUG",
            help="Slug of the course run, e.g. york-2021.",
        )

    def handle(self, *args, file: Path, course_run: str, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        self.stderr.write(f"Checking {file.name}")
        plan = responses_import(
            content=content,
            course_run_slug=course_run,
            filename=file.name,
            progress=lambda message: self.stderr.write(message),
        )
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(plan.errors)} error(s) in {file.name}; nothing was imported.")
        created = "" if plan.course_run_exists else " (new course run)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {plan.summary()} for {plan.new_participants} new participants "
                f"into {course_run}{created}."
            )
        )
