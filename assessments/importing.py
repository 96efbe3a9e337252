"""Reading and checking a CSV of responses collected outside the platform.

The file is checked completely before anything is written, so every error can be listed at
once (line numbers count the header as line 1) and the import stays all-or-nothing.
"""

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from assessments.models import ITEM_CODES, Participant, Response
from assessments.validators import InvalidAnswer, parse_rating, parse_years_experience
from courses.waves import UnknownWaveError, Wave

COLUMNS = ["participant_code", "wave", "mandatory_completed", "profession", "years_experience"]
COLUMNS += ITEM_CODES
# Free text of follow-up rows; a file may leave these columns out (blank = no answer).
OPTIONAL_COLUMNS = ["programme_feedback", "clinical_use"]
FREE_TEXT_MAX = 10_000
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
COLUMN_ORDER = {name: index for index, name in enumerate(COLUMNS + OPTIONAL_COLUMNS)}
PROGRESS_EVERY = 1000
# A header may repeat or misspell a few columns; beyond this it is not a header of ours.
MAX_COLUMNS = 300
LOOKUP_CHUNK = 5000
# Distinct valid texts remembered per column while checking a file (see _Checked).
CHECKED_KEEP = 20_000

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
    free_text: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """The result of checking a file: the rows to write, or every reason not to.

    ``errors`` holds the first ``error_limit`` errors in file order when a limit was asked
    for (a preview page), every error otherwise; ``error_count`` counts them all. ``rows`` is
    empty when the check was asked not to keep them (a preview needs only the counts).
    """

    course_run_slug: str
    course_run_exists: bool = False
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    error_limit: int | None = None
    new_participants: int = 0
    counts_by_wave: dict[str, int] = field(default_factory=dict)
    completed_by_code: dict[str, bool] = field(default_factory=dict)
    # wave -> code -> the line of its first row (by wave, so 100,000s of rows need no tuple
    # each), and the lines of rows repeating one.
    first_lines: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    repeated: list[tuple[int, str, str]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        # Errors appended to ``errors`` directly (not through add_error) count too.
        return not (self.error_count or self.errors)

    @property
    def more_errors(self) -> int:
        """Errors found but not listed (beyond the limit)."""
        return max(self.error_count - len(self.errors), 0)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        self.errors.append(error)
        if self.error_limit is not None and len(self.errors) >= 2 * self.error_limit:
            self._trim_errors()

    def _trim_errors(self) -> None:
        self.errors.sort(key=_error_order)
        if self.error_limit is not None:
            del self.errors[self.error_limit :]

    def add_row(self, row: ImportRow, *, keep: bool) -> None:
        """Count a well-formed row (and keep it to write), noting repeats of a code and wave."""
        lines = self.first_lines.setdefault(row.wave, {})
        if row.code in lines:
            self.repeated.append((row.line, row.code, row.wave))
            self.add_error(
                RowError(
                    row.line,
                    "participant_code",
                    f"{row.code} already has a {row.wave} row on line {lines[row.code]}.",
                )
            )
        else:
            lines[row.code] = row.line
        self.counts_by_wave[row.wave] = self.counts_by_wave.get(row.wave, 0) + 1
        self.completed_by_code[row.code] = (
            self.completed_by_code.get(row.code, True) and row.mandatory_completed
        )
        if keep:
            self.rows.append(row)

    @property
    def mandatory_completed(self) -> dict[str, bool]:
        """Per code: completed only when every row of that code says "yes".

        A file may mark one wave "no" and the other "yes" (a survey tool records the status
        at each wave). Like the reference analysis, which drops every "no" row, such a
        participant never counts as a matched completer.
        """
        return self.completed_by_code

    @property
    def row_count(self) -> int:
        return sum(self.counts_by_wave.values())

    @property
    def waves(self) -> list[Wave]:
        """The waves in the file, in time order."""
        return sorted(Wave.parse(name) for name in self.counts_by_wave)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per wave name, in time order."""
        return {wave.name: self.counts_by_wave[wave.name] for wave in self.waves}

    @property
    def wave_counts(self) -> list[tuple[Wave, int]]:
        """(wave, rows) in time order, for people to read."""
        return [(Wave.parse(name), n) for name, n in self.counts.items()]

    def summary(self) -> str:
        """What the file holds: "120 baseline, 91 3-month follow-up responses"."""
        parts = [f"{n} {wave.noun}" for wave, n in self.wave_counts] or ["no"]
        listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        return f"{listed} response{'s' if self.row_count != 1 else ''}"


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
        if name not in COLUMNS and name not in OPTIONAL_COLUMNS:
            errors.append(
                RowError(
                    1,
                    name or "(blank)",
                    f"Unknown column; expected: {', '.join(COLUMNS)} "
                    f"(and optionally {', '.join(OPTIONAL_COLUMNS)}).",
                )
            )
    for name in COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, "Missing column."))
    return errors


class _Checked(dict):
    """Each distinct text of a column checked once (a file repeats a handful of ratings).

    ``check`` gets the stripped text and returns its value or raises; only values are kept,
    at most ``CHECKED_KEEP`` of them, so a file of ever-new or bad cells cannot grow it.
    """

    def __init__(self, check: Callable[[str], object]):
        super().__init__()
        self.check = check

    def __missing__(self, text: str):
        value = self.check(text.strip())
        if len(self) < CHECKED_KEEP:
            self[text] = value
        return value


def _wave_name(text: str) -> str:
    return Wave.parse(text.lower()).name


class _RowReader:
    """Reads a row's cells at the header's positions into an ``ImportRow``, or its errors."""

    def __init__(self, header: list[str]):
        at = {name: index for index, name in enumerate(header)}
        self.code, self.wave, self.mandatory = (
            at["participant_code"],
            at["wave"],
            at["mandatory_completed"],
        )
        self.profession, self.years = at["profession"], at["years_experience"]
        self.rating_cells = itemgetter(*(at[code] for code in ITEM_CODES))
        self.waves = _Checked(_wave_name)
        self.professions = _Checked(match_profession)
        self.years_checked = _Checked(parse_years_experience)
        self.ratings = _Checked(parse_rating)
        self.free_text = {name: at[name] for name in OPTIONAL_COLUMNS if name in at}

    def __call__(self, line: int, cells: list[str], plan: ImportPlan) -> ImportRow | None:
        before = plan.error_count
        code = cells[self.code].strip()
        if not CODE_PATTERN.match(code):
            plan.add_error(
                RowError(
                    line,
                    "participant_code",
                    f"'{code}' is not a participant code (1 to 12 letters, digits, - or _).",
                )
            )
        wave = None
        try:
            wave = self.waves[cells[self.wave]]
        except UnknownWaveError as error:
            text = cells[self.wave].strip()
            plan.add_error(RowError(line, "wave", f"Unknown wave '{text}': {error}."))
        mandatory = cells[self.mandatory].strip()
        completed = mandatory.lower()
        if completed not in ("yes", "no"):
            plan.add_error(
                RowError(line, "mandatory_completed", f"'{mandatory}' is not yes or no.")
            )
        profession, profession_other = self.professions[cells[self.profession]]
        years = None
        try:
            years = self.years_checked[cells[self.years]]
        except InvalidAnswer as error:
            plan.add_error(RowError(line, "years_experience", error.message("file")))
        texts = self.rating_cells(cells)
        try:
            ratings = list(map(self.ratings.__getitem__, texts))
        except InvalidAnswer:
            for item, text in zip(ITEM_CODES, texts, strict=True):
                try:
                    self.ratings[text]
                except InvalidAnswer as error:
                    plan.add_error(RowError(line, item, error.message("file")))
        free_text = {}
        for name, index in self.free_text.items():
            text = cells[index].strip()
            if not text:
                continue
            if len(text) > FREE_TEXT_MAX:
                plan.add_error(RowError(line, name, f"Longer than {FREE_TEXT_MAX:,} characters."))
            elif wave == "baseline":
                plan.add_error(
                    RowError(line, name, "Free text belongs on follow-up rows; leave it blank.")
                )
            free_text[name] = text
        if plan.error_count > before:
            return None
        return ImportRow(
            line=line,
            code=code,
            wave=wave,
            mandatory_completed=completed == "yes",
            profession=profession,
            profession_other=profession_other,
            years_experience=years,
            ratings=dict(zip(ITEM_CODES, ratings, strict=True)),
            free_text=free_text,
        )


def existing_participants_check(plan: ImportPlan, course_run_id: int | None) -> None:
    """Errors for codes the database already holds elsewhere, or waves it already has.

    A few queries for the whole file (codes in chunks), never one per row; the import runs
    it again inside its transaction, so what it says holds when the rows are written.
    """
    codes = list(plan.completed_by_code)
    existing: dict[str, tuple[str, int]] = {}
    answered: set[tuple[str, str]] = set()
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        found = Participant.objects.filter(code__in=chunk).values_list(
            "code", "source", "course_run_id"
        )
        for code, source, run_id in found:
            existing[code] = (source, run_id)
        known = [code for code in chunk if code in existing]
        if known:  # only codes in the database can have responses there
            answered.update(
                Response.objects.filter(participant__code__in=known).values_list(
                    "participant__code", "wave"
                )
            )
    # The rows of codes the database knows, in file order.
    rows = sorted(
        [
            *(
                (line, code, wave)
                for wave, lines in plan.first_lines.items()
                for code, line in lines.items()
                if code in existing
            ),
            *(row for row in plan.repeated if row[1] in existing),
        ]
    )
    for line, code, wave in rows:
        if existing[code] != (Participant.Source.IMPORT, course_run_id):
            plan.add_error(
                RowError(
                    line,
                    "participant_code",
                    f"{code} is already used by a participant of another course run or "
                    "of the platform.",
                )
            )
        elif (code, wave) in answered:
            plan.add_error(
                RowError(line, "wave", f"{code} already has a {wave} response in the database.")
            )
    plan.new_participants = len(codes) - len(existing)
    plan._trim_errors()


def _error_order(error: RowError) -> tuple[int, int]:
    """By line, then in column order (errors about the whole row first)."""
    return error.line or 0, COLUMN_ORDER.get(error.column, -1)


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text``, each with its line break, one at a time.

    What ``csv.reader`` needs, without a copy of the whole file: ``io.StringIO`` keeps one
    at four bytes a character (about 50 MB more for a 12 MB file).
    """
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop == -1 else stop + 1
        yield text[start:stop]
        start = stop


def _too_wide(text: str) -> bool:
    """More cells on line 1 than any header could need, judged before parsing it.

    Counting commas is enough (quoted commas only make it an over-count), and it keeps a
    header of a million cells from ever becoming a million strings.
    """
    end = text.find("\n")
    return text.count(",", 0, end if end >= 0 else len(text)) >= MAX_COLUMNS


def responses_file_check(
    text: str,
    *,
    course_run_slug: str,
    course_run_id: int | None,
    progress: Progress | None = None,
    error_limit: int | None = None,
    keep_rows: bool = True,
    check_database: bool = True,
) -> ImportPlan:
    """Check every line of an import file; the plan lists the rows or the errors found.

    ``error_limit`` keeps only the first errors (all are counted); ``keep_rows=False`` keeps
    only the counts, for a preview. ``check_database=False`` leaves out the codes' check
    against the database (``existing_participants_check``), for a caller that runs it later.
    """
    plan = ImportPlan(
        course_run_slug=course_run_slug,
        course_run_exists=course_run_id is not None,
        error_limit=error_limit,
    )
    if "\x00" in text:
        # Text with NUL bytes is a UTF-16 or binary file, and PostgreSQL cannot store NUL.
        line = text.count("\n", 0, text.index("\x00")) + 1
        plan.add_error(
            RowError(
                line,
                "",
                "The file contains a NUL character, so it is not CSV text (a UTF-16 or "
                "spreadsheet file?); save it as CSV UTF-8.",
            )
        )
        return plan
    if _too_wide(text):
        plan.add_error(
            RowError(
                1,
                "",
                f"The header has more than {MAX_COLUMNS} columns; it should have these "
                f"{len(COLUMNS)}: {', '.join(COLUMNS)}.",
            )
        )
        return plan
    reader = csv.reader(_lines(text))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        plan.add_error(RowError(1, "", "The file is empty; line 1 must be the header."))
        return plan
    except csv.Error as error:
        plan.add_error(RowError(1, "", f"Not a readable CSV file ({error})."))
        return plan
    errors = _header_errors(header)
    if errors:
        plan.errors, plan.error_count = errors[:error_limit], len(errors)
        return plan

    total = text.count("\n")
    width = len(header)
    read_row = _RowReader(header)
    try:
        for cells in reader:
            line = reader.line_num
            if progress and line % PROGRESS_EVERY == 0:
                progress(f"Checked {line} of about {total} lines")
            if len(cells) != width:
                if any(cell.strip() for cell in cells):
                    plan.add_error(
                        RowError(
                            line, "", f"This row has {len(cells)} cells; the header has {width}."
                        )
                    )
                continue
            if not "".join(cells).strip():  # a blank row (every cell empty or spaces)
                continue
            row = read_row(line, cells, plan)
            if row is not None:
                plan.add_row(row, keep=keep_rows)
    except csv.Error as error:
        plan.add_error(RowError(reader.line_num, "", f"Not readable as CSV ({error})."))
    if not plan.counts_by_wave and not plan.error_count:
        plan.add_error(RowError(None, "", "The file has a header but no responses."))
    if check_database:
        existing_participants_check(plan, course_run_id)
    else:
        plan._trim_errors()
    return plan
