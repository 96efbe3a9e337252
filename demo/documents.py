"""A one-page PDF worksheet for the demo's document resource, drawn with ReportLab."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from demo.content import SETBACK_PLAN_DESCRIPTION, SETBACK_PLAN_SECTIONS, SETBACK_PLAN_TITLE


def setback_plan_pdf() -> bytes:
    """The "My setback plan" worksheet: a heading and lined boxes to write in.

    Deterministic (no creation date, no random ids), so loading the demo twice produces
    the same file.
    """
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(SETBACK_PLAN_TITLE)
    pdf.setAuthor("Ten Footsteps")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 25 * mm
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(left, y, "My setback plan")
    y -= 9 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, SETBACK_PLAN_DESCRIPTION)
    y -= 6 * mm
    pdf.drawString(left, y, "Setbacks are part of living with persistent pain, not a failure.")
    for heading, lines in SETBACK_PLAN_SECTIONS:
        y -= 12 * mm
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(left, y, heading)
        pdf.setStrokeGray(0.6)
        for _ in range(lines):
            y -= 8 * mm
            pdf.line(left, y, right, y)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(left, 15 * mm, "Ten Footsteps to pain self-management · Footstep 10")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
