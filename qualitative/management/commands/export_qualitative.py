"""python manage.py export_qualitative [--cohort SLUG ...] --format json|csv|qdpx [--output FILE]"""

from django.core.management.base import BaseCommand, CommandError

from analytics.selectors import UnknownCourseRunError, course_runs_by_slug
from analytics.services import export_record
from qualitative.exports import FORMATS, export


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Export the qualitative analysis: agreement and joint display per code (json), every "
        "coding (csv) or a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA or QualCoder (qdpx)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cohort",
            "--course-run",
            dest="cohort",
            action="append",
            default=[],
            metavar="SLUG",
            help="Slug of a course run to include; repeat for several. Default: all runs.",
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", metavar="FILE", help="Write to FILE (needed for qdpx).")

    def handle(self, *args, cohort, format, output, **options):
        if format == "qdpx" and not output:
            raise CommandError("QDPX is a binary format: give --output FILE.")
        try:
            runs = course_runs_by_slug(cohort, user=None) if cohort else None
        except UnknownCourseRunError as error:
            raise CommandError(str(error)) from error
        content = export(format, runs)
        if output:
            try:
                with open(output, "wb") as handle:
                    handle.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
        export_record(actor=None, what="qualitative", file_format=format, course_runs=runs)
