"""python manage.py evaluation_report [--cohort SLUG ...] --format pdf|html|docx --output FILE"""

from functools import partial

from django.core.management.base import CommandError

from analytics import charts
from analytics.management.export_command import ExportCommand
from analytics.report_document import RENDERERS, report_document
from analytics.selectors import evaluation_data


class Command(ExportCommand):
    help = (
        "Write the evaluation report (title page, methods, participant flow, results, figures, "
        "references) of some course runs, or all runs pooled when no --cohort is given, as one "
        "PDF, HTML or Word document. Its figures need Chromium."
    )
    what = "report"
    writers = {fmt: partial(report_document, file_format=fmt) for fmt in RENDERERS}
    default_format = "pdf"
    text_formats = frozenset({"html"})

    def build(self, course_runs):
        return evaluation_data(course_runs=course_runs)

    def write(self, file_format, built, options):
        try:
            return super().write(file_format, built, options)
        except charts.ChartRenderingError as error:
            raise CommandError(str(error)) from error
