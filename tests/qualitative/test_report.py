"""The evaluation report's qualitative section."""

import io

import pytest
from django.core.management import call_command

from analytics.report_document.content import Heading, Table, report_content
from analytics.selectors import evaluation_data
from tests import factories
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db


def _headings(document):
    return [block.text for block in document.blocks if isinstance(block, Heading)]


def test_the_report_has_a_qualitative_section_only_with_codings():
    factories.course_index()
    out = io.StringIO()
    call_command(
        "import_responses", str(EXAMPLES_DIR / "free_text.csv"), course_run="y", stdout=out
    )
    assert "Qualitative analysis" not in _headings(report_content(evaluation_data()))
    call_command("import_codings", str(EXAMPLES_DIR / "codings.csv"), cohort="y", stdout=out)
    document = report_content(evaluation_data())
    assert "Qualitative analysis" in _headings(document)
    table = next(b for b in document.blocks if isinstance(b, Table) and "Themes" in str(b.title))
    assert len(table.rows) == 9
    first = [str(cell) for cell in table.rows[0]]
    # codings.ref.json: More confident, 68 units, 51 participants, kappa 0.405 to 0.615,
    # mean change 0.942 (18) with and 0.808 (14) without.
    assert first[:4] == [
        "Confidence in supporting self-management/More confident",
        "68",
        "51",
        "0.41 to 0.62",
    ]
    assert first[4:] == ["0.94 (n = 18)", "0.81 (n = 14)"]
