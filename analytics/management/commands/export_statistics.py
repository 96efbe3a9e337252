"""python manage.py export_statistics [--cohort SLUG ...] --format json|csv|xlsx [--output FILE]"""

from analytics import exports
from analytics.management.export_command import ExportCommand
from analytics.reports import export_statistics


class Command(ExportCommand):
    help = (
        "Export the evaluation statistics (per footstep and overall, participant flow, sample) "
        "for some course runs, or all runs pooled when no --cohort is given."
    )
    what = "statistics"
    writers = {
        "json": exports.statistics_json,
        "csv": exports.statistics_csv,
        "xlsx": exports.statistics_xlsx,
    }
    default_format = "json"
    text_formats = frozenset({"json", "csv"})

    def build(self, course_runs):
        return export_statistics(course_runs=course_runs)
