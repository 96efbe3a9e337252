"""The report as a Word document (python-docx): A4, real headings (Title, Heading 1 and 2),
tables with a repeating header row and a caption, figures with alt text, British English,
and "Page N of M" in the footer."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from analytics.report_document.content import (
    BulletList,
    Document,
    Figure,
    Heading,
    Rich,
    Table,
)

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
SMALL = Pt(8.5)


def _runs(paragraph, text: Rich, size=None, **style) -> None:
    """Append styled text; ``style`` (italic=True, bold=True) applies to every span."""
    for span in text:
        for k, line in enumerate(span.text.split("\n")):
            if k:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            run = paragraph.add_run(line)
            run.italic = span.italic or style.get("italic") or None
            run.bold = span.bold or style.get("bold") or None
            run.font.subscript = span.sub or None
            run.font.superscript = span.sup or None
            if size:
                run.font.size = size


def _set(element, tag: str, **attributes) -> None:
    """Set ``<w:tag w:name="value"/>`` as a child of ``element``, replacing any earlier one."""
    for old in element.findall(qn(tag)):
        element.remove(old)
    child = OxmlElement(tag)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    element.append(child)


def _field(paragraph, instruction: str) -> None:
    """A field Word fills in (PAGE, NUMPAGES)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _caption(word, label: str, title: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.add_run(label).bold = True
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run(title).italic = True


def _table(word, block: Table) -> None:
    _caption(word, block.label, block.title)
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = "Light List"
    # Screen readers announce the caption; Word's accessibility check asks for it.
    _set(table._tbl.tblPr, "w:tblCaption", val=f"{block.label}. {block.title}")
    for column, share in zip(table.columns, block.widths, strict=True):
        column.width = int(TEXT_WIDTH * share)  # the grid, for LibreOffice; cells for Word
    for k, row in enumerate((block.columns, *block.rows)):
        cells = table.rows[k].cells
        if k == 0:
            _set(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader", val="true")
        for column, (cell, text, share) in enumerate(zip(cells, row, block.widths, strict=True)):
            cell.width = int(TEXT_WIDTH * share)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if column >= block.text_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _runs(paragraph, text, Pt(8), bold=k == 0)
    if block.note:
        note = word.add_paragraph()
        note.add_run("Note. ").italic = True
        note.runs[0].font.size = SMALL
        _runs(note, block.note, SMALL)


def _figure(word, block: Figure) -> None:
    _caption(word, block.label, block.title)
    width = min(TEXT_WIDTH, int(Cm(20) / block.aspect))
    word.add_picture(BytesIO(block.image("png")), width=width)
    picture = word.inline_shapes[-1]._inline.docPr
    picture.set("title", block.title)
    picture.set("descr", block.description)


def _setup(word, document: Document) -> None:
    """A4, the footer, British English and the document properties."""
    section = word.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    footer = section.footer.paragraphs[0]
    footer.add_run("Ten Footsteps evaluation report · Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _set(defaults.find(qn("w:rPr")), "w:lang", val=document.language)
    properties = word.core_properties
    properties.title = f"{document.title}: {document.subtitle}"
    properties.subject = "Evaluation of the Ten Footsteps to pain self-management training"
    properties.author = "Ten Footsteps platform"
    properties.language = document.language
    properties.comments = f"Generated by Ten Footsteps {settings.PLATFORM_VERSION}"


def render(document: Document) -> bytes:
    """The .docx (raises ``ChartRenderingError`` if a figure cannot be rendered)."""
    word = WordDocument()
    _setup(word, document)
    word.add_heading(document.title, level=0)
    word.add_paragraph(document.subtitle, style="Subtitle")
    for label, value in document.facts:
        paragraph = word.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        _runs(paragraph, value)
    word.add_page_break()
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Figure):
            _figure(word, block)
        elif isinstance(block, BulletList):
            for item in block.items:
                paragraph = word.add_paragraph(style=None if block.hanging else "List Bullet")
                if block.hanging:
                    paragraph.paragraph_format.left_indent = Cm(1.27)
                    paragraph.paragraph_format.first_line_indent = Cm(-1.27)
                _runs(paragraph, item)
        else:
            _runs(word.add_paragraph(), block.text)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()
