"""Importing a register from a meeting's attendance report: upload, preview, confirm."""

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from courses.forms import PREVIEW_EXPIRED
from courses.models import Attendance
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(trainer):
    run = factories.make_course_run(first_workshop_in_days=-3)
    workshop = factories.workshops(run)[0]  # 240 minutes
    people = {
        name: factories.enrol(
            factories.TraineeFactory(
                first_name=name, last_name="Rivera", email=f"{name}@nhs.example"
            ),
            run,
        )
        for name in ("ana", "ben", "cleo", "dev")
    }
    return workshop, people


def zoom(*rows) -> bytes:
    header = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    body = "".join(
        f"{name},{email},10/01/2026 {join} AM,10/01/2026 {leave},{minutes},No\n"
        for name, email, join, leave, minutes in rows
    )
    return (header + body).encode()


REPORT = zoom(
    ("Ana Rivera", "ANA@nhs.example", "09:00:00", "01:00:00 PM", 240),
    ("Ben Rivera", "ben@nhs.example", "09:00:00", "10:00:00 AM", 60),
    ("Ben Rivera", "ben@nhs.example", "10:30:00", "11:00:00 AM", 30),
    ("Guest Speaker", "guest@elsewhere.example", "09:00:00", "12:00:00 PM", 180),
)


def upload(client, workshop, data: bytes, share="75", name="report.csv"):
    return client.post(
        reverse("courses:register_import", args=[workshop.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "share_percent": share},
    )


def hidden(html: str, name: str) -> str:
    """A hidden field's value (Django leaves out ``value`` when it is empty)."""
    tag = re.search(rf'<input type="hidden" name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def checked(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="attended" value="(\d+)"[^>]*checked', html)}


def test_upload_previews_then_confirm_saves_the_register_with_minutes(client, trainer, setting):
    workshop, people = setting
    Attendance.objects.create(enrolment=people["dev"], session=workshop)  # ticked by hand
    client.force_login(trainer)
    page = client.get(reverse("courses:register_import", args=[workshop.pk]))
    assert page.status_code == 200 and 'value="75"' in page.content.decode()

    response = upload(client, workshop, REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing is saved yet" in html
    assert "matched 2 of 4 enrolled trainees; 1 more would be marked present" in html
    assert "In the meeting 240 min (100%)" in html and "In the meeting 90 min (37%)" in html
    assert "Guest Speaker" in html and "guest@elsewhere.example" in html
    assert "Not in the report" in html
    assert "Check this is the right meeting" in html  # the report is of 1 October 2026
    assert checked(html) == {people["ana"].pk, people["dev"].pk}
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [people["dev"].pk]

    # The trainer also ticks Ben, who left early, then saves.
    confirm = reverse("courses:register_import_confirm", args=[workshop.pk])
    ticks = [people["ana"].pk, people["ben"].pk, people["dev"].pk]
    saved = client.post(
        confirm,
        {"attended": ticks, "opened": hidden(html, "opened"), "preview": hidden(html, "preview")},
        follow=True,
    )
    assert saved.redirect_chain[-1][0] == reverse("courses:register", args=[workshop.pk])
    assert "2 marked present, 0 marked absent" in saved.content.decode()
    assert dict(Attendance.objects.values_list("enrolment_id", "minutes_attended")) == {
        people["ana"].pk: 240,
        people["ben"].pk: 90,
        people["dev"].pk: None,
    }


def test_a_report_of_the_sessions_day_raises_no_warning(client, trainer, setting):
    workshop, _ = setting
    day = timezone.localtime(workshop.starts_at).strftime("%Y-%m-%d")
    report = f"Name,Email,Join time,Leave time\nAna,ana@nhs.example,{day} 09:00,{day} 13:00\n"
    client.force_login(trainer)
    html = upload(client, workshop, report.encode()).content.decode()
    assert "Nothing is saved yet" in html and "Check this is the right meeting" not in html


def test_the_share_is_editable(client, trainer, setting):
    workshop, people = setting
    client.force_login(trainer)
    html = upload(client, workshop, REPORT, share="30").content.decode()
    assert checked(html) == {people["ana"].pk, people["ben"].pk}
    for bad in ("0", "101", "lots", ""):
        response = upload(client, workshop, REPORT, share=bad)
        assert response.status_code == 400 and "Nothing was saved" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty"),
        (os.urandom(3000), "not"),
        (b"\x00" * 5000, "binary"),
        (b"First,Last,Minutes\nAna,Rivera,240\n", "No table of participants"),
        (b"Name,Email,Duration\nAna,ana@nhs.example,ages\n", "the duration"),
        (b"Name,Email,Duration\n" + b"A,a@x.example,3\n" * 200_000, "larger than 2 MB"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(
    client, trainer, setting, data, message
):
    workshop, _ = setting
    client.force_login(trainer)
    events = AuditEvent.objects.count()
    response = upload(client, workshop, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and message in html
    assert not Attendance.objects.exists() and AuditEvent.objects.count() == events


def test_no_file_chosen(client, trainer, setting):
    workshop, _ = setting
    client.force_login(trainer)
    response = client.post(
        reverse("courses:register_import", args=[workshop.pk]), {"share_percent": "75"}
    )
    assert response.status_code == 400
    assert "Choose the attendance report to import" in response.content.decode()


def test_a_changed_or_foreign_preview_saves_nothing(client, trainer, setting):
    workshop, people = setting
    client.force_login(trainer)
    html = upload(client, workshop, REPORT).content.decode()
    token = hidden(html, "preview")
    other_session = factories.workshops(factories.make_course_run(first_workshop_in_days=-3))[0]
    for session, preview in (
        (workshop, token[:-3] + "abc"),  # changed minutes would break the signature
        (workshop, ""),
        (other_session, token),  # another session's preview
    ):
        response = client.post(
            reverse("courses:register_import_confirm", args=[session.pk]),
            {"attended": [people["ana"].pk], "opened": "", "preview": preview},
        )
        assert response.status_code == 400
        assert "Nothing was saved" in response.content.decode()
    assert PREVIEW_EXPIRED in response.content.decode()
    assert not Attendance.objects.exists()


def test_confirming_twice_saves_once(client, trainer, setting):
    workshop, people = setting
    client.force_login(trainer)
    html = upload(client, workshop, REPORT).content.decode()
    data = {
        "attended": sorted(checked(html)),
        "opened": hidden(html, "opened"),
        "preview": hidden(html, "preview"),
    }
    url = reverse("courses:register_import_confirm", args=[workshop.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [people["ana"].pk]


def test_a_confirm_after_another_trainer_saved_shows_the_preview_again(client, trainer, setting):
    workshop, people = setting
    client.force_login(trainer)
    html = upload(client, workshop, REPORT).content.decode()
    Attendance.objects.create(enrolment=people["cleo"], session=workshop)
    response = client.post(
        reverse("courses:register_import_confirm", args=[workshop.pk]),
        {
            "attended": [people["ana"].pk],
            "opened": hidden(html, "opened"),
            "preview": hidden(html, "preview"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this register" in page and "In the meeting 240 min" in page
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [people["cleo"].pk]


def test_before_the_session_starts_there_is_nothing_to_import(client, trainer):
    run = factories.make_course_run()
    factories.enrol(factories.TraineeFactory(email="ana@nhs.example"), run)
    workshop = factories.workshops(run)[0]
    client.force_login(trainer)
    response = client.get(reverse("courses:register_import", args=[workshop.pk]))
    assert response["Location"] == reverse("courses:register", args=[workshop.pk])
    response = upload(client, workshop, REPORT)
    assert response.status_code == 302 and not Attendance.objects.exists()
