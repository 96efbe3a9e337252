"""python manage.py export_responses [--cohort SLUG ...] --format csv|xlsx|sav [--layout long|wide]
[--output FILE]"""

from analytics import exports
from analytics.management.export_command import ExportCommand
from analytics.selectors import evaluation_data


class Command(ExportCommand):
    help = (
        "Export the pseudonymised responses of consenting participants: one row per "
        "participant code and wave (ratings, footstep and overall scores, background answers), "
        "or with --layout wide one row per participant code with every wave's ratings."
    )
    what = "responses"
    writers = {
        "csv": exports.responses_csv,
        "xlsx": exports.responses_xlsx,
        "sav": exports.responses_sav,
    }
    default_format = "csv"
    text_formats = frozenset({"csv"})

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--layout",
            choices=sorted(exports.TABLES),
            default="long",
            help="long: a row per participant and wave (default); wide: a row per participant.",
        )

    def write(self, file_format, built, options):
        return self.writers[file_format](built, options["layout"])

    def build(self, course_runs):
        return evaluation_data(course_runs=course_runs, row_level=True)
