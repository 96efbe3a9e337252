"""Places and the waiting list: capacity, the queue's order, offers, their deadline, and
accepting or declining; every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from courses import selectors, services
from courses.models import Enrolment, WaitingListEntry
from tests import factories

pytestmark = pytest.mark.django_db

W = WaitingListEntry.Status


@pytest.fixture
def full_run():
    """A run with two places, both taken."""
    run = factories.make_course_run(places=2)
    for _ in range(2):
        factories.enrol(factories.TraineeFactory(), run)
    return run


def join(run, n: int) -> list[WaitingListEntry]:
    start = timezone.now()
    return [
        services.waiting_list_join(
            user=factories.TraineeFactory(), course_run=run, now=start + timedelta(minutes=i)
        )
        for i in range(n)
    ]


def test_a_run_with_a_free_place_enrols_and_a_full_one_refuses(trainee, other_trainee):
    run = factories.make_course_run(places=1)
    services.enrolment_create(user=trainee, course_run=run)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(user=other_trainee, course_run=run)
    assert refused.value.code == "full"
    assert "waiting list" in refused.value.messages[0]
    assert Enrolment.objects.filter(course_run=run).count() == 1


def test_a_run_without_a_number_of_places_has_no_limit(trainee):
    run = factories.make_course_run()
    for _ in range(30):
        factories.enrol(factories.TraineeFactory(), run)
    assert services.enrolment_create(user=trainee, course_run=run).is_active
    assert selectors.run_places(run).free is None


def test_the_waiting_list_is_only_for_a_full_run(trainee):
    run = factories.make_course_run(places=3)
    with pytest.raises(ValidationError) as refused:
        services.waiting_list_join(user=trainee, course_run=run)
    assert refused.value.code == "not_full"
    assert not WaitingListEntry.objects.exists()


def test_positions_follow_the_time_joined_and_nobody_queues_twice(full_run):
    first, second, third = join(full_run, 3)
    assert [selectors.waiting_list_position(e) for e in (first, second, third)] == [1, 2, 3]
    with pytest.raises(ValidationError) as refused:
        services.waiting_list_join(user=second.user, course_run=full_run)
    assert refused.value.code == "already_waiting"
    # Someone enrolled cannot queue for their own run either.
    enrolled = Enrolment.objects.filter(course_run=full_run).first().user
    with pytest.raises(ValidationError, match="already enrolled"):
        services.waiting_list_join(user=enrolled, course_run=full_run)


def test_nobody_jumps_the_queue_when_a_place_is_on_offer(full_run, trainee):
    (waiting,) = join(full_run, 1)
    services.enrolment_withdraw(enrolment=Enrolment.objects.filter(course_run=full_run).first())
    waiting.refresh_from_db()
    assert waiting.status == W.OFFERED
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(user=trainee, course_run=full_run)
    assert refused.value.code == "full"


def test_a_withdrawal_offers_the_place_to_the_first_by_email_with_the_deadline(
    full_run, django_capture_on_commit_callbacks, settings
):
    settings.WAITING_LIST_OFFER_HOURS = 24
    first, second = join(full_run, 2)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(
            enrolment=Enrolment.objects.filter(course_run=full_run).first(), now=now
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (W.OFFERED, W.WAITING)
    assert first.offer_expires_at == now + timedelta(hours=24)
    assert selectors.waiting_list_position(second) == 1
    (email,) = mail.outbox
    assert email.to == [first.user.email]
    assert full_run.title in email.subject
    assert f"/my/waiting-list/{first.pk}/" in email.body
    assert "Accept the place" in email.body


def test_accepting_enrols_once_however_often(full_run):
    (entry,) = join(full_run, 1)
    services.enrolment_withdraw(enrolment=Enrolment.objects.filter(course_run=full_run).first())
    entry.refresh_from_db()
    enrolment = services.waiting_list_accept(entry=entry)
    again = services.waiting_list_accept(entry=entry)
    assert enrolment.pk == again.pk and enrolment.is_active
    entry.refresh_from_db()
    assert entry.status == W.ACCEPTED and entry.closed_at is not None
    assert Enrolment.objects.active().filter(course_run=full_run).count() == 2


def test_an_offer_cannot_be_accepted_after_its_deadline(full_run):
    (entry,) = join(full_run, 1)
    services.enrolment_withdraw(enrolment=Enrolment.objects.filter(course_run=full_run).first())
    entry.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.waiting_list_accept(entry=entry, now=entry.offer_expires_at)
    assert refused.value.code == "offer_expired"
    entry.refresh_from_db()
    assert entry.status == W.OFFERED  # unchanged: the expiry command passes it on
    assert not Enrolment.objects.active().filter(user=entry.user).exists()


def test_a_waiting_entry_cannot_be_accepted(full_run):
    (entry,) = join(full_run, 1)
    with pytest.raises(ValidationError) as refused:
        services.waiting_list_accept(entry=entry)
    assert refused.value.code == "offer_closed"


def test_declining_passes_the_place_to_the_next(full_run):
    first, second = join(full_run, 2)
    services.enrolment_withdraw(enrolment=Enrolment.objects.filter(course_run=full_run).first())
    first.refresh_from_db()
    services.waiting_list_leave(entry=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (W.DECLINED, W.OFFERED)


def test_leaving_the_list_moves_the_others_up(full_run):
    first, second = join(full_run, 2)
    services.waiting_list_leave(entry=first)
    first.refresh_from_db()
    assert first.status == W.LEFT
    assert selectors.waiting_list_position(second) == 1


def test_expired_offers_pass_in_order_without_skipping_anyone(full_run):
    first, second, third = join(full_run, 3)
    services.enrolment_withdraw(enrolment=Enrolment.objects.filter(course_run=full_run).first())
    first.refresh_from_db()
    later = first.offer_expires_at + timedelta(seconds=1)
    assert (
        services.waiting_list_expire_offers(now=first.offer_expires_at - timedelta(seconds=1)) == 0
    )
    assert services.waiting_list_expire_offers(now=later) == 1
    for entry in (first, second, third):
        entry.refresh_from_db()
    assert [first.status, second.status, third.status] == [W.EXPIRED, W.OFFERED, W.WAITING]
    assert services.waiting_list_expire_offers(now=later) == 0  # run twice: nothing more


def test_the_expiry_command_reports_what_it_ended(full_run, capsys):
    (entry,) = join(full_run, 1)
    services.enrolment_withdraw(enrolment=Enrolment.objects.filter(course_run=full_run).first())
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("expire_place_offers")
    assert "Ended 1 expired offer." in capsys.readouterr().out
    entry.refresh_from_db()
    assert entry.status == W.EXPIRED


def test_raising_the_places_in_the_admin_offers_them_on_publish(
    full_run, django_capture_on_commit_callbacks
):
    first, second, third = join(full_run, 3)
    draft = full_run.get_latest_revision_as_object()
    draft.places = 4
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    statuses = [e.status for e in WaitingListEntry.objects.order_by("joined_at")]
    assert statuses == [W.OFFERED, W.OFFERED, W.WAITING]
    assert len(mail.outbox) == 2


def test_removing_the_limit_offers_everyone_waiting(full_run):
    join(full_run, 3)
    full_run.places = None
    full_run.save()
    assert services.waiting_list_offer_places(course_run=full_run) == 3


def test_offers_wait_while_the_run_is_unpublished(full_run):
    join(full_run, 1)
    full_run.places = 5
    full_run.save()
    full_run.unpublish()
    full_run.refresh_from_db()
    assert services.waiting_list_offer_places(course_run=full_run) == 0


def test_the_number_of_places_must_be_positive_in_the_database(full_run):
    from django.db import IntegrityError, transaction

    from courses.models import CourseRunPage

    with pytest.raises(IntegrityError), transaction.atomic():
        CourseRunPage.objects.filter(pk=full_run.pk).update(places=0)


def test_an_open_entry_per_person_and_run_is_a_database_rule(full_run, trainee):
    from django.db import IntegrityError, transaction

    WaitingListEntry.objects.create(user=trainee, course_run=full_run)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitingListEntry.objects.create(user=trainee, course_run=full_run)
    # A closed entry does not stop them joining again.
    WaitingListEntry.objects.filter(user=trainee).update(status=W.LEFT, closed_at=timezone.now())
    WaitingListEntry.objects.create(user=trainee, course_run=full_run)


def test_an_offer_needs_its_deadline_in_the_database(full_run, trainee):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        WaitingListEntry.objects.create(user=trainee, course_run=full_run, status=W.OFFERED)


def test_the_expiry_run_offers_a_place_freed_by_a_deleted_account(full_run):
    (entry,) = join(full_run, 1)
    Enrolment.objects.filter(course_run=full_run).first().user.delete()
    assert services.waiting_list_expire_offers() == 0
    entry.refresh_from_db()
    assert entry.status == W.OFFERED
