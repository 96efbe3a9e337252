"""Reading a meeting's attendance report (Microsoft Teams or Zoom export) into the time each
person spent in the meeting, and matching it to a session's register. Pure: no Django.

The layouts read (column names are matched without regard to case or spacing):

- Zoom, participants report (Reports → Usage → Participants, "Export"): UTF-8 CSV; with
  "Export with meeting data" a meeting summary table (Meeting ID, Topic, Start Time, …)
  comes first, then a blank line and ``Name (original name), User Email, Join time,
  Leave time, Duration (minutes), Guest[, Recording consent, In waiting room]``. One row per
  join, so someone who rejoined appears several times; rows spent in the waiting room are
  left out.
- Teams, attendance report (meeting chat or calendar → Attendance → Download): UTF-16 with
  tabs (or UTF-8 with commas once resaved by a spreadsheet). Sections: "1. Summary", then
  "2. Participants" (``Name, First Join, Last Leave, In-Meeting Duration, Email,
  Participant ID (UPN), Role``), then "3. In-Meeting Activities" (``Name, Join Time,
  Leave Time, Duration, Email, Role``: one row per join).

A table with a join and a leave time per row wins over one with durations only: each
person's intervals are merged (overlaps counted once), so rejoining or joining from two
devices never counts twice; where the report's own durations add up to less (a row that
spans time away, as Zoom's "show unique users" export writes), they are taken instead.
Times are read with one format for the whole file (the first that reads every time in it:
US or UK order, 12 or 24 hours, ISO). Durations come from differences of times, so the
report's time zone does not matter.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
DEFAULT_SHARE_PERCENT = 75

# Normalised header name -> what the column holds.
_COLUMNS = {
    "name": "name",
    "name (original name)": "name",
    "full name": "name",
    "participant": "name",
    "user email": "email",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "participant id (upn)": "upn",
    "join time": "join",
    "join": "join",
    "leave time": "leave",
    "leave": "leave",
    # Teams' "Participants" section: first join and last leave span any time away, so its
    # In-Meeting Duration is read instead.
    "first join": "first_join",
    "last leave": "last_leave",
    "duration (minutes)": "minutes",
    "in-meeting duration": "duration",
    "duration": "duration",
    "attendance duration": "duration",
    "in waiting room": "waiting_room",
}
_DATES = ("%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
_TIMES = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")
_FORMATS = tuple(f"{d} {t}" for d in _DATES for t in _TIMES)
_DURATION_PART = re.compile(r"(\d+)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs|seconds?)\b")


class ReportError(ValueError):
    """The file is not an attendance report this module can read; the message says why."""


@dataclass
class ReportPerson:
    """Someone in the report: their name and addresses, and the time they were in it."""

    name: str
    emails: tuple[str, ...]  # lower case: the email and, from Teams, the sign-in name (UPN)
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    # The sum of the report's own duration column over their rows; None without one (or
    # when a row of theirs leaves it blank).
    listed_seconds: int | None = 0

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    @property
    def minutes(self) -> int:
        return seconds_in_meeting([self]) // 60


def seconds_in_meeting(people: Iterable[ReportPerson]) -> int:
    """The time these rows (one person, perhaps under two addresses) spent in the meeting:
    the union of their join-to-leave intervals, or the report's durations when smaller.

    The union counts overlapping devices once; the durations catch a row that spans time
    away (Zoom's "show unique users" export: first join, last leave, time actually in).
    """
    people = list(people)
    intervals = [interval for person in people for interval in person.intervals]
    listed = [person.listed_seconds for person in people]
    listed_total = None if None in listed else sum(listed)
    if not intervals:
        return listed_total or 0
    union = total_seconds(intervals)
    return union if listed_total is None else min(union, listed_total)


@dataclass(frozen=True)
class AttendanceReport:
    people: list[ReportPerson]
    rows: int  # the table's rows read (joins, for a table with times)
    dates: frozenset[date] = frozenset()  # the days people joined on (tables with times)

    def is_from(self, day: date) -> bool:
        """Whether the meeting could be on ``day``: someone joined that day (either way round
        when day and month could be swapped: 01/10 read as 10 January may be 1 October)."""
        if not self.dates:
            return True
        swapped = {date(d.year, d.day, d.month) for d in self.dates if d.day <= 12}
        return day in self.dates | swapped


def total_seconds(intervals: Iterable[tuple[datetime, datetime]]) -> int:
    """The length of the union of the intervals, overlaps counted once."""
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return int(total)


def decode(data: bytes) -> str:
    """The file as text: UTF-16 (Teams) or UTF-8, with or without a byte-order mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) > 1 and data[1::2].count(0) > len(data) // 4:
        encoding = "utf-16-le"  # UTF-16 without a mark: every other byte of ASCII is NUL
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ReportError(
            "The file is not text in a known encoding (UTF-8 or UTF-16). Upload the CSV "
            "file Teams or Zoom exported, as it was downloaded."
        ) from None
    if "\x00" in text:
        raise ReportError("The file contains binary data, so it is not an attendance report.")
    return text


def _header_of(cells: list[str]) -> dict[str, int] | None:
    """Column positions if this row is a table header with a name, an email and a time."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        kind = _COLUMNS.get(" ".join(cell.strip().lower().split()))
        if kind and kind not in found:
            found[kind] = position
    has_time = {"join", "leave"} <= found.keys() or bool({"minutes", "duration"} & found.keys())
    if "name" in found and ({"email", "upn"} & found.keys()) and has_time:
        return found
    return None


@dataclass
class _Table:
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]  # (line number, cells)

    @property
    def has_times(self) -> bool:
        return {"join", "leave"} <= self.columns.keys()


def _tables(text: str) -> list[_Table]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if text.count("\t") > text.count(",") or "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    tables: list[_Table] = []
    current: _Table | None = None
    rows = 0
    try:
        for cells in reader:
            rows += 1
            if rows > MAX_ROWS:
                raise ReportError(
                    f"The file has more than {MAX_ROWS:,} lines; an attendance report of one "
                    "session is far shorter. Check it is the right file."
                )
            if not any(cell.strip() for cell in cells):
                current = None  # a blank line ends a table
                continue
            header = _header_of(cells)
            if header is not None:
                current = _Table(header, [])
                tables.append(current)
            elif current is not None:
                if sum(1 for cell in cells if cell.strip()) == 1:
                    current = None  # a section title ("3. In-Meeting Activities")
                    continue
                current.rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise ReportError(f"Line {reader.line_num} is not readable as CSV ({error}).") from None
    return tables


def _cell(cells: list[str], columns: dict[str, int], kind: str) -> str:
    position = columns.get(kind)
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def _normalise_time(value: str) -> str:
    # Teams writes "10/1/24, 8:58:12 AM", newer Windows locales with a narrow no-break space.
    value = value.replace("\u202f", " ").replace("\xa0", " ").replace(",", " ")
    return " ".join(value.upper().replace("A.M.", "AM").replace("P.M.", "PM").split())


def _time_reader(values: list[str]):
    """A function reading every one of ``values``, with the first format that reads them all."""
    normalised = [_normalise_time(v) for v in values]

    def iso(value: str) -> datetime:
        return datetime.fromisoformat(value.replace(" ", "T", 1)).replace(tzinfo=None)

    readers = [lambda v, f=f: datetime.strptime(v, f) for f in _FORMATS] + [iso]
    for reader in readers:
        try:
            for value in normalised:
                reader(value)
        except ValueError:
            continue
        return lambda value: reader(_normalise_time(value))
    unreadable = next(v for v in values if not _readable(_normalise_time(v), readers))
    raise ReportError(
        f"The time “{unreadable[:40]}” is not in a format this import reads "
        "(e.g. 10/01/2026 09:58:12 AM or 01/10/2026, 09:58:12)."
    )


def _readable(value: str, readers) -> bool:
    for reader in readers:
        try:
            reader(value)
        except ValueError:
            continue
        return True
    return False


def _seconds(value: str, kind: str, line: int) -> int:
    """A duration cell in seconds: Zoom's whole minutes, or Teams' "1h 5m 3s" / "01:05:03"."""
    value = value.strip().lower()
    if kind == "minutes" and value.isdigit():
        return int(value) * 60
    if re.fullmatch(r"\d{1,2}:\d{2}:\d{2}", value):
        hours, minutes, seconds = (int(p) for p in value.split(":"))
        return hours * 3600 + minutes * 60 + seconds
    parts = _DURATION_PART.findall(value)
    if parts and not _DURATION_PART.sub("", value).strip():
        unit = {"h": 3600, "m": 60, "s": 1}
        return sum(int(n) * unit[name[0]] for n, name in parts)
    raise ReportError(f"Line {line}: the duration “{value[:40]}” is not understood.")


def parse_report(data: bytes) -> AttendanceReport:
    """Each person in a Teams or Zoom attendance report with their time in the meeting.

    Raises ReportError with a message for the trainer when the file cannot be read.
    """
    if not data.strip():
        raise ReportError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ReportError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; an attendance report "
            "of one session is far smaller. Check it is the right file."
        )
    text = decode(data)
    tables = _tables(text)
    if not tables and "user action" in text[:5000].lower():
        raise ReportError(
            "This is Teams' older attendance list (Full Name, User Action, Timestamp), which "
            "has no email addresses to match. Download the attendance report from the "
            "meeting's Attendance tab instead."
        )
    if not tables:
        raise ReportError(
            "No table of participants was found. The file needs columns for the name, the "
            "email, and the join and leave times (or the duration), as in the attendance "
            "report Teams or Zoom exports."
        )
    # Join and leave per row (Zoom; Teams' "In-Meeting Activities") beats durations only.
    table = max(tables, key=lambda t: (t.has_times, len(t.rows)))
    rows = [
        (line, cells)
        for line, cells in table.rows
        if _cell(cells, table.columns, "waiting_room").lower() not in {"yes", "true"}
    ]
    if table.has_times:
        read_time = _time_reader(
            [_cell(c, table.columns, k) for _, c in rows for k in ("join", "leave")]
        )
    duration = next((k for k in ("minutes", "duration") if k in table.columns), None)
    people: dict[str, ReportPerson] = {}
    for line, cells in rows:
        name = _cell(cells, table.columns, "name")
        emails = tuple(
            dict.fromkeys(
                e.lower() for k in ("email", "upn") if "@" in (e := _cell(cells, table.columns, k))
            )
        )
        key = emails[0] if emails else f"name:{name.casefold()}"
        person = people.setdefault(key, ReportPerson(name=name, emails=emails))
        person.emails = tuple(dict.fromkeys(person.emails + emails))
        if table.has_times:
            start = read_time(_cell(cells, table.columns, "join"))
            stop = read_time(_cell(cells, table.columns, "leave"))
            if stop < start:
                raise ReportError(f"Line {line}: the leave time is before the join time.")
            if (stop - start).total_seconds() > 24 * 3600:
                raise ReportError(f"Line {line}: a stay of more than a day is not a session.")
            person.intervals.append((start, stop))
        listed = _cell(cells, table.columns, duration) if duration else ""
        if not listed:
            if not table.has_times:
                raise ReportError(f"Line {line}: the duration is blank.")
            person.listed_seconds = None
        elif person.listed_seconds is not None:
            person.listed_seconds += _seconds(listed, duration, line)
    if not people:
        raise ReportError("The table of participants has no rows.")
    dates = frozenset(start.date() for p in people.values() for start, _ in p.intervals)
    return AttendanceReport(people=list(people.values()), rows=len(rows), dates=dates)


def meets_share(minutes: int, *, session_minutes: int, share_percent: int) -> bool:
    """Whether ``minutes`` in a session is at least ``share_percent`` of it (whole minutes)."""
    return minutes * 100 >= share_percent * session_minutes


def share_of(minutes: int, *, session_minutes: int) -> int:
    """``minutes`` as a whole percentage of the session, rounded down."""
    return minutes * 100 // session_minutes


@dataclass(frozen=True)
class Proposal:
    """What the report says about one enrolled trainee."""

    enrolment_id: int
    minutes: int  # capped at the session's length
    share_percent: int
    meets_share: bool


@dataclass(frozen=True)
class Matching:
    proposals: dict[int, Proposal]  # by enrolment id
    unmatched: list[ReportPerson]  # nobody enrolled has their email (or they gave none)


def match_report(
    report: AttendanceReport,
    *,
    enrolment_ids_by_email: Mapping[str, int],
    session_minutes: int,
    share_percent: int,
) -> Matching:
    """Match the report's people to enrolments by email (any case) and judge each against
    ``share_percent`` of the session. Someone in the report twice (two addresses of one
    trainee) has their time merged."""
    by_email = {email.lower(): pk for email, pk in enrolment_ids_by_email.items()}
    found: dict[int, list[ReportPerson]] = {}
    unmatched = []
    for person in report.people:
        pk = next((by_email[e] for e in person.emails if e in by_email), None)
        if pk is None:
            unmatched.append(person)
        else:
            found.setdefault(pk, []).append(person)
    proposals = {}
    for pk, people in found.items():
        minutes = min(seconds_in_meeting(people) // 60, session_minutes)
        proposals[pk] = Proposal(
            enrolment_id=pk,
            minutes=minutes,
            share_percent=share_of(minutes, session_minutes=session_minutes),
            meets_share=meets_share(
                minutes, session_minutes=session_minutes, share_percent=share_percent
            ),
        )
    unmatched.sort(key=lambda p: (p.name.casefold(), p.email))
    return Matching(proposals=proposals, unmatched=unmatched)
