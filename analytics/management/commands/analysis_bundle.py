"""python manage.py analysis_bundle [--cohort SLUG ...] --output FILE.zip"""

from analytics.bundle import analysis_bundle
from analytics.management.export_command import ExportCommand
from analytics.selectors import evaluation_data


class Command(ExportCommand):
    help = (
        "Write the analysis bundle (a zip): the pseudonymised responses, a codebook, the "
        "statistics as JSON and an R script that recomputes every figure from the responses."
    )
    what = "analysis-bundle"
    writers = {"zip": analysis_bundle}
    default_format = "zip"
    text_formats = frozenset()

    def build(self, course_runs):
        return evaluation_data(course_runs=course_runs, row_level=True)
