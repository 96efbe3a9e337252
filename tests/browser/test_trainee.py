"""A trainee's whole journey on a phone: sign up, verify, enrol, consent, baseline, chart,
follow-up, certificate and its public verification page."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Response
from courses.models import Footstep
from courses.services import attendance_record
from tests import factories
from tests.browser.helpers import PHONE, assert_fits, last_email_link

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback puts back the migrations'
    # seeded instrument, footsteps, groups and pages for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True),
]

BASELINE = [2, 3, 2, 1, 3, 2, 2, 3, 2, 1, 2, 3, 2, 1]
FOLLOW_UP = [4, 4, 3, 4, 4, 3, 4, 4, 3, 3, 4, 4, 4, 3]


def _rate(page, ratings) -> None:
    for code, value in zip(range(1, 15), ratings, strict=True):
        page.locator(f"input[name=s{code}][value='{value}']").check()


def _move_the_clock(run) -> None:
    """Three months and a week have passed: both workshops took place, the follow-up is open."""
    first = timezone.now() - timedelta(days=14 + 97)
    for n, workshop in enumerate(factories.workshops(run)):
        workshop.starts_at = first + timedelta(days=14 * n)
        workshop.save()  # a save, as the admin makes: cached schedules follow it


def test_a_trainee_goes_from_sign_up_to_a_verified_certificate(page, shoot, console):
    run = factories.make_course_run(title="Bristol spring cohort", slug="bristol-spring")
    for number in (1, 2, 3):
        factories.make_module(Footstep.objects.get(number=number))
    trainer = factories.TrainerFactory()

    # Sign up from the home page.
    page.goto("/")
    assert_fits(page)
    shoot(page, "01-home")
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Last name").fill("Morgan")
    page.get_by_label("Email").fill("alex.morgan@example.org")
    page.get_by_label("Password", exact=True).fill("pacing-and-goals-2024")
    page.get_by_label("Password (again)").fill("pacing-and-goals-2024")
    assert_fits(page)
    shoot(page, "02-sign-up")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    console.collect()
    shoot(page, "03-verification-sent")

    # Verify the address from the emailed link; allauth signs the new trainee in.
    page.goto(last_email_link("/accounts/confirm-email/"))
    shoot(page, "04-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    assert_fits(page)
    shoot(page, "04b-dashboard-not-enrolled")

    # Enrol from the course index, through the run's page.
    page.goto(run.get_parent().url)
    assert_fits(page)
    shoot(page, "05-course-index")
    page.get_by_role("link", name="Bristol spring cohort").first.click()
    assert_fits(page)
    shoot(page, "06-course-run")
    page.get_by_role("button", name="Enrol on Bristol spring cohort").click()
    expect(page.get_by_text("You are enrolled on Bristol spring cohort")).to_be_visible()
    # The next thing to do comes first, then the steps.
    expect(page.locator(".next-step")).to_contain_text("Fill in the baseline questionnaire before")
    expect(page.locator("[data-step=enrol]")).to_contain_text("Completed")
    assert_fits(page)
    shoot(page, "07-dashboard-enrolled")
    console.collect()

    # Two footstep modules read and marked as done, one undone and done again.
    for title in ("Building knowledge about pain", "Acceptance"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
        page.get_by_role("region", name="The ten footsteps").get_by_role("link", name=title).click()
        assert_fits(page)
        page.get_by_role("button", name="Mark this module as done").click()
        expect(page.get_by_role("status")).to_contain_text("is marked as done")
    page.get_by_role("button", name="Mark as not done").click()
    expect(page.get_by_role("status")).to_contain_text("is marked as not done")
    page.get_by_role("button", name="Mark this module as done").click()
    assert_fits(page)
    shoot(page, "07b-module-done")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    expect(page.get_by_text("2 of 3 done.")).to_be_visible()
    console.collect()

    # The other pages a trainee reads: a workshop, the footstep library, their account.
    page.locator(".schedule").get_by_role("link", name="Workshop 1", exact=True).click()
    expect(page.get_by_role("heading", name="Workshop 1")).to_be_visible()
    assert_fits(page)
    shoot(page, "07c-workshop")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Footsteps").click()
    assert_fits(page)
    shoot(page, "07d-footstep-library")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Account").click()
    assert_fits(page)
    shoot(page, "07e-account")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    console.collect()

    # Consent with the keyboard only: Tab from the top of the page to the first answer, Space
    # to choose it, Tab to the button and Enter to send.
    page.get_by_role("link", name="Fill in the baseline questionnaire").click()
    assert_fits(page)
    shoot(page, "08-consent")
    yes = page.get_by_label("Yes")
    for _ in range(20):
        page.keyboard.press("Tab")
        if yes.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the consent question's first answer.")
    page.keyboard.press("Space")
    expect(yes).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your participant code is")
    console.collect()

    # Baseline: a mistake first (no profession), then every answer.
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Choose your profession from the list.").first).to_be_visible()
    shoot(page, "09-baseline-errors")
    page.get_by_role("combobox", name="Your profession").select_option(
        label="Social prescriber / link worker"
    )
    page.get_by_label("Number").fill("2.5")
    page.get_by_label("Unit").select_option("years")
    page.locator("fieldset", has_text="self-management resources").get_by_label("No").check()
    _rate(page, BASELINE)
    assert_fits(page)
    shoot(page, "10-baseline-filled")
    page.get_by_role("button", name="Send my answers").click()

    # The personal chart: plotly draws an SVG, and a table gives the same scores.
    expect(
        page.get_by_role("heading", name="Your confidence, footstep by footstep")
    ).to_be_visible()
    expect(page.locator("#confidence-chart .main-svg").first).to_be_attached()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="1. Building knowledge about pain")).to_contain_text("2.0")
    expect(table.get_by_role("row", name="3. Pacing")).to_contain_text("1.5")
    assert_fits(page)
    shoot(page, "11-chart-baseline")
    console.collect()

    # Three months later: the trainer took both registers, the follow-up is open.
    _move_the_clock(run)
    enrolment = run.enrolments.get()
    for workshop in factories.workshops(run):
        attendance_record(
            session=workshop, enrolment_ids_attended={enrolment.pk}, marked_by=trainer
        )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    steps = page.locator(".nhsuk-task-list")
    expect(steps.locator("[data-step=workshop_1]")).to_contain_text("Attended")
    expect(steps.locator("[data-step=month_3]")).to_contain_text("Due")
    assert_fits(page)
    shoot(page, "12-dashboard-follow-up-due")
    page.get_by_role("link", name="Fill in the 3-month follow-up questionnaire").click()
    _rate(page, FOLLOW_UP)
    page.get_by_label("I have used them with patients").check()
    page.get_by_label("What did you think of the programme?").fill("Practical and kind.")
    assert_fits(page)
    shoot(page, "13-follow-up-filled")
    page.get_by_role("button", name="Send my answers").click()

    # The chart now overlays both waves and shows the change.
    expect(page.get_by_role("columnheader", name="3 months after")).to_be_visible()
    expect(page.locator("#confidence-chart .main-svg").first).to_be_attached()
    assert page.locator("#confidence-chart .scatterlayer .trace").count() == 2
    expect(table.get_by_role("row", name="1. Building knowledge about pain")).to_contain_text(
        "+2.0"
    )
    assert_fits(page)
    shoot(page, "14-chart-follow-up")
    console.collect()

    # The certificate downloads as a PDF, and its code verifies on the public page.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    code = download.suggested_filename.removeprefix("ten-footsteps-certificate-").removesuffix(
        ".pdf"
    )
    page.goto("/certificates/verify/")
    assert_fits(page)
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    expect(page.get_by_text("Alex Morgan")).to_be_visible()
    expect(page.get_by_text("Bristol spring cohort")).to_be_visible()
    assert_fits(page)
    shoot(page, "15-certificate-verified")

    console.assert_clean()
    user = get_user_model().objects.get(email="alex.morgan@example.org")
    assert user.get_full_name() == "Alex Morgan"
    waves = Response.objects.filter(participant__enrolment__user=user).values_list(
        "wave", flat=True
    )
    assert sorted(waves) == ["baseline", "month_3"]
