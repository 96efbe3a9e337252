"""A trainer takes a 41-person register on a phone during a workshop: filters by name,
selects all then clears a few, keeps the count in view, saves; then imports the meeting's
attendance report and confirms the preview. The database holds each step."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Attendance
from tests import factories
from tests.browser.helpers import DESKTOP, PHONE, assert_fits, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True),
]

LONG_EMAIL = "alexandra.montgomery-fitzwilliam.clinical-lead@northumbria-healthcare.nhs.example"
SURNAMES = ["Okafor", "Nowak", "Singh", "Evans", "Murphy", "Haddad", "Kowalski", "Byrne"]


def focus_is_clear_of_the_bar(page) -> bool:
    return page.evaluate(
        """() => {
            const bar = document.querySelector('.action-bar').getBoundingClientRect();
            const box = document.activeElement;
            const label = document.querySelector(`label[for="${box.id}"]`);
            return [box, label].every((e) => e.getBoundingClientRect().bottom <= bar.top);
        }"""
    )


def test_a_trainer_takes_a_41_person_register_on_a_phone(page, shoot, console, tmp_path):
    trainer = factories.TrainerFactory(first_name="Sam", last_name="Okafor")
    run = factories.make_course_run(title="Gateshead winter cohort", first_workshop_in_days=-1)
    workshop = factories.workshops(run)[0]
    enrolments = {}
    for i in range(38):
        user = factories.TraineeFactory(
            first_name=f"Trainee{i:02d}", last_name=SURNAMES[i % len(SURNAMES)]
        )
        enrolments[user.get_full_name()] = factories.enrol(user, run)
    for first in ("Ana", "Ben"):
        user = factories.TraineeFactory(first_name=first, last_name="Rivera")
        enrolments[user.get_full_name()] = factories.enrol(user, run)
    long = factories.TraineeFactory(first_name="Alexandra", last_name="Rivera", email=LONG_EMAIL)
    enrolments[long.get_full_name()] = factories.enrol(long, run)
    assert len(enrolments) == 41

    sign_in(page, trainer.email, totp_user=trainer)
    page.goto("/trainer/runs/")
    assert_fits(page)
    to_do = page.get_by_role("region", name="This week")
    expect(to_do.get_by_role("link", name="Workshop 1")).to_be_visible()
    shoot(page, "01-trainer-home-phone")
    to_do.get_by_role("link", name="Workshop 1").click()

    expect(page.get_by_role("heading", name="Register: Workshop 1")).to_be_visible()
    count = page.locator("[data-register-count]")
    expect(count).to_have_text("0 of 41 present")
    expect(count).to_have_attribute("aria-live", "polite")
    assert_fits(page)
    # The long email wraps inside the screen and is there in full.
    email = page.get_by_text(LONG_EMAIL)
    box = email.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # The save button is in reach at the top of the long list.
    save = page.get_by_role("button", name="Save the register")
    expect(save).to_be_in_viewport()
    shoot(page, "02-register-phone")

    page.get_by_role("button", name="Select all").click()
    expect(count).to_have_text("41 of 41 present")
    page.get_by_label("Filter by name or email").fill("rivera")
    expect(page.get_by_text("Showing 3 of 41.")).to_be_visible()
    expect(page.locator("[data-register-row]:visible")).to_have_count(3)
    page.get_by_role("button", name="Clear the 3 shown").click()
    expect(count).to_have_text("38 of 41 present")
    shoot(page, "03-register-filtered-phone")
    # Enter in the filter filters; it never submits the register.
    page.get_by_label("Filter by name or email").fill("nobody-like-this")
    page.get_by_label("Filter by name or email").press("Enter")
    expect(page.get_by_text("Nobody matches")).to_be_visible()
    assert not Attendance.objects.exists()
    page.get_by_label("Filter by name or email").fill("")
    expect(page.locator("[data-register-row]:visible")).to_have_count(41)
    page.get_by_label("Ana Rivera").check()  # she came after all
    expect(count).to_have_text("39 of 41 present")

    # Moving through the list with the keyboard, the focused row is never under the bar.
    page.get_by_label("Filter by name or email").focus()
    for _ in range(3 + 41):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") != "attended":
            continue
        assert focus_is_clear_of_the_bar(page), page.evaluate("document.activeElement.id")
    expect(save).to_be_in_viewport()
    page.screenshot(path=str(shoot(page, "04-register-end-phone").with_name("04-viewport.png")))

    # Saved while filtered: the rows the filter hides are saved too.
    page.get_by_label("Filter by name or email").fill("singh")
    expect(page.locator("[data-register-row]:visible")).to_have_count(5)
    save.click()
    expect(page.get_by_role("status")).to_contain_text("39 marked present, 0 marked absent")
    absent = {"Ben Rivera", "Alexandra Rivera"}
    assert set(
        Attendance.objects.filter(session=workshop).values_list("enrolment_id", flat=True)
    ) == {e.pk for name, e in enrolments.items() if name not in absent}
    expect(count).to_have_text("39 of 41 present")
    assert_fits(page)

    # The meeting's Zoom report: Ben stayed the whole workshop, Alexandra half of it.
    report = tmp_path / "participants_81234567890.csv"
    start = timezone.localtime(workshop.starts_at)
    stamp = lambda at: at.strftime("%m/%d/%Y %I:%M:%S %p")  # noqa: E731
    rows = [
        ("Ben Rivera", enrolments["Ben Rivera"].user.email, start, start + timedelta(hours=4)),
        ("Alexandra R", LONG_EMAIL.upper(), start, start + timedelta(hours=2)),
        ("Dial-in user", "", start, start + timedelta(hours=3)),
    ]
    report.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        + "".join(
            f"{n},{e},{stamp(a)},{stamp(b)},{(b - a).seconds // 60},No\n" for n, e, a, b in rows
        )
    )
    page.get_by_role(
        "link", name="Import attendance from a Teams or Zoom attendance report"
    ).click()
    page.get_by_label("Attendance report").set_input_files(str(report))
    expect(page.get_by_label("Present if they stayed at least")).to_have_value("75")
    assert_fits(page)
    shoot(page, "05-import-phone")
    page.get_by_role("button", name="Preview the register").click()
    expect(page.get_by_text("Nothing is saved yet")).to_be_visible()
    expect(page.get_by_label("Ben Rivera")).to_be_checked()
    expect(page.get_by_label("Alexandra Rivera")).not_to_be_checked()
    expect(page.get_by_role("cell", name="Dial-in user")).to_be_visible()
    expect(count).to_have_text("40 of 41 present")
    assert_fits(page)
    shoot(page, "06-import-preview-phone")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("1 marked present, 0 marked absent")
    ben = Attendance.objects.get(session=workshop, enrolment=enrolments["Ben Rivera"])
    assert ben.minutes_attended == 240
    assert Attendance.objects.filter(session=workshop).count() == 40

    # A session still to come: the page says when its register opens and lists the names.
    later = factories.workshops(run)[1]
    page.goto(f"/trainer/sessions/{later.pk}/register/")
    expect(page.get_by_text("The register opens when the session starts")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_fits(page)
    shoot(page, "07-register-not-yet-phone")

    page.goto(f"/trainer/sessions/{workshop.pk}/register/")
    page.set_viewport_size(DESKTOP)
    shoot(page, "08-register-desktop")
    console.assert_clean()
