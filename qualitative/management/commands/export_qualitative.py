"""python manage.py export_qualitative [--course-run SLUG ...] [--as-user USERNAME]
--format json|csv|qdpx [--output FILE]"""

from django.core.management.base import BaseCommand, CommandError

from analytics.management.export_command import (
    add_selection_arguments,
    selected_course_runs,
    write_output,
)
from analytics.services import export_record
from qualitative.exports import FORMATS, export


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Export the qualitative analysis: agreement and joint display per code (json), every "
        "coding (csv) or a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA or QualCoder (qdpx)."
    )

    def add_arguments(self, parser):
        add_selection_arguments(parser, output_help="Write to FILE (needed for qdpx).")
        parser.add_argument("--format", choices=FORMATS, default="json")

    def handle(self, *args, course_run, format, output, as_user, **options):
        if format == "qdpx" and not output:
            raise CommandError("QDPX is a binary format: give --output FILE.")
        user, runs = selected_course_runs(course_run, as_user)
        write_output(self, export(format, runs), output)
        export_record(actor=user, what="qualitative", file_format=format, course_runs=runs)
