"""Redaction of every kind of identifier, in the pure function and on the platform."""

import csv
import io

import pytest

from analytics import exports
from analytics.selectors import evaluation_data
from qualitative import services
from qualitative.models import Unit
from qualitative.redaction import Identifiers, nhs_number_valid, redact, unit_text
from tests import factories


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Write to sam.jones+pain@nhs.net today", "Write to [email] today"),
        ("Call 07700 900123 or 07700900123.", "Call [phone] or [phone]."),
        ("Ring +44 7700 900123 or +44 (0)20 7946 0958", "Ring [phone] or [phone]"),
        (
            "Office (020) 7946 0958, 0117 496 0123, 0044 20 7946 0958",
            "Office [phone], [phone], [phone]",
        ),
        (
            "NHS number 943 476 5919, also 943-476-5919 and 9434765919.",
            "NHS number [nhs number], also [nhs number] and [nhs number].",
        ),
        (
            "Clinic at SW1A 1AA and m1 1ae, B33 8TH",
            "Clinic at [postcode] and [postcode], [postcode]",
        ),
        (
            "Nothing to hide here: 12 patients, 3 sessions.",
            "Nothing to hide here: 12 patients, 3 sessions.",
        ),
    ],
)
def test_patterns(text, want):
    assert redact(text) == want


def test_an_nhs_number_with_a_wrong_check_digit_is_left_alone():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("1234567890")  # check digit would be 10
    assert redact("Ref 943 476 5918") == "Ref 943 476 5918"


def test_known_names_and_emails():
    people = Identifiers.of([("Priya", "Shah", "p.shah@gp.example"), ("Al", "Li", "")])
    text = "PRIYA SHAH told Priya's team; shah wrote from P.Shah@GP.example. Li came."
    # Full names in any case; single names capitalised; 2-letter names count, 1-letter not.
    assert (
        redact(text, people) == "[name] told [name]'s team; shah wrote from [email]. [name] came."
    )


def test_marked_passages_are_redacted_after_the_automatic_ones():
    assert redact("My ward is the blue one", passages=["the blue one"]) == "My ward is [redacted]"


@pytest.mark.django_db
class TestPlatform:
    @pytest.fixture
    def answer(self, course_run):
        trainee = factories.TraineeFactory(first_name="Oluwaseun", last_name="Adeyemi")
        factories.EvaluatorFactory(first_name="Morag", last_name="Kerr", email="morag@uni.example")
        participant = factories.make_participant(course_run, code="P1")
        factories.make_response(participant, "baseline")
        factories.make_response(
            participant,
            "month_3",
            programme_feedback=(
                "I'm Oluwaseun Adeyemi, and Morag said to email morag@uni.example or call "
                "07700 900123."
            ),
        )
        services.units_sync()
        return trainee, Unit.objects.get()

    def test_units_show_the_trainees_own_name_and_others_redacted(self, answer):
        _, unit = answer
        assert unit_text(unit) == "I'm [name], and [name] said to email [email] or call [phone]."

    def test_marked_passages_apply_to_pages_and_row_level_exports(self, answer):
        trainee, unit = answer
        services.redaction_mark(
            actor=None, unit=unit, passage="and [name] said", text=unit_text(unit)
        )
        assert unit_text(unit) == "I'm [name], [redacted] to email [email] or call [phone]."
        rows = list(
            csv.DictReader(
                io.StringIO(exports.responses_csv(evaluation_data(row_level=True)).decode())
            )
        )
        follow_up = next(row for row in rows if row["wave"] == "month_3")
        assert follow_up["programme_feedback"] == (
            "I'm [name], [redacted] to email [email] or call [phone]."
        )
        assert "Oluwaseun" not in exports.responses_csv(evaluation_data(row_level=True)).decode()
