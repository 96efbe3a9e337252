"""The evaluation report as one document: PDF, HTML or DOCX, from the same content."""

from analytics.report_document import docx, html, pdf
from analytics.report_document.content import report_content
from analytics.selectors import EvaluationData

RENDERERS = {"pdf": pdf.render, "html": html.render, "docx": docx.render}


def report_document(data: EvaluationData, file_format: str) -> bytes:
    """The report of ``data`` in ``file_format`` (raises ``charts.ChartRenderingError``)."""
    return RENDERERS[file_format](report_content(data))
