"""python manage.py export_statistics [--course-run SLUG ...] --format json|csv|xlsx
[--output FILE]"""

from analytics.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Export the evaluation statistics (per footstep and overall, participant flow, sample) "
        "for some course runs, or all runs pooled when no --course-run is given."
    )
    what = "statistics"
    default_format = "json"
