"""python manage.py export_responses [--cohort SLUG ...] --format csv|xlsx|sav [--output FILE]"""

from django.core.management.base import BaseCommand, CommandError

from analytics import exports
from analytics.selectors import UnknownCourseRunError, course_runs_by_slug, evaluation_data
from analytics.services import export_record

WRITERS = {
    "csv": exports.responses_csv,
    "xlsx": exports.responses_xlsx,
    "sav": exports.responses_sav,
}


class Command(BaseCommand):
    help = (
        "Export the pseudonymised responses (one row per participant code and wave: ratings, "
        "footstep and overall scores, background answers) of consenting participants."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cohort",
            action="append",
            default=[],
            metavar="SLUG",
            help="Slug of a course run to include; repeat for several. Default: all runs.",
        )
        parser.add_argument("--format", choices=sorted(WRITERS), default="csv")
        parser.add_argument(
            "--output", metavar="FILE", help="Write to FILE instead of standard output (CSV only)."
        )

    def handle(self, *args, cohort, format, output, **options):
        if format != "csv" and not output:
            raise CommandError(f"{format.upper()} is a binary format: give --output FILE.")
        try:
            runs = course_runs_by_slug(cohort) if cohort else None
        except UnknownCourseRunError as error:
            raise CommandError(str(error)) from error
        content = WRITERS[format](evaluation_data(course_runs=runs, row_level=True))
        if output:
            try:
                with open(output, "wb") as handle:
                    handle.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
        export_record(actor=None, what="responses", file_format=format, course_runs=runs)
