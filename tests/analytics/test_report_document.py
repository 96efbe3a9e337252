"""The evaluation report in PDF, HTML and DOCX (analytics.report_document).

The waves.csv report is built once for the module, each format once (its figures take a
few seconds each in Chromium); the other tests stub the images. The PDF's pages are saved
under test-artifacts/screenshots/<test name>/ for people to look at.
"""

import io
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from docx.oxml.ns import qn
from PIL import Image

from accounts.models import AuditEvent
from analytics import apa, charts
from analytics.report_document import RENDERERS
from analytics.report_document.content import Figure, Heading, Table, from_apa, report_content
from analytics.reports import build_report
from analytics.selectors import course_runs_by_slug, evaluation_data
from tests import factories
from tests.analytics.prepared import prepared_download
from tests.analytics.reference import import_file
from tests.analytics.test_views import EMAIL, NAME, SURNAME, add_pairs
from tests.examples import EXAMPLES_DIR

# Every test is a database test, so pytest-django runs them with the others, before the
# browser tests, whose Playwright session leaves an event loop running in this thread.
pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
POPPLER = {tool: shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdfinfo")}


def _tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 72), "#005a70").save(out, "PNG")
    return out.getvalue()


TINY_PNG = _tiny_png()
TINY_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="7"><rect/></svg>'


@pytest.fixture
def stub_images(monkeypatch):
    """Figures without Chromium, for the tests that are not about them."""
    monkeypatch.setattr(
        charts,
        "figure_image",
        lambda figure, fmt, size=None: TINY_PNG if fmt == "png" else TINY_SVG,
    )


def _poppler(tool: str) -> str:
    if POPPLER[tool] is None:
        pytest.fail(f"{tool} is missing: run `make documents` (apt-get install poppler-utils).")
    return POPPLER[tool]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(  # noqa: S603
        [_poppler("pdftotext"), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return " ".join(text.split())


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """waves.csv imported into a run, its report content and all three files; the data is
    rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        run = factories.make_course_run(title="Waves cohort")
        import_file(EXAMPLES_DIR / "waves.csv", run)
        data = evaluation_data(course_runs=course_runs_by_slug([run.slug], user=None))
        document = report_content(data)
        # PDF before DOCX: the DOCX reuses the PDF's PNGs.
        files = {fmt: RENDERERS[fmt](document) for fmt in ("pdf", "docx", "html")}
        report = build_report(data)
        transaction.set_rollback(True)
    return {"document": document, "files": files, "report": report}


def test_pdf_pages_render_and_carry_every_section(built, request, tmp_path):
    content = built["files"]["pdf"]
    folder = SCREENSHOTS / re.sub(r"[^\w]+", "_", request.node.name).strip("_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "report.pdf").write_bytes(content)
    info = subprocess.run(  # noqa: S603
        [_poppler("pdfinfo"), str(folder / "report.pdf")],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    assert re.search(r"^Title:\s+Ten Footsteps to pain self-management: .*Waves cohort", info, re.M)
    subprocess.run(  # noqa: S603
        [
            _poppler("pdftoppm"),
            "-png",
            "-r",
            "70",
            str(folder / "report.pdf"),
            str(folder / "page"),
        ],
        check=True,
    )
    images = sorted(folder.glob("page-*.png"))
    assert len(images) == pages > 10
    for path in images:
        with Image.open(path) as image:
            # Something is printed on every page: not one colour, and ink beyond the footer.
            low, high = image.convert("L").getextrema()
            assert low < 100 and high > 200, path.name
            top = image.convert("L").crop((0, 0, image.width, int(image.height * 0.8)))
            assert top.getextrema()[0] < 100, path.name

    text = pdf_text(content, tmp_path)
    for heading in built["document"].headings:
        assert heading.text in text
    overall = built["report"]["overall"]
    assert from_apa(apa.comparison_sentence(overall)).plain in text
    assert "t(65) = 9.45, p < .001, dz = 1.16, 95% CI [0.85, 1.47]" in text
    assert "Page 1 of" in text and "Ten Footsteps 0.1.0" in text
    assert "Cohen, J. (1988)" in text and "Jacobson, N. S., & Truax, P. (1991)" in text
    # Language, bookmarks for every heading, the document title shown by viewers.
    assert b"/Lang (en-GB)" in content and b"/Outlines" in content
    assert content.count(b"/Dest [") >= len(built["document"].headings)
    assert b"/DisplayDocTitle true" in content


def test_docx_has_real_headings_tables_and_described_images(built):
    word = docx.Document(io.BytesIO(built["files"]["docx"]))
    document = built["document"]
    headings = [
        (p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [(f"Heading {h.level}", h.text) for h in document.headings]
    assert word.paragraphs[0].style.name == "Title"
    tables = [block for block in document.blocks if isinstance(block, Table)]
    assert len(word.tables) == len(tables)
    for table, block in zip(word.tables, tables, strict=True):
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [cell.text for cell in header.cells] == [column.plain for column in block.columns]
        assert table._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")).startswith(block.label)
    results = word.tables[next(k for k, t in enumerate(tables) if t.title.startswith("Confidence"))]
    assert results.rows[-1].cells[0].text == "Overall"
    assert results.rows[-1].cells[1].text == "66"
    figures = [block for block in document.blocks if isinstance(block, Figure)]
    assert len(word.inline_shapes) == len(figures) >= 4
    for shape, figure in zip(word.inline_shapes, figures, strict=True):
        assert shape._inline.docPr.get("descr") == figure.description
    properties = word.core_properties
    assert properties.title.startswith("Ten Footsteps") and properties.language == "en-GB"
    defaults = word.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    assert "PAGE" in word.sections[0].footer._element.xml


class _Page(HTMLParser):
    """What the accessibility checks need from the HTML report."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.links = [], [], []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        if tag == "img":
            self.images.append(attrs)
        self.links += [value for key, value in attrs.items() if key in {"src", "href"}]

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append(tuple(self._heading))
            self._heading = None


def test_html_is_self_contained_and_accessible(built):
    html = built["files"]["html"].decode("utf-8")
    page = _Page()
    page.feed(html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<title>Ten Footsteps to pain self-management: evaluation report: Waves cohort" in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert all(link.startswith(("#", "data:image/svg+xml;base64,")) for link in page.links)
    assert not re.search(r"url\(|@import|https?:", re.sub(r"data:[^\"]+", "", html))
    # Headings in order: one h1, and no level skipped.
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    texts = [text for _, text in page.headings]
    for heading in built["document"].headings:
        assert heading.text in texts
    figures = [block for block in built["document"].blocks if isinstance(block, Figure)]
    assert [image["alt"] for image in page.images] == [figure.description for figure in figures]
    assert html.count("<thead>") == html.count("<table>") > 10
    assert '<th scope="col"' in html and '<th scope="row">' in html
    assert "@media print" in html
    overall = built["report"]["overall"]
    assert str(from_apa(apa.comparison_sentence(overall))) in html
    assert "<i>t</i>(65) = 9.45, <i>p</i> &lt; .001, <i>d</i><sub>z</sub> = 1.16" in html


def test_sections_follow_what_the_report_holds(db, course_run, stub_images):
    add_pairs(course_run, 4)
    document = report_content(evaluation_data())
    headings = [h.text for h in document.headings]
    assert "Change over every wave" not in headings  # one follow-up: no longitudinal model
    assert "Attrition" in headings and "References" in headings
    text = " ".join(
        block.text.plain
        for block in document.blocks
        if hasattr(block, "text") and not isinstance(block, Heading)
    )
    assert "Pinheiro" not in text and "Friedman" not in text
    references = document.blocks[-1].items
    assert not any("Pinheiro" in item.plain or "Friedman" in item.plain for item in references)
    assert any("Cohen, J. (1988)" in item.plain for item in references)


def test_no_follow_up_yet(db, course_run, stub_images):
    participant = factories.make_participant(course_run)
    factories.make_response(participant, "baseline")
    document = report_content(evaluation_data())
    html = RENDERERS["html"](document).decode()
    assert "No follow-up questionnaire has been answered yet" in html
    assert "Attrition" not in [h.text for h in document.headings]


def test_what_people_typed_is_escaped(db, course_run, stub_images, tmp_path):
    course_run.title = 'Leeds <script>alert("x")</script> & co'
    course_run.save()
    add_pairs(course_run, 2)
    document = report_content(evaluation_data())
    html = RENDERERS["html"](document).decode()
    assert "<script" not in html
    assert "Leeds &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert "Leeds <script>" in pdf_text(RENDERERS["pdf"](document), tmp_path)
    assert "Leeds &lt;script&gt;" in docx_text(RENDERERS["docx"](document))


def test_small_number_threshold_masks_counts(db, course_run, settings, stub_images, tmp_path):
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 5
    add_pairs(course_run, 3)
    document = report_content(evaluation_data())
    html = RENDERERS["html"](document).decode()
    assert "Counts below 5 are shown as &quot;&lt;5&quot;" in html
    flow = next(
        b for b in document.blocks if isinstance(b, Table) and b.title.startswith("Participants")
    )
    assert all(cell.plain == "<5" for row in flow.rows for cell in row[1:])
    results = next(
        b for b in document.blocks if isinstance(b, Table) and b.title.startswith("Confidence")
    )
    assert results.rows[-1][1].plain == "<5"
    assert "n</i> = &lt;5 pairs" in html
    sample = next(b for b in document.blocks if isinstance(b, Table) and b.title.startswith("Who"))
    pharmacists = next(row for row in sample.rows if "Pharmacist" in row[0].plain)
    assert pharmacists[1].plain == "<5"  # and no percentage that would give it away
    assert "Overall score (n = <5 pairs)" in pdf_text(RENDERERS["pdf"](document), tmp_path)
    assert "Analysed (overall score)</w:t>" in (word := docx_text(RENDERERS["docx"](document)))
    assert "&lt;5 pairs" in word and "Counts below 5" in word


@pytest.mark.parametrize("file_format", ["pdf", "html", "docx"])
def test_download_is_audited_and_carries_no_identity(
    client, evaluator, course_run, stub_images, tmp_path, file_format
):
    factories.TraineeFactory(first_name=NAME, last_name=SURNAME, email=EMAIL)
    add_pairs(course_run, 3, trainee_fields={"first_name": NAME, "last_name": SURNAME})
    client.force_login(evaluator)
    url = reverse("analytics:export", args=["report", file_format])
    assert url in client.get(reverse("analytics:dashboard")).content.decode()
    _, response, content = prepared_download(client, url, {"course_run": course_run.slug})
    assert "attachment" in response["Content-Disposition"]
    assert f"report-{course_run.slug}-" in response["Content-Disposition"]
    text = {
        "pdf": lambda c: pdf_text(c, tmp_path),
        "html": lambda c: c.decode("utf-8"),
        "docx": docx_text,
    }[file_format](content)
    assert course_run.title in text
    for secret in (NAME, SURNAME, "@example.org", "email"):
        assert secret not in text
    event = AuditEvent.objects.get(action="export")
    assert event.actor == evaluator
    assert event.detail == {
        "format": file_format,
        "what": "report",
        "course_runs": [course_run.slug],
        "all_course_runs": False,
    }


def test_download_without_chromium_says_so(client, evaluator, course_run, monkeypatch):
    def unavailable(*args, **kwargs):
        raise charts.ChartRenderingError("Chromium is not installed")

    monkeypatch.setattr(charts, "figure_image", unavailable)
    add_pairs(course_run, 2)
    client.force_login(evaluator)
    job, page, _ = prepared_download(client, reverse("analytics:export", args=["report", "pdf"]))
    assert job.status == job.Status.FAILED
    assert "Chromium is not installed" in page.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_command_writes_the_file_and_needs_output_for_binary_formats(
    db, course_run, stub_images, tmp_path, monkeypatch
):
    add_pairs(course_run, 3)
    with pytest.raises(CommandError, match="--output"):
        call_command("evaluation_report", "--format", "docx")
    with pytest.raises(CommandError, match="--output"):
        call_command("evaluation_report")  # PDF by default
    target = tmp_path / "report.pdf"
    call_command("evaluation_report", "--course-run", course_run.slug, "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    out = io.StringIO()
    call_command("evaluation_report", "--format", "html", stdout=out)
    assert out.getvalue().startswith("<!DOCTYPE html>")
    events = AuditEvent.objects.filter(action="export").order_by("at")
    assert [(e.detail["what"], e.detail["format"]) for e in events] == [
        ("report", "pdf"),
        ("report", "html"),
    ]

    def unavailable(*args, **kwargs):
        raise charts.ChartRenderingError("Chromium is not installed")

    monkeypatch.setattr(charts, "figure_image", unavailable)
    with pytest.raises(CommandError, match="Chromium is not installed"):
        call_command("evaluation_report", "--format", "docx", "--output", str(tmp_path / "r.docx"))
