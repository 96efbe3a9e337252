"""A trainee's whole journey on a phone: sign up, verify, enrol, consent, baseline, chart,
follow-up, certificate and its public verification page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import QuestionnaireDraft, Response
from assessments.services import follow_up_emails_enqueue
from courses.models import Footstep
from courses.services import attendance_record, session_reminders_enqueue
from tests import factories
from tests.browser.helpers import DESKTOP, PHONE, assert_fits, last_email_link, sign_in

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback puts back the migrations'
    # seeded instrument, footsteps, groups and pages for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True),
]

BASELINE = [2, 3, 2, 1, 3, 2, 2, 3, 2, 1, 2, 3, 2, 1]
FOLLOW_UP = [4, 4, 3, 4, 4, 3, 4, 4, 3, 3, 4, 4, 4, 3]
# Left blank at baseline: footstep 7 (sleep) and 10 (setbacks), one statement each.
SKIPPED = (10, 14)


def _rate(page, ratings, skip=()) -> None:
    for code, value in zip(range(1, 15), ratings, strict=True):
        if code not in skip:
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

    # Baseline: nothing is chosen to start with; a mistake first (no profession).
    counter = page.locator("#questionnaire-progress")
    expect(counter).to_have_text("0 of 14 answered")
    assert page.locator("input[type=radio]:checked").count() == 0
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Choose your profession from the list.").first).to_be_visible()
    shoot(page, "09-baseline-errors")
    page.get_by_role("combobox", name="Your profession").select_option(
        label="Social prescriber / link worker"
    )
    page.get_by_label("Number").fill("2.5")
    page.get_by_label("Unit").select_option("years")
    page.locator("fieldset", has_text="self-management resources").get_by_label("No").check()

    # Every statement blank: refused, with the reason.
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "You have not answered any of the statements"
    )

    # Answers are saved as they are chosen: coming back to the page brings them back.
    _rate(page, BASELINE, skip=SKIPPED)
    expect(counter).to_have_text("12 of 14 answered")
    expect(page.get_by_text("Your answers were saved at")).to_be_visible()
    page.goto(page.url)
    expect(page.get_by_text("These are the answers you saved on")).to_be_visible()
    expect(page.locator("input[name=s1][value='2']")).to_be_checked()
    expect(page.get_by_role("combobox", name="Your profession")).to_have_value("social_prescriber")
    expect(counter).to_have_text("12 of 14 answered")
    assert_fits(page)
    shoot(page, "10-baseline-filled")

    # Two statements skipped: listed, each a link to its statement, with "Send anyway".
    page.get_by_role("button", name="Send my answers").click()
    summary = page.locator("#unanswered-summary")
    expect(summary).to_contain_text("You have not answered 2 statements")
    expect(summary.get_by_role("link")).to_have_count(3)  # two statements, then send anyway
    assert_fits(page)
    shoot(page, "10b-baseline-unanswered")
    summary.get_by_role("link", name="Improve/manage their own sleep patterns").click()
    expect(page.locator("#id_s10_0")).to_be_focused()
    # The sticky counter never hides what has focus.
    counter_bottom = counter.bounding_box()["y"] + counter.bounding_box()["height"]
    assert page.locator("#id_s10_0").bounding_box()["y"] >= counter_bottom
    page.get_by_role("button", name="Send anyway").click()

    # The personal chart: plotly draws an SVG, and a table gives the same scores.
    expect(
        page.get_by_role("heading", name="Your confidence, footstep by footstep")
    ).to_be_visible()
    expect(page.locator("#confidence-chart .main-svg").first).to_be_attached()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="1. Building knowledge about pain")).to_contain_text("2.0")
    expect(table.get_by_role("row", name="3. Pacing")).to_contain_text("1.5")
    expect(table.get_by_role("row", name="7. Sleep")).to_contain_text("not scored")
    expect(page.locator("#confidence-chart").get_by_text("not scored")).to_have_count(2)
    assert_fits(page)
    shoot(page, "11-chart-baseline")
    console.collect()

    # The day before workshop 1, the daily command reminds everyone enrolled.
    first_workshop = factories.workshops(run)[0]
    session_reminders_enqueue(now=first_workshop.starts_at - timedelta(days=1))

    # Three months later: the trainer took both registers, the follow-up is open.
    _move_the_clock(run)
    enrolment = run.enrolments.get()
    for workshop in factories.workshops(run):
        attendance_record(
            session=workshop, enrolment_ids_attended={enrolment.pk}, marked_by=trainer
        )
    follow_up_emails_enqueue()  # the daily command: the follow-up is due
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

    # A forgotten password: the reset email.
    page.goto("/accounts/password/reset/")
    assert_fits(page)
    shoot(page, "16-password-reset")
    page.get_by_label("Email").fill("alex.morgan@example.org")
    page.get_by_role("button", name=re.compile("reset my password", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("password reset", re.I))).to_be_visible()
    assert_fits(page)

    # Every email of the journey reached the trainee, each ours (HTML and text).
    subjects = [m.subject for m in mail.outbox if m.to == ["alex.morgan@example.org"]]
    assert subjects[:2] == [
        "Ten Footsteps: Confirm your email address",
        "Ten Footsteps: You are enrolled on Bristol spring cohort",
    ], subjects
    # Worded from the day it is sent (the task runs at once here, two weeks ahead).
    assert subjects[2].startswith(f"Ten Footsteps: Reminder: {first_workshop.title} is "), subjects
    assert subjects[3:] == [
        "Ten Footsteps: Your 3-month follow-up questionnaire is open",
        "Ten Footsteps: Your certificate is ready",
        "Ten Footsteps: Reset your password",
    ], subjects
    for message in mail.outbox:
        assert [kind for _, kind in message.alternatives] == ["text/html"]

    console.assert_clean()
    user = get_user_model().objects.get(email="alex.morgan@example.org")
    assert user.get_full_name() == "Alex Morgan"
    waves = Response.objects.filter(participant__enrolment__user=user).values_list(
        "wave", flat=True
    )
    assert sorted(waves) == ["baseline", "month_3"]


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_the_questionnaire_keeps_focus_in_view_and_comes_back_later(page, shoot, console):
    """On a desktop, with the keyboard: focus never hides under the sticky counter; "Save and
    come back later" keeps the answers; a statement left blank is listed, sent anyway, and
    its footstep is marked not scored on the chart."""
    trainee = factories.TraineeFactory()
    enrolment = factories.enrol(trainee, factories.make_course_run())
    services.consent_record(enrolment=enrolment, consented=True)
    sign_in(page, trainee.email)
    assert_fits(page)  # and axe, on the dashboard the trainee lands on
    page.goto(reverse("assessments:questionnaire", args=[enrolment.pk, "baseline"]))
    counter = page.locator("#questionnaire-progress")
    expect(counter).to_have_text("0 of 14 answered")
    shoot(page, "01-questionnaire-desktop")

    # Tab moves from one statement's scale to the next; each stays clear of the counter.
    page.locator("#id_s1_0").focus()
    page.keyboard.press("Space")
    for code in range(2, 15):
        page.keyboard.press("Tab")
        expect(page.locator(f"#id_s{code}_0")).to_be_focused()
        if code != 14:  # left blank
            page.keyboard.press("ArrowRight" if code % 2 else "Space")
        counter_box = counter.bounding_box()
        focused = page.locator(f"#q-s{code} legend").bounding_box()
        assert focused["y"] >= counter_box["y"] + counter_box["height"], f"s{code} is hidden"
    expect(counter).to_have_text("13 of 14 answered")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers to the baseline")
    assert_fits(page)
    assert not Response.objects.exists()

    page.goto(reverse("assessments:questionnaire", args=[enrolment.pk, "baseline"]))
    expect(page.get_by_text("These are the answers you saved on")).to_be_visible()
    expect(counter).to_have_text("13 of 14 answered")
    page.get_by_role("combobox", name="Your profession").select_option("pharmacist")
    page.get_by_label("Number").fill("4")
    page.locator("fieldset", has_text="self-management resources").get_by_label("Yes").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#unanswered-summary")).to_contain_text("You have not answered 1 statement")
    shoot(page, "02-unanswered-desktop")
    page.get_by_role("button", name="Send anyway").click()
    expect(page.locator("#confidence-chart .main-svg").first).to_be_attached()
    expect(page.locator("#confidence-chart").get_by_text("(not scored)")).to_be_visible()
    shoot(page, "03-chart-desktop")
    assert not QuestionnaireDraft.objects.exists()
    console.assert_clean()
