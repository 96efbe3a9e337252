"""RFC 5545 .ics files: escaping, folding, UTC times, and who gets the joining link."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.calendar import CANCEL, CalendarEvent, ics_calendar
from tests import factories

MAX_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding CRLF.


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: a CRLF followed by one space is removed to unfold a line."""
    return text.replace("\r\n ", "").split("\r\n")


def _event(**fields) -> CalendarEvent:
    start = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    return CalendarEvent(
        **{
            "uid": "session-1@example.org",
            "starts_at": start,
            "ends_at": start + timedelta(hours=4),
            "summary": "Workshop",
            **fields,
        }
    )


@pytest.mark.parametrize("text", ["x" * 74, "x" * 75, "x" * 76, "y" * 300, "é" * 120, "ab👣" * 40])
def test_folding_keeps_lines_within_75_octets_and_never_splits_a_character(text):
    body = ics_calendar([_event(summary=text)], name="Run", now=datetime(2026, 5, 1, tzinfo=UTC))
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= MAX_OCTETS for line in lines)
    assert f"SUMMARY:{text}" in unfold(body)


def test_calendar_has_the_required_properties_in_utc_with_crlf():
    start = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.get_current_timezone())  # BST
    event = CalendarEvent(
        uid="session-1@example.org",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        summary="Workshop 1 (Bristol, spring)",
        description="Line one\nLine two; with, punctuation",
        url="https://meet.example.org/a?b=c,d",
        location="Online: https://meet.example.org/a?b=c,d",
    )
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    text = ics_calendar([event], name="Bristol cohort", now=now)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "UID:session-1@example.org" in lines
    assert "DTSTAMP:20260501T120000Z" in lines
    assert "DTSTART:20260601T083000Z" in lines  # 09:30 BST is 08:30 UTC
    assert "DTEND:20260601T123000Z" in lines
    assert "SUMMARY:Workshop 1 (Bristol\\, spring)" in lines
    assert "DESCRIPTION:Line one\\nLine two\\; with\\, punctuation" in lines
    assert "URL:https://meet.example.org/a?b=c,d" in lines
    assert "LOCATION:Online: https://meet.example.org/a?b=c\\,d" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


@pytest.mark.django_db
def test_session_ics_download(client, trainee):
    run = factories.make_course_run()
    factories.enrol(trainee, run)
    workshop = factories.workshops(run)[0]
    url = reverse("courses:session_calendar", args=[workshop.pk])

    client.force_login(trainee)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    lines = unfold(response.content.decode())
    starts = workshop.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    ends = (workshop.starts_at + timedelta(hours=4)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{starts}" in lines and f"DTEND:{ends}" in lines
    assert f"UID:session-{workshop.pk}@testserver" in lines
    assert f"SUMMARY:Workshop 1 ({run.title})" in lines
    assert f"URL:{workshop.joining_url}" in lines
    assert any(line.startswith("DESCRIPTION:Mandatory workshop of") for line in lines)


@pytest.mark.django_db
def test_session_ics_hides_the_joining_link_from_people_not_enrolled(client, other_trainee):
    run = factories.make_course_run()
    workshop = factories.workshops(run)[0]
    url = reverse("courses:session_calendar", args=[workshop.pk])
    for who in (None, other_trainee):
        if who:
            client.force_login(who)
        body = client.get(url).content.decode()
        assert workshop.joining_url not in body
        assert "LOCATION:Online\r\n" in body
        assert f"URL:http://testserver{workshop.url}" in unfold(body)


@pytest.mark.django_db
def test_only_published_sessions_have_an_ics(client, trainee):
    run = factories.make_course_run()
    workshop = factories.workshops(run)[0]
    workshop.unpublish()
    client.force_login(trainee)
    assert client.get(reverse("courses:session_calendar", args=[workshop.pk])).status_code == 404
    assert client.get(reverse("courses:session_calendar", args=[999_999])).status_code == 404


@pytest.mark.django_db
def test_enrolment_ics_holds_every_published_session_of_the_run(client, trainee):
    run = factories.make_course_run()
    enrolment = factories.enrol(trainee, run)
    client.force_login(trainee)
    response = client.get(reverse("courses:enrolment_calendar", args=[enrolment.pk]))
    lines = unfold(response.content.decode())
    assert lines.count("BEGIN:VEVENT") == 3
    assert len({line for line in lines if line.startswith("UID:")}) == 3
    assert "X-WR-CALNAME:" + run.title in lines


def test_a_cancellation_says_so_with_its_sequence():
    body = ics_calendar(
        [_event(sequence=3, cancelled=True)], name="Run", now=datetime.now(UTC), method=CANCEL
    )
    lines = unfold(body)
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:3" in lines


def test_text_is_escaped():
    body = ics_calendar([_event(summary="a;b,c\\d\ne")], name="Run", now=datetime.now(UTC))
    assert "SUMMARY:a\\;b\\,c\\\\d\\ne" in unfold(body)
