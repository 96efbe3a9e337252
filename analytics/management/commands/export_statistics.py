"""python manage.py export_statistics [--cohort SLUG ...] --format json|csv|xlsx [--output FILE]"""

from django.core.management.base import BaseCommand, CommandError

from analytics import exports
from analytics.reports import export_statistics
from analytics.selectors import UnknownCourseRunError, course_runs_by_slug
from analytics.services import export_record

WRITERS = {
    "json": exports.statistics_json,
    "csv": exports.statistics_csv,
    "xlsx": exports.statistics_xlsx,
}


class Command(BaseCommand):
    help = (
        "Export the evaluation statistics (per footstep and overall, participant flow, sample) "
        "for some course runs, or all runs pooled when no --cohort is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cohort",
            action="append",
            default=[],
            metavar="SLUG",
            help="Slug of a course run to include; repeat for several. Default: all runs.",
        )
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument(
            "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args, cohort, format, output, **options):
        if format == "xlsx" and not output:
            raise CommandError("XLSX is a binary format: give --output FILE.")
        try:
            runs = course_runs_by_slug(cohort) if cohort else None
        except UnknownCourseRunError as error:
            raise CommandError(str(error)) from error
        content = WRITERS[format](export_statistics(course_runs=runs))
        if output:
            try:
                with open(output, "wb") as handle:
                    handle.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
        export_record(actor=None, what="statistics", file_format=format, course_runs=runs)
