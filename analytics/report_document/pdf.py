"""The report as an A4 PDF (ReportLab platypus): a title page, contents, outline bookmarks for
every heading, numbered APA tables and figures, and "Page N of M" in the footer.

Text is set in Liberation Sans (Debian's fonts-liberation, which comes with Chromium), an
embedded TrueType font, so the Greek of the statistics prints and the text can be copied.
ReportLab writes untagged PDF: the figures' text alternatives are printed under them.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents

from analytics.charts import ChartRenderingError
from analytics.report_document.content import (
    BulletList,
    Document,
    Figure,
    Heading,
    Rich,
    Table,
)

# ReportLab's tags for the span flags (content.STYLE_TAGS has HTML's).
STYLE_TAGS = (("sub", "sub"), ("sup", "super"), ("italic", "i"), ("bold", "b"))

FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
FONT = "LiberationSans"
INK = colors.HexColor("#1d2733")
BRAND = colors.HexColor("#005a70")
MUTED = colors.HexColor("#4b5766")
STRIPE = colors.HexColor("#f3f6f8")
MARGIN = 18 * mm
# Tables this long may break across pages (their header row repeats); shorter ones never do.
KEEP_TOGETHER_ROWS = 18


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    names = {style: f"{FONT}-{style}" for style in ("Bold", "Italic", "BoldItalic")}
    try:
        for style, name in {"Regular": FONT, **names}.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSans-{style}.ttf")))
    except (OSError, TTFError) as error:
        raise ChartRenderingError(
            "The Liberation Sans font is missing; run `apt-get install fonts-liberation`."
        ) from error
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=names["Bold"],
        italic=names["Italic"],
        boldItalic=names["BoldItalic"],
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=10, leading=14, textColor=INK, spaceAfter=6
    )
    small = ParagraphStyle("small", body, fontSize=8.5, leading=12.5, textColor=MUTED)
    cell = ParagraphStyle("cell", body, fontSize=8, leading=10, spaceAfter=0)
    return {
        "title": ParagraphStyle(
            "title", body, fontSize=24, leading=30, textColor=BRAND, spaceAfter=8
        ),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=14, leading=19, spaceAfter=24),
        1: ParagraphStyle(
            "h1",
            body,
            fontName=f"{FONT}-Bold",
            fontSize=16,
            leading=20,
            textColor=BRAND,
            spaceBefore=14,
            spaceAfter=8,
            keepWithNext=True,
        ),
        2: ParagraphStyle(
            "h2",
            body,
            fontName=f"{FONT}-Bold",
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=True,
        ),
        "contents": ParagraphStyle(
            "contents", body, fontName=f"{FONT}-Bold", fontSize=16, leading=20, textColor=BRAND
        ),
        "body": body,
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=3),
        "hanging": ParagraphStyle(
            "hanging", body, leftIndent=14 * mm, firstLineIndent=-14 * mm, spaceAfter=4
        ),
        "label": ParagraphStyle(
            "label", body, fontName=f"{FONT}-Bold", spaceBefore=8, spaceAfter=0, keepWithNext=True
        ),
        "caption": ParagraphStyle("caption", body, keepWithNext=True),
        "small": small,
        "cell": cell,
        "number": ParagraphStyle("number", cell, alignment=TA_CENTER),
        "fact": ParagraphStyle("fact", body, fontName=f"{FONT}-Bold", textColor=MUTED),
        "toc1": ParagraphStyle("toc1", body, fontSize=11, leftIndent=0, spaceBefore=4),
        "toc2": ParagraphStyle("toc2", body, fontSize=10, leftIndent=14, spaceAfter=0),
    }


def _markup(text: Rich) -> str:
    """ReportLab's paragraph markup of styled text."""
    out = []
    for span in text:
        markup = escape(span.text).replace("\n", "<br/>")
        for flag, tag in STYLE_TAGS:
            if getattr(span, flag):
                markup = f"<{tag}>{markup}</{tag}>"
        out.append(markup)
    return "".join(out)


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, so the footer can say "Page N of M"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []
        self.showOutline()  # viewers open with the bookmarks shown

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, 10 * mm, "Ten Footsteps evaluation report")
            self.drawRightString(
                A4[0] - MARGIN, 10 * mm, f"Page {self._pageNumber} of {len(self._pages)}"
            )
            super().showPage()
        super().save()


class _ReportTemplate(BaseDocTemplate):
    def __init__(self, buffer, document: Document):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=f"{document.title}: {document.subtitle}",
            author="Ten Footsteps platform",
            subject="Evaluation of the Ten Footsteps to pain self-management training",
            creator=f"Ten Footsteps {settings.PLATFORM_VERSION}",
            lang=document.language,
            displayDocTitle=True,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable):
        """Every heading becomes a bookmark in the outline and an entry of the contents."""
        heading = getattr(flowable, "heading", None)
        if heading is None:
            return
        self.canv.bookmarkPage(heading.anchor)
        self.canv.addOutlineEntry(heading.text, heading.anchor, level=heading.level - 1)
        self.notify(
            "TOCEntry", (heading.level - 1, escape(heading.text), self.page, heading.anchor)
        )


def _table(block: Table, styles, width: float, lead: list) -> list:
    """The table with its label, title and note, after ``lead`` (a heading and its text)."""

    def cells(row, header=False):
        return [
            Paragraph(
                (f"<b>{_markup(cell)}</b>" if header else _markup(cell)),
                styles["cell" if k < block.text_columns else "number"],
            )
            for k, cell in enumerate(row)
        ]

    table = PdfTable(
        [cells(block.columns, header=True), *(cells(row) for row in block.rows)],
        colWidths=[share * width for share in block.widths],
        repeatRows=1,
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, INK),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ],
    )
    parts = [
        *lead,
        Paragraph(escape(block.label), styles["label"]),
        Paragraph(f"<i>{escape(block.title)}</i>", styles["caption"]),
        table,
    ]
    if block.note:
        parts += [Spacer(1, 3), Paragraph(f"<i>Note.</i> {_markup(block.note)}", styles["small"])]
    return [KeepTogether(parts)] if len(block.rows) <= KEEP_TOGETHER_ROWS else parts


def _figure(block: Figure, styles, width: float, height: float, lead: list) -> list:
    """The figure with its label, title and description, on one page with ``lead``."""
    image_width = min(width, (height - 45 * mm) / block.aspect)
    image = Image(BytesIO(block.image("png")), width=image_width, height=image_width * block.aspect)
    return [
        KeepTogether(
            [
                *lead,
                Paragraph(escape(block.label), styles["label"]),
                Paragraph(f"<i>{escape(block.title)}</i>", styles["caption"]),
                image,
                Paragraph(f"<i>Description.</i> {escape(block.description)}", styles["small"]),
            ]
        )
    ]


def render(document: Document) -> bytes:
    """The PDF of the report (raises ``ChartRenderingError`` if a figure or font is missing)."""
    _register_fonts()
    styles = _styles()
    buffer = BytesIO()
    template = _ReportTemplate(buffer, document)
    story = [
        Spacer(1, 30 * mm),
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(document.subtitle), styles["subtitle"]),
        PdfTable(
            [
                [
                    Paragraph(escape(label), styles["fact"]),
                    Paragraph(_markup(value), styles["body"]),
                ]
                for label, value in document.facts
            ],
            colWidths=[40 * mm, template.width - 40 * mm],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
        ),
        PageBreak(),
        Paragraph("Contents", styles["contents"]),
        TableOfContents(levelStyles=[styles["toc1"], styles["toc2"]], dotsMinLevel=0),
        PageBreak(),
    ]
    # A heading and the text under it go on the page of the table or figure that follows.
    lead = []
    for block in document.blocks:
        if isinstance(block, Heading):
            if lead and not hasattr(lead[-1], "heading"):
                story += lead
                lead = []
            paragraph = Paragraph(escape(block.text), styles[block.level])
            paragraph.heading = block
            lead.append(paragraph)
        elif isinstance(block, Table):
            story += _table(block, styles, template.width, lead)
            lead = []
        elif isinstance(block, Figure):
            story += _figure(block, styles, template.width, template.height, lead)
            lead = []
        else:
            if isinstance(block, BulletList):
                style = styles["hanging" if block.hanging else "bullet"]
                bullet = None if block.hanging else "•"
                flowables = [Paragraph(_markup(i), style, bulletText=bullet) for i in block.items]
                flowables.append(Spacer(1, 4))
            else:
                flowables = [Paragraph(_markup(block.text), styles["body"])]
            if lead:
                lead += flowables
            else:
                story += flowables
    story += lead
    template.multiBuild(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
