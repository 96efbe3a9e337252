"""The certificate of completion as a one-page PDF (ReportLab).

Text is set in DejaVu Sans (Debian's fonts-dejavu-core, installed by ``make documents``),
embedded, so every name prints: Welsh (ŷ, ŵ), the rest of Latin with Vietnamese, Greek
and Cyrillic. Helvetica, ReportLab's built-in, has none of these and printed black boxes.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from assessments.models import Certificate
from courses.models import Enrolment
from courses.selectors import (
    QA_SESSION_CPD_HOURS,
    WORKSHOP_CPD_HOURS,
    attended_sessions,
    cpd_hours,
    mandatory_workshops,
)

BRAND = colors.HexColor("#005a70")
INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#4b5766")

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}
FONT_MISSING = "The DejaVu Sans font is missing; run `make documents` (fonts-dejavu-core)."

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 22 * mm  # inside the 12 mm border
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 30 * mm


class CertificateFontMissing(RuntimeError):
    pass


def register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    try:
        for name, path in FONT_FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(path)))
    except (OSError, TTFError) as error:
        raise CertificateFontMissing(FONT_MISSING) from error


def _day(value) -> str:
    return date_format(value, "j F Y")


def run_dates(enrolment: Enrolment) -> str:
    """The run's dates as set by the trainer, else the span of its mandatory workshops."""
    run = enrolment.course_run
    start, end = run.starts_on, run.ends_on
    if start is None or end is None:
        workshops = mandatory_workshops(run)
        if workshops:
            start = start or timezone.localdate(workshops[0].starts_at)
            end = end or timezone.localdate(workshops[-1].starts_at)
    if start is None:
        return ""
    return _day(start) if end is None or end == start else f"{_day(start)} to {_day(end)}"


def _fitted_size(text: str, font: str, size: float, width: float, smallest: float = 8) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width`` (never below
    ``smallest``: a longer text then runs on, which a name of 300 characters may)."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _centred(pdf: Canvas, text: str, y: float, font: str, size: float) -> None:
    pdf.setFont(font, _fitted_size(text, font, size, TEXT_WIDTH))
    pdf.drawCentredString(PAGE_WIDTH / 2, y, text)


@dataclass(frozen=True)
class _Column:
    heading: str
    lines: list[str]


def _session_lines(sessions) -> list[str]:
    return [f"{s.title}: {_day(timezone.localtime(s.starts_at))}" for s in sessions]


def _draw_columns(pdf: Canvas, columns: list[_Column], *, top: float, bottom: float) -> None:
    """Side by side, each heading over its lines; the lines close up to fit the space."""
    column_width = TEXT_WIDTH / len(columns)
    rows = max(len(column.lines) for column in columns) or 1
    step = min(6 * mm, (top - bottom - 7 * mm) / rows)
    size = min(11, step / mm * 1.9)
    for index, column in enumerate(columns):
        centre = MARGIN + column_width * (index + 0.5)
        pdf.setFillColor(INK)
        pdf.setFont(BOLD, _fitted_size(column.heading, BOLD, 11, column_width - 6 * mm))
        pdf.drawCentredString(centre, top, column.heading)
        y = top - 7 * mm
        for line in column.lines:
            pdf.setFont(FONT, _fitted_size(line, FONT, size, column_width - 6 * mm, 6))
            pdf.drawCentredString(centre, y, line)
            y -= step


def _draw_qr(pdf: Canvas, url: str, x: float, y: float) -> None:
    widget = QrCodeWidget(url, barLevel="M", barBorder=0)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def certificate_pdf(
    certificate: Certificate, *, enrolment: Enrolment, verify_url: str, organisation_name: str
) -> bytes:
    """Who, which course run and when, the CPD hours with the sessions attended behind
    them, the organisation, and how to verify it (the code, and a QR code to its page)."""
    register_fonts()
    attended = attended_sessions(enrolment)
    hours = cpd_hours(enrolment)
    buffer = BytesIO()
    width, height = PAGE_WIDTH, PAGE_HEIGHT
    pdf = Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Ten Footsteps certificate {certificate.verification_code}")
    pdf.setAuthor(organisation_name)

    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    y = height - 30 * mm
    pdf.setFillColor(MUTED)
    _centred(pdf, organisation_name, y, FONT, 13)
    y -= 14 * mm
    pdf.setFillColor(BRAND)
    _centred(pdf, "Certificate of completion", y, BOLD, 28)
    y -= 12 * mm
    pdf.setFillColor(MUTED)
    _centred(pdf, "This is to certify that", y, FONT, 13)
    y -= 13 * mm
    pdf.setFillColor(INK)
    _centred(pdf, certificate.holder_name, y, BOLD, 26)
    y -= 11 * mm
    _centred(pdf, "completed the Ten Footsteps to pain self-management training for", y, FONT, 13)
    y -= 6 * mm
    _centred(pdf, "social prescribers, including its 3-month follow-up,", y, FONT, 13)
    y -= 9 * mm
    _centred(pdf, certificate.course_run_title, y, BOLD, 14)
    dates = run_dates(enrolment)
    if dates:
        y -= 6 * mm
        _centred(pdf, dates, y, FONT, 12)
    y -= 11 * mm
    pdf.setFillColor(BRAND)
    _centred(
        pdf,
        f"{hours} hour{'' if hours == 1 else 's'} of continuing professional development (CPD)",
        y,
        BOLD,
        16,
    )

    columns = [
        _Column(
            f"Mandatory workshops attended ({WORKSHOP_CPD_HOURS} hours each)",
            _session_lines(attended.workshops),
        )
    ]
    if attended.qa_sessions:
        columns.append(
            _Column(
                f"Q&A sessions attended ({QA_SESSION_CPD_HOURS} hours each)",
                _session_lines(attended.qa_sessions),
            )
        )
    _draw_columns(pdf, columns, top=y - 11 * mm, bottom=QR_SIZE + 24 * mm)

    pdf.setFillColor(MUTED)
    issued = f"Issued {_day(timezone.localtime(certificate.issued_at))} by {organisation_name}"
    pdf.setFont(FONT, _fitted_size(issued, FONT, 10, TEXT_WIDTH - QR_SIZE - 10 * mm, 6))
    pdf.drawString(MARGIN, 32 * mm, issued)
    pdf.setFont(FONT, 10)
    pdf.drawString(MARGIN, 26 * mm, f"Verification code: {certificate.verification_code}")
    pdf.drawString(
        MARGIN, 20 * mm, "Scan the QR code, or go to the address under it, to check it is genuine."
    )

    qr_x = width - MARGIN - QR_SIZE
    _draw_qr(pdf, verify_url, qr_x, 24 * mm)
    pdf.setFont(FONT, _fitted_size(verify_url, FONT, 8, 110 * mm, 5))
    pdf.drawRightString(width - MARGIN, 19 * mm, verify_url)
    pdf.linkURL(verify_url, (qr_x - 80 * mm, 17 * mm, width - MARGIN, 24 * mm + QR_SIZE))

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
