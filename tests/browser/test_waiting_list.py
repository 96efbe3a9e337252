"""A trainee on a phone joins a full run's waiting list, sees their position, is emailed an
offer when a place frees, and accepts it from the email's link."""

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Enrolment
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_fits,
    check_accessibility,
    last_email_link,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True),
]


def test_a_trainee_on_a_waiting_list_accepts_an_offered_place(page, shoot, console):
    run = factories.make_course_run(
        title="Exeter cohort with a deliberately long name to wrap", places=1
    )
    holder = factories.enrol(factories.TraineeFactory(), run)
    trainee = factories.TraineeFactory(first_name="Sam", email="sam.waiting@example.org")

    sign_in(page, trainee.email)
    page.goto(run.url)
    expect(page.get_by_text("The one place is taken")).to_be_visible()
    assert_fits(page)
    shoot(page, "01-full-run")
    page.get_by_role("button", name="Join the waiting list").click()

    expect(page.get_by_text("You are on the waiting list for")).to_be_visible()
    expect(page.get_by_text("number 1", exact=False).first).to_be_visible()
    assert_fits(page)
    shoot(page, "02-dashboard-waiting")

    # The trainee holding the place withdraws: the place is offered to the first waiting.
    services.enrolment_withdraw(enrolment=holder)
    link = last_email_link("/my/waiting-list/")
    page.goto(link)
    expect(page.get_by_role("heading", name="A place is yours if you want it")).to_be_visible()
    expect(page.get_by_text("Accept by")).to_be_visible()
    assert_fits(page)
    shoot(page, "03-offer")

    page.get_by_role("button", name="Accept the place").click()
    expect(page.get_by_text(f"You are enrolled on {run.title}")).to_be_visible()
    expect(page.get_by_role("heading", name=run.title)).to_be_visible()
    assert_fits(page)
    shoot(page, "04-enrolled")
    assert Enrolment.objects.active().filter(user=trainee, course_run=run).count() == 1

    page.get_by_role("link", name="Withdraw from this course run").click()
    expect(page.get_by_role("button", name=f"Withdraw from {run.title}")).to_be_visible()
    assert_fits(page)
    shoot(page, "05-withdraw-confirm")
    page.set_viewport_size(DESKTOP)
    shoot(page, "06-withdraw-confirm-desktop")
    console.assert_clean()


def test_a_trainer_sees_the_waiting_list_and_moves_a_trainee_on_a_phone(page, shoot, console):
    run = factories.make_course_run(title="Exeter cohort", places=1, minimum_enrolments=3)
    later = factories.make_course_run(title="Exeter summer cohort", first_workshop_in_days=60)
    trainee = factories.TraineeFactory(
        first_name="Robin",
        last_name="Long-Surname-That-Goes-On",
        email="robin.long-surname-that-goes-on@primary-care-network.example.org",
    )
    enrolment = factories.enrol(trainee, run)
    services.waiting_list_join(user=factories.TraineeFactory(first_name="Wanda"), course_run=run)
    trainer = factories.TrainerFactory()

    sign_in(page, trainer.email, totp_user=trainer)
    page.goto("/trainer/runs/")
    check_accessibility(page)
    expect(page.get_by_text("Below its minimum").first).to_be_visible()
    page.get_by_role("link", name="Places, trainees and sessions for Exeter cohort").click()
    expect(page.get_by_role("heading", name="Waiting list")).to_be_visible()
    assert_fits(page)
    shoot(page, "01-places")

    page.get_by_role("link", name="Move to another run").click()
    page.get_by_label("Move to course run").select_option(label=f"{later.title} ({later.network})")
    assert_fits(page)
    shoot(page, "02-move")
    page.get_by_role("button", name="Move the trainee").click()
    expect(page.get_by_text("moved to Exeter summer cohort")).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.course_run_id == later.pk
    assert_fits(page)
    shoot(page, "03-moved-and-place-offered")

    page.get_by_role("link", name="Cancel Workshop 1").click()
    expect(page.get_by_role("heading", name="Cancel Workshop 1")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("is cancelled")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    shoot(page, "04-cancelled-desktop")
    console.assert_clean()
