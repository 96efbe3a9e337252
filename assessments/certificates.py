"""The certificate of completion as a one-page PDF (ReportLab)."""

from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from assessments.models import Certificate
from courses.models import Attendance, Enrolment
from courses.selectors import mandatory_workshops

BRAND = colors.HexColor("#005a70")
INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#4b5766")


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


def attended_workshops(enrolment: Enrolment) -> list:
    """The mandatory workshops this trainee attended, in order."""
    attendances = (
        Attendance.objects.filter(enrolment=enrolment, session__workshoppage__isnull=False)
        .select_related("session")
        .order_by("session__starts_at")
    )
    return [attendance.session for attendance in attendances]


def certificate_pdf(certificate: Certificate, *, enrolment: Enrolment, verify_url: str) -> bytes:
    """Name, course run and dates, the mandatory workshops attended, and how to verify it."""
    buffer = BytesIO()
    width, height = landscape(A4)
    pdf = Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Ten Footsteps certificate {certificate.verification_code}")
    pdf.setAuthor("Ten Footsteps")

    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    centre = width / 2
    y = height - 45 * mm
    pdf.setFillColor(BRAND)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(centre, y, "Certificate of completion")
    y -= 16 * mm
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(centre, y, "This is to certify that")
    y -= 14 * mm
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(centre, y, certificate.holder_name)
    y -= 13 * mm
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(
        centre, y, "completed the Ten Footsteps to pain self-management training for"
    )
    y -= 7 * mm
    pdf.drawCentredString(centre, y, "social prescribers, including its 3-month follow-up,")
    y -= 10 * mm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(centre, y, certificate.course_run_title)
    dates = run_dates(enrolment)
    if dates:
        y -= 7 * mm
        pdf.setFont("Helvetica", 13)
        pdf.drawCentredString(centre, y, dates)

    y -= 13 * mm
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawCentredString(centre, y, "Mandatory workshops attended (4 hours each)")
    pdf.setFont("Helvetica", 12)
    for workshop in attended_workshops(enrolment):
        y -= 6 * mm
        when = date_format(timezone.localtime(workshop.starts_at), "j F Y")
        pdf.drawCentredString(centre, y, f"{workshop.title}: {when}")

    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 10)
    issued = date_format(timezone.localtime(certificate.issued_at), "j F Y")
    pdf.drawString(22 * mm, 30 * mm, f"Issued {issued}")
    pdf.drawString(22 * mm, 24 * mm, f"Verification code: {certificate.verification_code}")
    pdf.drawString(22 * mm, 18 * mm, f"Check it at {verify_url}")
    pdf.linkURL(verify_url, (22 * mm, 16 * mm, width - 22 * mm, 22 * mm), relative=0)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
