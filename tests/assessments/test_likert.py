"""The likert radios tag against Django's own RadioSelect for the same bound field."""

import re

import pytest

from assessments.forms import QuestionnaireForm
from assessments.selectors import current_instrument, statements_for
from assessments.templatetags.likert import likert_radios

pytestmark = pytest.mark.django_db


def radios(html: str) -> list[tuple[str, str, str, bool]]:
    return [
        (name, value, radio_id, bool(checked))
        for name, value, radio_id, checked in re.findall(
            r'<input [^>]*name="([^"]+)" value="([^"]+)" id="([^"]+)"( checked)?>', html
        )
    ]


@pytest.mark.parametrize(
    ("data", "prefix"), [(None, None), ({"s1": "3"}, None), ({"q-s1": "5"}, "q")]
)
def test_each_radio_is_named_ided_and_checked_as_django_would(data, prefix):
    form = QuestionnaireForm(data, statements=statements_for(current_instrument()), prefix=prefix)
    field = form["s1"]
    django = [
        (w.data["name"], w.data["value"], w.data["attrs"]["id"], w.data["selected"]) for w in field
    ]
    html = likert_radios(field)
    assert radios(html) == django
    assert len(django) == 5
    for radio_id in (row[2] for row in django):
        assert f'for="{radio_id}"' in html  # every label points at its radio


def test_the_ends_of_the_scale_are_read_out():
    form = QuestionnaireForm(statements=statements_for(current_instrument()))
    labels = re.findall(r"<label [^>]*>(.*?)</label>", likert_radios(form["s1"]))
    assert labels[0].endswith("(least confident)</span>")
    assert labels[-1].endswith("(most confident)</span>")
    assert labels[1:-1] == ["2", "3", "4"]
