"""The one definition of a valid rating and of years of experience, for both audiences."""

from decimal import Decimal

import pytest

from assessments.validators import InvalidAnswer, parse_rating, parse_years_experience


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("", None), ("  ", None), (1, 1), (5, 5), (" 3 ", 3)]
)
def test_ratings_and_blanks(value, expected):
    assert parse_rating(value) == expected


@pytest.mark.parametrize("value", [0, 6, "6", "0", "2.0", 2.0, True, False, "³", "x", "-1"])
def test_anything_else_is_not_a_rating(value):
    with pytest.raises(InvalidAnswer) as excinfo:
        parse_rating(value)
    assert excinfo.value.kind == "rating"
    assert "from 1 (least confident) to 5" in excinfo.value.message("form")
    assert excinfo.value.message("file").startswith(f"'{value}' is not a rating")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("0", Decimal("0.00")), ("2.5", Decimal("2.50")), (60, Decimal(60))],
)
def test_years_of_experience(value, expected):
    assert parse_years_experience(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "file_message"),
    [
        ("ten", "years_not_number", "'ten' is not a number of years"),
        ("inf", "years_not_number", "'inf' is not a number of years"),
        ("NaN", "years_not_number", "'NaN' is not a number of years"),
        ("-1", "years_negative", "-1 is negative"),
        ("60.01", "years_too_many", "60.01 years is not plausible (at most 60)"),
    ],
)
def test_implausible_years(value, kind, file_message):
    with pytest.raises(InvalidAnswer) as excinfo:
        parse_years_experience(value)
    assert excinfo.value.kind == kind
    assert excinfo.value.message("file").startswith(file_message)
    assert excinfo.value.message("form")
