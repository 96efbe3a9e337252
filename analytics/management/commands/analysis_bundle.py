"""python manage.py analysis_bundle [--course-run SLUG ...] --output FILE.zip"""

from analytics.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Write the analysis bundle (a zip): the pseudonymised responses, a codebook, the "
        "statistics as JSON and an R script that recomputes every figure from the responses."
    )
    what = "analysis-bundle"
    default_format = "zip"
