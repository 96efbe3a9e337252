"""Import codings made elsewhere (NVivo, a spreadsheet) for one course run's units."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualitative.importing import COLUMNS, codings_import


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        f"Import a CSV of codings (columns {', '.join(COLUMNS)}; code is Theme/Code or blank "
        "for 'read, nothing to code'). All or nothing: any bad line aborts with every error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, header on line 1.")
        parser.add_argument(
            "--cohort",
            "--course-run",
            dest="cohort",
            required=True,
            metavar="SLUG",
            help="Slug of the course run whose answers were coded.",
        )

    def handle(self, *args, file: Path, cohort: str, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        plan = codings_import(content=content, course_run_slug=cohort)
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(plan.errors)} errors; nothing was imported.")
        new = f"; new codes: {', '.join(plan.new_codes)}" if plan.new_codes else ""
        self.stdout.write(
            f"Imported {plan.codings} codings in {plan.readings} readings from {plan.rows} "
            f"lines{new}."
        )
