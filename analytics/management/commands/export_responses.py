"""python manage.py export_responses [--cohort SLUG ...] --format csv|xlsx|sav [--output FILE]"""

from analytics import exports
from analytics.management.export_command import ExportCommand
from analytics.selectors import evaluation_data


class Command(ExportCommand):
    help = (
        "Export the pseudonymised responses (one row per participant code and wave: ratings, "
        "footstep and overall scores, background answers) of consenting participants."
    )
    what = "responses"
    writers = {
        "csv": exports.responses_csv,
        "xlsx": exports.responses_xlsx,
        "sav": exports.responses_sav,
    }
    default_format = "csv"
    text_formats = frozenset({"csv"})

    def build(self, course_runs):
        return evaluation_data(course_runs=course_runs, row_level=True)
