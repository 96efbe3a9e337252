"""python manage.py evaluation_report [--course-run SLUG ...] --format pdf|html|docx
--output FILE"""

from django.core.management.base import CommandError

from analytics.management.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Write the evaluation report (title page, methods, participant flow, results, figures, "
        "references) of some course runs, or all runs pooled when no --course-run is given, as "
        "one PDF, HTML or Word document. Its figures need Chromium."
    )
    what = "report"
    default_format = "pdf"

    def write(self, export, data):
        from analytics.charts import ChartRenderingError

        try:
            return super().write(export, data)
        except ChartRenderingError as error:
            raise CommandError(str(error)) from error
