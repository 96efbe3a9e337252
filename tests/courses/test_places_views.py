"""The trainee's and trainer's pages for places: joining a waiting list, the position, an
offer to accept or decline, withdrawal's confirm page, moving a trainee, cancelling."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Enrolment, SessionChange, WaitingListEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_run(other_trainee):
    run = factories.make_course_run(places=1)
    factories.enrol(other_trainee, run)
    return run


def test_a_full_runs_page_offers_the_waiting_list(client, trainee, full_run):
    client.force_login(trainee)
    html = client.get(full_run.url).content.decode()
    assert "Join the waiting list" in html and "The one place is taken" in html
    assert "Enrol on" not in html


def test_joining_shows_the_position_on_the_dashboard(client, trainee, full_run):
    client.force_login(trainee)
    response = client.post(reverse("courses:waiting_list_join", args=[full_run.pk]), follow=True)
    assert "You are on the waiting list for" in response.content.decode()
    assert "number 1" in response.content.decode()
    assert WaitingListEntry.objects.filter(user=trainee, status="waiting").count() == 1


def test_enrolling_on_a_full_run_says_so_and_changes_nothing(client, trainee, full_run):
    client.force_login(trainee)
    response = client.post(reverse("courses:enrol", args=[full_run.pk]), follow=True)
    assert "This course run is full" in response.content.decode()
    assert not Enrolment.objects.filter(user=trainee).exists()


def offered(trainee, run) -> WaitingListEntry:
    entry = services.waiting_list_join(user=trainee, course_run=run)
    services.enrolment_withdraw(enrolment=run.enrolments.active().first())
    entry.refresh_from_db()
    return entry


def test_an_offer_shows_its_deadline_and_accepting_enrols(client, trainee, full_run):
    entry = offered(trainee, full_run)
    client.force_login(trainee)
    dashboard = client.get(reverse("courses:dashboard")).content.decode()
    assert "A place is offered to you" in dashboard and "Accept the place" in dashboard
    url = reverse("courses:place_offer", args=[entry.pk])
    assert "Accept by" in client.get(url).content.decode()
    response = client.post(url, {"action": "accept"}, follow=True)
    assert f"You are enrolled on {full_run.title}" in response.content.decode()
    assert Enrolment.objects.active().filter(user=trainee, course_run=full_run).exists()


def test_declining_says_where_the_place_goes(client, trainee, full_run):
    entry = offered(trainee, full_run)
    client.force_login(trainee)
    url = reverse("courses:place_offer", args=[entry.pk])
    response = client.post(url, {"action": "decline"}, follow=True)
    assert "it goes to the next person" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.DECLINED


def test_an_expired_offer_says_so_and_cannot_be_accepted(client, trainee, full_run):
    entry = offered(trainee, full_run)
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(trainee)
    url = reverse("courses:place_offer", args=[entry.pk])
    assert "The offer ended on" in client.get(url).content.decode()
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 400
    assert "no longer open" in response.content.decode()
    assert not Enrolment.objects.filter(user=trainee, course_run=full_run).exists()


def test_an_unknown_action_changes_nothing(client, trainee, full_run):
    entry = offered(trainee, full_run)
    client.force_login(trainee)
    response = client.post(reverse("courses:place_offer", args=[entry.pk]), {"action": "x"})
    assert response.status_code == 400
    assert "Choose whether to accept or decline" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED


def test_another_trainees_entry_is_not_found(client, trainee, other_trainee, full_run):
    entry = offered(trainee, full_run)
    client.force_login(factories.TraineeFactory())
    assert client.get(reverse("courses:place_offer", args=[entry.pk])).status_code == 404


def test_withdrawal_asks_first_then_frees_the_place(client, trainee, course_run):
    enrolment = factories.enrol(trainee, course_run)
    client.force_login(trainee)
    url = reverse("courses:withdraw", args=[enrolment.pk])
    page = client.get(url).content.decode()
    assert "your questionnaire answers are kept" in page and "Keep my place" in page
    enrolment.refresh_from_db()
    assert enrolment.is_active  # a GET changes nothing
    response = client.post(url, follow=True)
    assert "You have withdrawn from" in response.content.decode()
    enrolment.refresh_from_db()
    assert not enrolment.is_active


def test_withdrawal_after_the_first_workshop_explains_what_to_do(client, trainee):
    run = factories.make_course_run(first_workshop_in_days=-1)
    enrolment = factories.enrol(trainee, run)
    client.force_login(trainee)
    url = reverse("courses:withdraw", args=[enrolment.pk])
    assert "tell your trainer" in client.get(url).content.decode()
    assert client.post(url).status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.is_active


def test_the_trainers_places_page_lists_trainees_waiting_and_sessions(client, trainer, full_run):
    services.waiting_list_join(
        user=factories.TraineeFactory(first_name="Wanda"), course_run=full_run
    )
    client.force_login(trainer)
    html = client.get(reverse("courses:run_places", args=[full_run.pk])).content.decode()
    assert "Move to another run" in html and "Wanda" in html and "Cancel" in html
    runs = client.get(reverse("courses:trainer_runs")).content.decode()
    assert "Places, trainees and sessions" in runs and "of 1 places" in runs


def test_a_trainer_moves_a_trainee(client, trainer, trainee, course_run):
    enrolment = factories.enrol(trainee, course_run)
    target = factories.make_course_run(title="Leeds spring")
    client.force_login(trainer)
    url = reverse("courses:enrolment_move", args=[enrolment.pk])
    assert "Leeds spring" in client.get(url).content.decode()
    response = client.post(url, {"to_run": target.pk}, follow=True)
    assert "moved to Leeds spring" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.course_run == target


def test_moving_to_a_full_run_is_refused_on_the_form(
    client, trainer, trainee, course_run, full_run
):
    enrolment = factories.enrol(trainee, course_run)
    client.force_login(trainer)
    response = client.post(
        reverse("courses:enrolment_move", args=[enrolment.pk]), {"to_run": full_run.pk}
    )
    assert response.status_code == 400
    assert "is full" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.course_run == course_run


def test_a_trainer_cancels_a_session_after_confirming(client, trainer, course_run):
    session = factories.workshops(course_run)[0]
    client.force_login(trainer)
    url = reverse("courses:session_cancel", args=[session.pk])
    assert "Cancel the session" in client.get(url).content.decode()
    assert not SessionChange.objects.filter(cancelled_at__isnull=False).exists()
    response = client.post(url, follow=True)
    assert "is cancelled" in response.content.decode()
    assert SessionChange.objects.get(session=session).is_cancelled
    assert "This session has been cancelled" in client.get(session.url).content.decode()
    assert client.post(url).status_code == 400  # a second time: refused, nothing changes


def test_the_dashboard_offers_withdrawal_only_before_the_first_workshop(client, trainee):
    soon = factories.enrol(trainee, factories.make_course_run(title="Soon"))
    started = factories.enrol(trainee, factories.make_course_run(first_workshop_in_days=-1))
    client.force_login(trainee)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert reverse("courses:withdraw", args=[soon.pk]) in html
    assert reverse("courses:withdraw", args=[started.pk]) not in html
