"""The rules for a rating, for years of experience and for free text, defined once.

The model, the services, the forms and the import all read answers through ``parse_rating``
and ``parse_years_experience``. Each raises ``InvalidAnswer`` with a ``kind`` (what is wrong);
the caller words it for its reader with ``message``: a trainee on a form, or an evaluator
reading line errors of a file. The ``clean_*`` functions are the same rules for a trainee's
answers, raising Django's ``ValidationError`` in the form's words.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

RATING_MIN, RATING_MAX = 1, 5
YEARS_EXPERIENCE_MAX = 60
TEXT_MAX_LENGTH = 5000

# PostgreSQL cannot store NUL in text; the forms refuse it, and so must other callers.
NUL_MESSAGE = "{} contains a NUL character (\\x00); remove it."

MESSAGES = {
    "form": {
        "rating": f"Choose a rating from {RATING_MIN} (least confident) to {RATING_MAX} "
        "(most confident), or leave the statement blank.",
        # Blanks are allowed (the study's rule), but a questionnaire with no rating at all
        # carries nothing to score or compare.
        "all_blank": "You have not answered any of the statements. Choose a rating for at "
        "least one of them before sending.",
        "years_missing": "Tell us how long you have supported people with persistent pain.",
        "years_not_number": "Enter a number of years, for example 2 or 0.5.",
        "years_negative": "Years of experience cannot be negative.",
        "years_too_many": f"More than {YEARS_EXPERIENCE_MAX} years is not plausible: enter your "
        "experience in years, for example 2.5.",
    },
    "file": {
        "rating": "'{value}' is not a rating: use a whole number from "
        f"{RATING_MIN} to {RATING_MAX}, or leave it blank.",
        "years_not_number": "'{value}' is not a number of years (decimals are allowed).",
        "years_negative": "{value} is negative: years of experience cannot be below 0.",
        "years_too_many": f"{{value}} years is not plausible (at most {YEARS_EXPERIENCE_MAX}).",
    },
}


class InvalidAnswer(ValueError):
    """An answer that breaks its rule; ``kind`` names the rule broken."""

    def __init__(self, kind: str, value):
        super().__init__(kind)
        self.kind = kind
        self.value = value

    def message(self, audience: str) -> str:
        """The explanation for ``audience``: "form" (a trainee) or "file" (an import)."""
        return MESSAGES[audience][self.kind].format(value=self.value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_rating(value) -> int | None:
    """A rating 1-5 from an int or its digits; None when blank.

    Raises
    ------
    InvalidAnswer
        For anything else, booleans and "2.0" included.
    """
    if _blank(value):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        # isdecimal(), not isdigit(): "³" is a digit that int() refuses.
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer("rating", value)
    if not RATING_MIN <= value <= RATING_MAX:
        raise InvalidAnswer("rating", value)
    return value


def parse_years_experience(value) -> Decimal | None:
    """Years supporting people with persistent pain, 0 to 60, to 2 decimals; None when blank.

    Raises
    ------
    InvalidAnswer
        ``years_not_number``, ``years_negative`` or ``years_too_many``.
    """
    if _blank(value):
        return None
    text = str(value).strip()
    try:
        years = Decimal(text)
    except InvalidOperation:
        raise InvalidAnswer("years_not_number", text) from None
    if not years.is_finite():
        raise InvalidAnswer("years_not_number", text)
    if years < 0:
        raise InvalidAnswer("years_negative", text)
    if years > YEARS_EXPERIENCE_MAX:
        raise InvalidAnswer("years_too_many", text)
    return years.quantize(Decimal("0.01"))


def clean_rating(value) -> int | None:
    """A trainee's rating 1-5, or None when left blank."""
    try:
        return parse_rating(value)
    except InvalidAnswer as error:
        raise ValidationError(error.message("form")) from None


def clean_years_experience(value) -> Decimal:
    """Years supporting people with persistent pain: decimals allowed, 0 to 60, required."""
    try:
        years = parse_years_experience(value)
    except InvalidAnswer as error:
        raise ValidationError(error.message("form")) from None
    if years is None:
        raise ValidationError(MESSAGES["form"]["years_missing"])
    return years


def clean_text(value, label: str) -> str:
    """Free text, stripped; ``label`` names the question in the message."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(NUL_MESSAGE.format(label))
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(f"{label} can be at most {TEXT_MAX_LENGTH} characters.")
    return text
