"""Redaction of free text before an evaluator reads it.

The pure part (``redact``) replaces, in this order: emails (known ones and anything shaped
like one) with ``[email]``, NHS numbers whose mod-11 check digit is valid with
``[nhs number]``, UK phone numbers with ``[phone]``, UK postcodes with ``[postcode]``, and
the known names with ``[name]``; then the passages an evaluator marked with ``[redacted]``.
The rest (``known_identifiers``, ``unit_text``, ``free_text_redact``) reads what the
platform knows: the names and emails of every user, and the stored marked passages.

Names err on the side of redacting: a full name matches in any case; a first or last name
alone matches as a whole word starting with a capital ("Will" at the start of a sentence
goes too, "will" does not). Names shorter than two letters are not matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NAME = "[name]"
EMAIL = "[email]"
PHONE = "[phone]"
NHS_NUMBER = "[nhs number]"
POSTCODE = "[postcode]"
REDACTED = "[redacted]"
PLACEHOLDERS = (NAME, EMAIL, PHONE, NHS_NUMBER, POSTCODE, REDACTED)

EMAIL_PATTERN = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Ten digits, as written (3-3-4 with spaces or hyphens, or run together).
NHS_PATTERN = re.compile(r"(?<![\w+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\w)")
# +44 or 0044 (an optional "(0)") or a leading 0, then 9 or 10 more digits in groups; a
# bracketed area code "(020) 7946 0958".
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+44|0044)\s?(?:\(0\)\s?)?\d(?:[\s-]?\d){8,9}"
    r"|\(0\d{2,4}\)\s?\d{3,4}[\s-]?\d{3,4}"
    r"|0\d(?:[\s-]?\d){8,9}"
    r")(?!\w)"
)
# Royal Mail's shapes: outward code (area, district) and inward code (sector, unit).
POSTCODE_PATTERN = re.compile(
    r"(?<!\w)(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's mod-11 check: weights 10 to 2 on the first nine digits.

    The remainder of the weighted sum by 11 gives the check digit ``11 - remainder`` (11
    counts as 0; 10 means the number is not valid), which must be the tenth digit.
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class Identifiers:
    """What to look for beyond the patterns: known full names, single names and emails."""

    full_names: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @classmethod
    def of(cls, people: Iterable[tuple[str, str, str]]) -> Identifiers:
        """From (first name, last name, email) of each person."""
        full, single, emails = set(), set(), set()
        for first, last, email in people:
            parts = [" ".join(p.split()) for p in (first or "", last or "")]
            for part in parts:
                for word in part.split():
                    if len(word) >= 2:
                        single.add(word)
            if all(parts):
                full.add(f"{parts[0]} {parts[1]}")
            if email and "@" in email:
                emails.add(email.strip())
        longest = lambda items: tuple(sorted(items, key=lambda s: (-len(s), s)))  # noqa: E731
        return cls(longest(full), longest(single), longest(emails))


def _names_pattern(names: Sequence[str], *, ignore_case: bool) -> re.Pattern | None:
    if not names:
        return None
    words = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE if ignore_case else 0)


class Redactor:
    """``redact`` with the patterns of one set of identifiers compiled once."""

    def __init__(self, identifiers: Identifiers = Identifiers()):  # noqa: B008
        self.emails = [e.lower() for e in identifiers.emails]
        self.full_names = _names_pattern(identifiers.full_names, ignore_case=True)
        # A single name matches capitalised: its first letter as an upper case letter.
        self.names = _names_pattern(
            [n[0].upper() + n[1:] for n in identifiers.names], ignore_case=False
        )

    def __call__(self, text: str, passages: Iterable[str] = ()) -> str:
        if not text:
            return text
        for email in self.emails:
            text = re.sub(re.escape(email), EMAIL, text, flags=re.IGNORECASE)
        text = EMAIL_PATTERN.sub(EMAIL, text)
        text = NHS_PATTERN.sub(
            lambda m: NHS_NUMBER if nhs_number_valid("".join(m.groups())) else m.group(0), text
        )
        text = PHONE_PATTERN.sub(PHONE, text)
        text = POSTCODE_PATTERN.sub(POSTCODE, text)
        if self.full_names:
            text = self.full_names.sub(NAME, text)
        if self.names:
            text = self.names.sub(NAME, text)
        for passage in sorted(set(passages), key=len, reverse=True):
            if passage.strip():
                text = text.replace(passage, REDACTED)
        return text


def redact(
    text: str, identifiers: Identifiers = Identifiers(), passages: Iterable[str] = ()
) -> str:  # noqa: B008
    """``text`` with every identifier replaced by its placeholder (see the module's docstring)."""
    return Redactor(identifiers)(text, passages)


# The platform's side: what it knows, and the texts evaluators read.


def known_identifiers() -> Identifiers:
    """The names and emails of every user of the platform (and their allauth addresses)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db.models import CharField, Value

    blank = Value("", output_field=CharField())
    users = get_user_model().objects.values_list("first_name", "last_name", "email")
    addresses = EmailAddress.objects.annotate(a=blank, b=blank).values_list("a", "b", "email")
    return Identifiers.of(users.union(addresses, all=True))  # one query


def platform_redactor() -> Redactor:
    return Redactor(known_identifiers())


def unit_texts(units: Sequence, redactor: Redactor | None = None) -> dict[int, str]:
    """The redacted text of each unit (by primary key), with its marked passages."""
    from qualitative.models import Redaction

    redactor = redactor or platform_redactor()
    marked: dict[int, list[str]] = {}
    for unit_id, passage in Redaction.objects.filter(unit__in=[u.pk for u in units]).values_list(
        "unit_id", "passage"
    ):
        marked.setdefault(unit_id, []).append(passage)
    return {unit.pk: redactor(unit.raw_text, marked.get(unit.pk, ())) for unit in units}


def unit_text(unit, redactor: Redactor | None = None) -> str:
    return unit_texts([unit], redactor)[unit.pk]


def free_text_redact(
    response_ids: Sequence[int], columns: dict[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Free-text answers of the row-level exports as evaluators may read them.

    Registered with ``analytics.selectors``; ``columns[field][i]`` is the ``field`` answer of
    the response ``response_ids[i]``; the passages marked in its unit are redacted too.
    Three queries whatever the number of rows.
    """
    from qualitative.models import Redaction

    redactor = platform_redactor()
    marked: dict[tuple[int, str], list[str]] = {}
    # Marked passages are few: read them all rather than list every response in a query.
    rows = Redaction.objects.filter(unit__response__isnull=False)
    for response_id, field, passage in rows.values_list(
        "unit__response_id", "unit__field", "passage"
    ):
        marked.setdefault((response_id, field), []).append(passage)
    return {
        field: [
            redactor(text or "", marked.get((rid, field), ()))
            for rid, text in zip(response_ids, texts, strict=True)
        ]
        for field, texts in columns.items()
    }
