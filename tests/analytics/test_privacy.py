"""Only consenting participants reach what evaluators see: the report, the exports and the
dashboard. The rule is ``assessments.selectors.research_participants``; every evaluator-facing
read goes through it."""

import json

import pytest
from django.urls import reverse

from analytics import selectors
from analytics.reports import course_runs_report
from analytics.selectors import evaluation_data
from assessments.models import Participant
from tests import factories

SECRET_CODE = "NOCONSENT9"
SECRET_TEXT = "never-for-evaluators"


@pytest.fixture
def one_declined(course_run):
    """Three consenting pairs and one pair whose participant declined research use."""
    for i in range(3):
        participant = factories.make_participant(course_run, code=f"OK{i}")
        factories.make_response(participant, "baseline", [2 + i] * 14)
        factories.make_response(participant, "month_3", [4] * 14)
    declined = factories.make_participant(course_run, code=SECRET_CODE, consented=False)
    factories.make_response(declined, "baseline", [1] * 14, prior_training=SECRET_TEXT)
    factories.make_response(declined, "month_3", [5] * 14, programme_feedback=SECRET_TEXT)
    return declined


def test_the_data_holds_only_consenting_participants(one_declined):
    data = evaluation_data(row_level=True)
    assert one_declined.pk not in data.participant_ids
    assert sorted(data.participant_codes) == ["OK0", "OK1", "OK2"]
    assert data.ratings.shape[0] == 6
    assert all(
        SECRET_TEXT not in (text or "") for texts in data.free_text.values() for text in texts
    )


def test_the_report_counts_the_declined_participant_as_enrolled_only(one_declined):
    report = course_runs_report(small_number_threshold=0)
    assert report["flow"]["enrolled"] == 4
    assert report["flow"]["consented"] == 3
    assert report["flow"]["baseline_responses"] == 3
    assert report["overall"]["n_pairs"] == 3
    assert report["overall"]["baseline_mean"] == pytest.approx(3)  # (2 + 3 + 4) / 3, not 1


def test_every_read_starts_from_research_participants(one_declined, monkeypatch):
    """With no research participants, nothing is loaded: no read bypasses the rule."""
    # (a filter, not .none(): the reads compile their SQL, which .none() has none of)
    monkeypatch.setattr(
        selectors, "research_participants", lambda: Participant.objects.filter(pk=-1)
    )
    data = evaluation_data(row_level=True)
    assert data.consented == 0
    assert data.participant_ids.size == 0
    assert data.ratings.shape[0] == 0
    assert data.enrolled == 4  # a count, the only figure that includes everyone


@pytest.mark.parametrize(
    ("what", "file_format"),
    [("responses", "csv"), ("responses-wide", "csv"), ("statistics", "json")],
)
def test_exports_leave_the_declined_participant_out(
    client, evaluator, one_declined, what, file_format
):
    client.force_login(evaluator)
    response = client.get(reverse("analytics:export", args=[what, file_format]))
    assert response.status_code == 200
    content = response.content.decode()
    assert SECRET_CODE not in content
    assert SECRET_TEXT not in content
    if what == "statistics":
        assert json.loads(content)["overall"]["n_pairs"] == 3
    else:
        assert content.count("OK") >= 3  # the consenting participants are there


def test_the_dashboard_leaves_the_declined_participant_out(client, evaluator, one_declined):
    client.force_login(evaluator)
    response = client.get(reverse("analytics:dashboard"))
    assert response.status_code == 200
    assert response.context["report"]["flow"]["consented"] == 3
    assert response.context["report"]["overall"]["n_pairs"] == 3
    assert SECRET_CODE not in response.content.decode()
