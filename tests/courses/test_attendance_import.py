"""Reading Teams and Zoom attendance reports and matching them to a register (pure)."""

# The reports below are kept as the exports write them, long lines included.
# ruff: noqa: E501

import os
from datetime import date

import pytest

from courses.attendance_import import (
    MAX_BYTES,
    MAX_ROWS,
    ReportError,
    match_report,
    parse_report,
)

# Zoom: Reports → Usage → Participants, exported "with meeting data". Ana rejoined after a
# dropped connection (overlapping by a minute); a waiting-room row does not count.
ZOOM = """\ufeffMeeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Workshop 1,10/01/2026 09:28:41 AM,10/01/2026 01:31:02 PM,host@nhs.example,243,4

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Disclaimer Response,In Waiting Room
Sam Okafor (Host),host@nhs.example,10/01/2026 09:28:41 AM,10/01/2026 01:31:02 PM,243,No,OK,No
Ana Rivera,Ana.Rivera@NHS.example,10/01/2026 09:29:00 AM,10/01/2026 11:00:00 AM,92,Yes,OK,No
Ana Rivera,ana.rivera@nhs.example,10/01/2026 10:59:00 AM,10/01/2026 01:30:00 PM,151,Yes,OK,No
Ben Rivera,ben@nhs.example,10/01/2026 09:00:00 AM,10/01/2026 09:29:00 AM,29,Yes,,Yes
Ben Rivera,ben@nhs.example,10/01/2026 09:29:00 AM,10/01/2026 10:29:00 AM,60,Yes,OK,No
Phone caller,,10/01/2026 09:40:00 AM,10/01/2026 01:00:00 PM,200,Yes,,No
"""

# Teams: Attendance → Download (UTF-16, tabs), a UK locale with 24-hour times; Cleo left
# for an hour, which "Participants" hides in its first join and last leave.
TEAMS = """1. Summary
Meeting title\tWorkshop 1
Attended participants\t3
Start time\t01/10/2026, 09:28:41
End time\t01/10/2026, 13:31:02
Meeting duration\t4h 2m 21s

2. Participants
Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole
Sam Okafor\t01/10/2026, 09:28:41\t01/10/2026, 13:31:02\t4h 2m 21s\tsam@nhs.example\tsam@nhs.example\tOrganizer
Cleo Rivera\t01/10/2026, 09:30:00\t01/10/2026, 13:30:00\t3h\tcleo@nhs.example\tcleo@nhs.example\tAttendee
Dev Patel\t01/10/2026, 09:30:00\t01/10/2026, 13:30:00\t4h\t\tdev.patel@nhs.example\tAttendee

3. In-Meeting Activities
Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole
Sam Okafor\t01/10/2026, 09:28:41\t01/10/2026, 13:31:02\t4h 2m 21s\tsam@nhs.example\tOrganizer
Cleo Rivera\t01/10/2026, 09:30:00\t01/10/2026, 10:30:00\t1h\tcleo@nhs.example\tAttendee
Cleo Rivera\t01/10/2026, 11:30:00\t01/10/2026, 13:30:00\t2h\tcleo@nhs.example\tAttendee
Dev Patel\t01/10/2026, 09:30:00\t01/10/2026, 13:30:00\t4h\tdev.patel@nhs.example\tAttendee
"""


def minutes(report) -> dict[str, int]:
    return {p.email or p.name: p.minutes for p in report.people}


def test_zoom_rejoins_are_merged_and_waiting_room_time_is_left_out():
    report = parse_report(ZOOM.encode("utf-8"))
    assert minutes(report) == {
        "host@nhs.example": 242,
        "ana.rivera@nhs.example": 241,  # 09:29–13:30, the overlapping minute once
        "ben@nhs.example": 60,
        "Phone caller": 200,
    }


def test_zoom_unique_users_rows_span_time_away_so_their_duration_counts():
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Ana Rivera,ana@nhs.example,10/01/2026 09:00:00 AM,10/01/2026 01:00:00 PM,150,No\n"
    )
    assert minutes(parse_report(text.encode())) == {"ana@nhs.example": 150}


def test_zoom_without_meeting_data_and_with_us_dates_in_a_spreadsheet_resave():
    text = ZOOM.split("\n\n", 1)[1].replace("\n", "\r\n")
    assert minutes(parse_report(text.encode("utf-8")))["ben@nhs.example"] == 60


def test_teams_utf16_tabs_uses_the_activity_rows_so_time_away_is_not_counted():
    report = parse_report(TEAMS.encode("utf-16"))
    assert minutes(report) == {
        "sam@nhs.example": 242,
        "cleo@nhs.example": 180,
        "dev.patel@nhs.example": 240,
    }


def test_teams_without_activities_reads_the_in_meeting_duration():
    text = TEAMS.split("3. In-Meeting")[0]
    report = parse_report(text.encode("utf-16-le"))  # no byte-order mark
    assert minutes(report)["cleo@nhs.example"] == 180
    dev = next(p for p in report.people if p.name == "Dev Patel")
    assert dev.emails == ("dev.patel@nhs.example",)  # the UPN when Email is blank


@pytest.mark.parametrize(
    ("stamp", "leave"),
    [
        # Teams, US locale, with the narrow no-break space newer Windows locales write.
        ("10/1/26, 9:30:00\u202fAM", "10/1/26, 10:15:00\u202fAM"),
        ("10/1/26, 12:30:00 PM", "10/1/26, 1:15:00 PM"),
        ("2026-10-01 09:30:00", "2026-10-01 10:15:00"),
        ("2026-10-01T09:30:00Z", "2026-10-01T10:15:00Z"),
        ("01.10.2026 23:30", "02.10.2026 00:15"),
    ],
)
def test_time_formats(stamp, leave):
    text = f'Name,Email,Join time,Leave time\nAna,ana@x.example,"{stamp}","{leave}"\n'
    assert minutes(parse_report(text.encode()))["ana@x.example"] == 45


def test_durations_in_teams_words_and_clock_form():
    text = "Name\tEmail\tDuration\nA\ta@x.example\t1h 5m 30s\nB\tb@x.example\t00:45:10\n"
    assert minutes(parse_report(text.encode("utf-16"))) == {"a@x.example": 65, "b@x.example": 45}


def test_matching_by_email_any_case_with_the_share_of_the_session():
    report = parse_report(ZOOM.encode())
    matching = match_report(
        report,
        enrolment_ids_by_email={"ANA.RIVERA@nhs.example": 1, "ben@nhs.example": 2, "z@x": 3},
        session_minutes=240,
        share_percent=75,
    )
    ana, ben = matching.proposals[1], matching.proposals[2]
    assert (ana.minutes, ana.share_percent, ana.meets_share) == (240, 100, True)  # capped
    assert (ben.minutes, ben.share_percent, ben.meets_share) == (60, 25, False)
    assert 3 not in matching.proposals
    assert [p.name for p in matching.unmatched] == ["Phone caller", "Sam Okafor (Host)"]


def test_the_share_is_inclusive_and_editable():
    text = "Name,Email,Duration (Minutes)\nA,a@x.example,180\nB,b@x.example,179\n"
    report = parse_report(text.encode())
    ids = {"a@x.example": 1, "b@x.example": 2}
    at_75 = match_report(report, enrolment_ids_by_email=ids, session_minutes=240, share_percent=75)
    assert [at_75.proposals[i].meets_share for i in (1, 2)] == [True, False]
    at_50 = match_report(report, enrolment_ids_by_email=ids, session_minutes=240, share_percent=50)
    assert at_50.proposals[2].meets_share


def test_one_trainee_under_two_addresses_is_merged():
    text = (
        "Name,Email,Join time,Leave time\n"
        "Ana,ana@work.example,2026-10-01 09:00,2026-10-01 10:00\n"
        "Ana (phone),ana@home.example,2026-10-01 09:30,2026-10-01 11:00\n"
    )
    matching = match_report(
        parse_report(text.encode()),
        enrolment_ids_by_email={"ana@work.example": 1, "ana@home.example": 1},
        session_minutes=120,
        share_percent=75,
    )
    assert matching.proposals[1].minutes == 120


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (os.urandom(4096), ""),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, ""),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, ""),
        (b"Name,Email\nAna,ana@x.example\n", "No table of participants"),
        (b"Vorname;Nachname;Zeit\nAna;R;3\n", "No table of participants"),
        (b"Name,Email,Duration\n", "no rows"),
        (
            "Full Name\tUser Action\tTimestamp\nAna Rivera\tJoined\t01/10/2026, 09:00:00\n".encode(
                "utf-16"
            ),
            "older attendance list",
        ),
        (b"Name,Email,Duration\nAna,a@x.example,a while\n", "Line 2: the duration"),
        (b"Name,Email,Join time,Leave time\nA,a@x.example,yesterday,today\n", "not in a format"),
        (
            b"Name,Email,Join time,Leave time\nA,a@x.example,2026-10-01 10:00,2026-10-01 09:00\n",
            "Line 2: the leave time is before",
        ),
        (
            b"Name,Email,Join time,Leave time\nA,a@x.example,2020-10-01 10:00,2026-10-01 09:00\n",
            "more than a day",
        ),
        (b'Name,Email,Duration\n"unterminated,a@x.example,3\n' + b"x" * 200_000, ""),
        (b"\xff\xfe" + b"\x00\xd8" * 10, "encoding"),  # UTF-16 with a lone surrogate
        (b"caf\xe9,\xe9\n", "encoding"),  # Latin-1 bytes
    ],
)
def test_hostile_files_raise_a_clear_error(data, message):
    with pytest.raises(ReportError) as error:
        parse_report(data)
    assert message in str(error.value)
    assert str(error.value).endswith((".", ")."))


def test_huge_files_and_too_many_lines_are_refused_before_reading_them():
    with pytest.raises(ReportError, match="larger than 2 MB"):
        parse_report(b"Name,Email,Duration\n" + b"A,a@x.example,3\n" * (MAX_BYTES // 10))
    rows = "".join(f"P{i},p{i}@x.example,3\n" for i in range(MAX_ROWS))
    with pytest.raises(ReportError, match="more than 20,000 lines"):
        parse_report(("Name,Email,Duration\n" + rows).encode())


def test_the_report_knows_which_days_it_covers():
    zoom = parse_report(ZOOM.encode())
    assert zoom.is_from(date(2026, 10, 1))
    assert zoom.is_from(date(2026, 1, 10))  # 10/01 could be either way round
    assert not zoom.is_from(date(2026, 10, 2))
    durations_only = parse_report(b"Name,Email,Duration\nA,a@x.example,1h\n")
    assert durations_only.is_from(date(2030, 1, 1))  # no times: nothing to check
