"""iCalendar (RFC 5545) files for course sessions, written by the ``icalendar`` library.

A session keeps one UID for life; each change trainees are told about (a new time, a
cancellation) raises its SEQUENCE, so calendar programs update the entry they already have
instead of adding a second one. A cancellation is sent with ``METHOD:CANCEL`` and
``STATUS:CANCELLED``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from accounts.emails import public_url

PRODID = "-//Ten Footsteps//Course sessions//EN"
PUBLISH = "PUBLISH"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""
    url: str = ""
    location: str = ""
    sequence: int = 0
    cancelled: bool = False


def ics_calendar(
    events: Iterable[CalendarEvent], *, name: str, now: datetime, method: str = PUBLISH
) -> str:
    """A VCALENDAR holding one VEVENT per event: times in UTC, CRLF line endings, text
    escaped and lines folded at 75 octets by the library."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", item.starts_at.astimezone(UTC))
        event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("sequence", item.sequence)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical().decode()


def session_uid(session) -> str:
    """A session's UID for life: the same in every download and email, so calendars update."""
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"session-{session.pk}@{host}"


def session_event(session, run, *, change=None, with_link: bool) -> CalendarEvent:
    """The calendar entry of one session (a ``SessionPage``) of ``run``; ``change`` (its
    ``SessionChange``) gives the SEQUENCE and any cancellation. The joining link only
    ``with_link``."""
    page_url = public_url(session.url or "/")
    joining = session.joining_url if with_link else ""
    cancelled = change is not None and change.is_cancelled
    description = f"{session.kind} of {run.title}. Details: {page_url}"
    if cancelled:
        description = f"Cancelled. {description}"
    elif joining:
        description += f"\nJoin online: {joining}"
    return CalendarEvent(
        uid=session_uid(session),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"{'Cancelled: ' if cancelled else ''}{session.title} ({run.title})",
        description=description,
        url=joining or page_url,
        location=f"Online: {joining}" if joining else "Online",
        sequence=change.sequence if change is not None else 0,
        cancelled=cancelled,
    )


def run_calendar(run, *, now: datetime) -> str:
    """Every published session of ``run`` with its joining link and its current SEQUENCE (or
    cancellation), for a trainee enrolled on it: the enrolment email's attachment and the
    trainee's download."""
    from courses.selectors import session_changes

    sessions = run.sessions()
    changes = session_changes(sessions)
    events = [
        session_event(session, run, change=changes.get(session.pk), with_link=True)
        for session in sessions
    ]
    return ics_calendar(events, name=run.title, now=now)
