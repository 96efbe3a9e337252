"""python manage.py export_responses [--course-run SLUG ...] --format csv|xlsx|sav
[--layout long|wide] [--output FILE]"""

from analytics.export_formats import EXPORTS
from analytics.management.export_command import ExportCommand

LAYOUTS = {"long": "responses", "wide": "responses-wide"}


class Command(ExportCommand):
    help = (
        "Export the pseudonymised responses of consenting participants: one row per "
        "participant code and wave (ratings, footstep and overall scores, background answers), "
        "or with --layout wide one row per participant code with every wave's ratings."
    )
    what = "responses"
    default_format = "csv"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--layout",
            choices=sorted(LAYOUTS),
            default="long",
            help="long: a row per participant and wave (default); wide: a row per participant.",
        )

    def export(self, file_format, options):
        return EXPORTS[LAYOUTS[options["layout"]]].formats[file_format]
