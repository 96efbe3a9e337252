"""Reading and checking a CSV of responses collected outside the platform.

The file is checked completely before anything is written, so every error can be listed at
once (line numbers count the header as line 1) and the import stays all-or-nothing.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.models import ITEM_CODES, Participant, Response
from assessments.validators import InvalidAnswer, parse_rating, parse_years_experience
from courses.waves import UnknownWaveError, Wave

COLUMNS = ["participant_code", "wave", "mandatory_completed", "profession", "years_experience"]
COLUMNS += ITEM_CODES
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
PROGRESS_EVERY = 1000

Progress = Callable[[str], None]

# How people write professions in free text, beyond the choices' own values and labels.
PROFESSION_SYNONYMS = {
    "social prescriber": Response.Profession.SOCIAL_PRESCRIBER,
    "social prescribing link worker": Response.Profession.SOCIAL_PRESCRIBER,
    "link worker": Response.Profession.SOCIAL_PRESCRIBER,
    "slw": Response.Profession.SOCIAL_PRESCRIBER,
    "health and wellbeing coach": Response.Profession.WELLBEING_COACH,
    "well-being coach": Response.Profession.WELLBEING_COACH,
    "well being coach": Response.Profession.WELLBEING_COACH,
    "gp": Response.Profession.GENERAL_PRACTITIONER,
    "general practitioner": Response.Profession.GENERAL_PRACTITIONER,
    "clinical pharmacist": Response.Profession.PHARMACIST,
}


def _profession_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Response.Profession.choices:
        lookup[value.lower()] = value
        lookup[value.replace("_", " ")] = value
        lookup[label.lower()] = value
    lookup.update(PROFESSION_SYNONYMS)
    return lookup


PROFESSIONS = _profession_lookup()


def match_profession(text: str) -> tuple[str, str]:
    """(profession value, other text): known names case-insensitively, else other + the text."""
    text = " ".join(text.split())
    if not text:
        return "", ""
    value = PROFESSIONS.get(text.lower())
    if value is None or value == Response.Profession.OTHER:
        return Response.Profession.OTHER, text[:200]
    return value, ""


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportRow:
    line: int
    code: str
    wave: str
    mandatory_completed: bool
    profession: str
    profession_other: str
    years_experience: Decimal | None
    ratings: dict[str, int | None]


@dataclass
class ImportPlan:
    """The result of checking a file: the rows to write, or every reason not to."""

    cohort_slug: str
    cohort_exists: bool = False
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_participants: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def mandatory_completed(self) -> dict[str, bool]:
        """Per code: completed only when every row of that code says "yes".

        A file may mark one wave "no" and the other "yes" (a survey tool records the status
        at each wave). Like the reference analysis, which drops every "no" row, such a
        participant never counts as a matched completer.
        """
        status: dict[str, bool] = {}
        for row in self.rows:
            status[row.code] = status.get(row.code, True) and row.mandatory_completed
        return status

    @property
    def waves(self) -> list[Wave]:
        """The waves in the file, in time order."""
        return sorted({Wave.parse(row.wave) for row in self.rows})

    @property
    def counts(self) -> dict[str, int]:
        """Rows per wave name, in time order."""
        counts = {wave.name: 0 for wave in self.waves}
        for row in self.rows:
            counts[row.wave] += 1
        return counts

    @property
    def wave_counts(self) -> list[tuple[Wave, int]]:
        """(wave, rows) in time order, for people to read."""
        return [(Wave.parse(name), n) for name, n in self.counts.items()]

    def summary(self) -> str:
        """What the file holds: "120 baseline, 91 3-month follow-up responses"."""
        parts = [f"{n} {wave.noun}" for wave, n in self.wave_counts] or ["no"]
        listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        return f"{listed} response{'s' if len(self.rows) != 1 else ''}"


def decode(content: bytes) -> str:
    """File bytes as text; UTF-8 (with or without a byte-order mark) as spreadsheets save it."""
    return content.decode("utf-8-sig")


def _header_errors(header: list[str]) -> list[RowError]:
    errors = []
    seen = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, "This column appears twice."))
        seen.add(name)
        if name not in COLUMNS:
            errors.append(
                RowError(1, name or "(blank)", f"Unknown column; expected: {', '.join(COLUMNS)}.")
            )
    for name in COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, "Missing column."))
    return errors


def _parse_row(line: int, cells: dict[str, str], errors: list[RowError]) -> ImportRow | None:
    before = len(errors)
    code = cells["participant_code"]
    if not CODE_PATTERN.match(code):
        errors.append(
            RowError(
                line,
                "participant_code",
                f"'{code}' is not a participant code (1 to 12 letters, digits, - or _).",
            )
        )
    wave = None
    try:
        wave = Wave.parse(cells["wave"].lower()).name
    except UnknownWaveError as error:
        errors.append(RowError(line, "wave", f"Unknown wave '{cells['wave']}': {error}."))
    mandatory = cells["mandatory_completed"].lower()
    if mandatory not in ("yes", "no"):
        errors.append(
            RowError(
                line,
                "mandatory_completed",
                f"'{cells['mandatory_completed']}' is not yes or no.",
            )
        )
    profession, profession_other = match_profession(cells["profession"])
    years = None
    try:
        years = parse_years_experience(cells["years_experience"])
    except InvalidAnswer as error:
        errors.append(RowError(line, "years_experience", error.message("file")))
    ratings = {}
    for code_ in ITEM_CODES:
        try:
            ratings[code_] = parse_rating(cells[code_])
        except InvalidAnswer as error:
            errors.append(RowError(line, code_, error.message("file")))
    if len(errors) > before:
        return None
    return ImportRow(
        line=line,
        code=code,
        wave=wave,
        mandatory_completed=mandatory == "yes",
        profession=profession,
        profession_other=profession_other,
        years_experience=years,
        ratings=ratings,
    )


def _cross_check(plan: ImportPlan, course_run_id: int | None) -> None:
    """Duplicates within the file and against the database."""
    first_line: dict[tuple[str, str], int] = {}
    for row in plan.rows:
        key = (row.code, row.wave)
        if key in first_line:
            plan.errors.append(
                RowError(
                    row.line,
                    "participant_code",
                    f"{row.code} already has a {row.wave} row on line {first_line[key]}.",
                )
            )
        else:
            first_line[key] = row.line

    codes = {row.code for row in plan.rows}
    existing = {}
    for participant in Participant.objects.filter(code__in=codes).prefetch_related("responses"):
        existing[participant.code] = participant
    for row in plan.rows:
        participant = existing.get(row.code)
        if participant is None:
            continue
        if participant.source != Participant.Source.IMPORT or participant.course_run_id != (
            course_run_id
        ):
            plan.errors.append(
                RowError(
                    row.line,
                    "participant_code",
                    f"{row.code} is already used by a participant of another course run or "
                    "of the platform.",
                )
            )
        elif any(r.wave == row.wave for r in participant.responses.all()):
            plan.errors.append(
                RowError(
                    row.line,
                    "wave",
                    f"{row.code} already has a {row.wave} response in the database.",
                )
            )
    plan.new_participants = len(codes - set(existing))


def _error_order(error: RowError) -> tuple[int, int]:
    """By line, then in column order (errors about the whole row first)."""
    return error.line or 0, COLUMNS.index(error.column) if error.column in COLUMNS else -1


def responses_file_check(
    text: str, *, cohort_slug: str, course_run_id: int | None, progress: Progress | None = None
) -> ImportPlan:
    """Check every line of an import file; the plan lists the rows or every error found."""
    plan = ImportPlan(cohort_slug=cohort_slug, cohort_exists=course_run_id is not None)
    if "\x00" in text:
        # Text with NUL bytes is a UTF-16 or binary file, and PostgreSQL cannot store NUL.
        line = text.count("\n", 0, text.index("\x00")) + 1
        plan.errors.append(
            RowError(
                line,
                "",
                "The file contains a NUL character, so it is not CSV text (a UTF-16 or "
                "spreadsheet file?); save it as CSV UTF-8.",
            )
        )
        return plan
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        plan.errors.append(RowError(1, "", "The file is empty; line 1 must be the header."))
        return plan
    except csv.Error as error:
        plan.errors.append(RowError(1, "", f"Not a readable CSV file ({error})."))
        return plan
    plan.errors.extend(_header_errors(header))
    if plan.errors:
        return plan

    total = text.count("\n")
    try:
        for cells in reader:
            line = reader.line_num
            if progress and line % PROGRESS_EVERY == 0:
                progress(f"Checked {line} of about {total} lines")
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                plan.errors.append(
                    RowError(
                        line,
                        "",
                        f"This row has {len(cells)} cells; the header has {len(header)}.",
                    )
                )
                continue
            values = dict(zip(header, (cell.strip() for cell in cells), strict=True))
            row = _parse_row(line, values, plan.errors)
            if row is not None:
                plan.rows.append(row)
    except csv.Error as error:
        plan.errors.append(RowError(reader.line_num, "", f"Not readable as CSV ({error})."))
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(None, "", "The file has a header but no responses."))
    _cross_check(plan, course_run_id)
    plan.errors.sort(key=_error_order)
    return plan
