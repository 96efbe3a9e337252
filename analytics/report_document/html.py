"""The report as one self-contained HTML page: inline CSS, the figures as SVG data URIs, no
scripts and nothing fetched from anywhere; rendered by a Django template with autoescaping."""

from __future__ import annotations

from base64 import b64encode

from django.template.loader import render_to_string

from analytics.report_document.content import Document, Figure


def _data_uri(figure: Figure) -> str:
    return "data:image/svg+xml;base64," + b64encode(figure.image("svg")).decode("ascii")


def render(document: Document) -> bytes:
    """The page (raises ``ChartRenderingError`` if a figure cannot be rendered)."""
    sections = []  # the contents: each section with its subsections
    for heading in document.headings:
        if heading.level == 1:
            sections.append((heading, []))
        else:
            sections[-1][1].append(heading)
    blocks = [
        (block, _data_uri(block) if isinstance(block, Figure) else None)
        for block in document.blocks
    ]
    context = {"document": document, "sections": sections, "blocks": blocks}
    return render_to_string("analytics/report.html", context).encode("utf-8")
