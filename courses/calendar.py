"""iCalendar (RFC 5545) files for course sessions: escaped, folded, times in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings

from accounts.emails import public_url

PRODID = "-//Ten Footsteps//Course sessions//EN"
MAX_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding CRLF.


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""
    url: str = ""
    location: str = ""


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        # Continuation lines start with a space, which counts towards their 75 octets.
        limit = MAX_OCTETS if not parts else MAX_OCTETS - 1
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_calendar(events: Iterable[CalendarEvent], *, name: str, now: datetime) -> str:
    """A VCALENDAR holding one VEVENT per event, with CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(now)}",
            f"DTSTART:{_utc(event.starts_at)}",
            f"DTEND:{_utc(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            # URL is a URI value, not TEXT: it is not escaped (RFC 5545 3.8.4.6).
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def session_event(session, run, *, page_url: str, host: str, with_link: bool) -> CalendarEvent:
    """One session of ``run`` as an event; its joining link only ``with_link``. The UID is the
    same whoever builds it (a download or an email), so calendars update rather than double."""
    joining = session.joining_url if with_link else ""
    description = f"{session.kind} of {run.title}. Details: {page_url}"
    if joining:
        description += f"\nJoin online: {joining}"
    return CalendarEvent(
        uid=f"session-{session.pk}@{host}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"{session.title} ({run.title})",
        description=description,
        url=joining or page_url,
        location=f"Online: {joining}" if joining else "Online",
    )


def run_calendar(run, *, now: datetime) -> str:
    """Every published session of ``run`` with its joining link, for a trainee enrolled on it
    (the enrolment email's attachment), its links on the site's public address."""
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or ""
    events = [
        session_event(
            session, run, page_url=public_url(session.get_url()), host=host, with_link=True
        )
        for session in run.sessions()
    ]
    return ics_calendar(events, name=run.title, now=now)
