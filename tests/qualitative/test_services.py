"""Services of the qualitative strand: deletion follows consent, small numbers, merging."""

import datetime

import pytest

from accounts.services import account_delete
from assessments.services import consent_record
from qualitative import services
from qualitative.models import Code, Coding, Theme, Transcript, Unit
from qualitative.selectors import experience_group, theme_overview
from tests import factories

pytestmark = pytest.mark.django_db


def _transcript(run, consented: bool):
    trainee = factories.TraineeFactory()
    enrolment = factories.enrol(trainee, run)
    consent_record(enrolment=enrolment, consented=consented)
    participant = enrolment.participant
    services.transcript_add(
        actor=None,
        participant=participant,
        wave="month_3",
        interviewed_on=datetime.date(2026, 5, 1),
        interviewer="Interviewer 1",
        text="It went well.",
        filename="i.txt",
    )
    return trainee


def test_account_deletion_keeps_a_consenting_transcript_without_the_link(course_run):
    trainee = _transcript(course_run, consented=True)
    account_delete(user=trainee)
    transcript = Transcript.objects.get()
    assert transcript.participant.enrolment is None
    assert Unit.objects.get().transcript == transcript


def test_account_deletion_removes_the_transcript_without_consent(course_run):
    trainee = _transcript(course_run, consented=False)
    assert Transcript.objects.count() == 1
    account_delete(user=trainee)
    assert not Transcript.objects.exists() and not Unit.objects.exists()


@pytest.mark.parametrize(
    ("years", "group"),
    [
        (0.2, "under 6 months"),
        (0.5, "6 months to 5 years"),
        (5, "6 months to 5 years"),
        (5.01, "over 5 years"),
        (None, None),
    ],
)
def test_experience_groups(years, group):
    assert experience_group(years) == group


def test_small_numbers_are_masked_and_quotes_withheld(course_run, settings):
    theme = Theme.objects.create(name="T")
    code = Code.objects.create(theme=theme, name="C")
    coder = services.coder_for_user(user=factories.EvaluatorFactory())
    participant = factories.make_participant(course_run, code="S1")
    factories.make_response(participant, "baseline", years_experience=2)
    factories.make_response(participant, "month_3", clinical_use="I pace.")
    services.units_sync()
    unit = Unit.objects.get()
    services.coding_add(unit=unit, coder=coder, code=code, start=None, end=None, text="I pace.")
    services.reading_finish(unit=unit, coder=coder)
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 5
    row = theme_overview()["rows"][0]
    assert row["participants"] == "<5" and row["quotes"] == [] and row["quotes_withheld"]
    assert row["joint"]["mean_change_with"] is None
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 0
    row = theme_overview()["rows"][0]
    assert row["participants"] == 1
    assert row["quotes"] == [
        {
            "text": "I pace.",
            "participant": "S1",
            "wave": "3-month follow-up",
            "group": "6 months to 5 years",
        }
    ]


def test_merging_keeps_one_coding_of_a_passage_coded_with_both(course_run):
    theme = Theme.objects.create(name="T")
    a, b = Code.objects.create(theme=theme, name="A"), Code.objects.create(theme=theme, name="B")
    coder = services.coder_for_user(user=factories.EvaluatorFactory())
    participant = factories.make_participant(course_run)
    factories.make_response(participant, "month_3", clinical_use="I pace. I plan.")
    services.units_sync()
    unit = Unit.objects.get()
    text = "I pace. I plan."
    services.coding_add(unit=unit, coder=coder, code=a, start=0, end=7, text=text)
    services.coding_add(unit=unit, coder=coder, code=b, start=0, end=7, text=text)
    services.coding_add(unit=unit, coder=coder, code=a, start=8, end=15, text=text)
    assert services.code_merge(actor=None, source=a, target=b) == 1
    assert sorted(Coding.objects.values_list("code__name", "start")) == [("B", 0), ("B", 8)]
    assert not Code.objects.filter(name="A").exists()
