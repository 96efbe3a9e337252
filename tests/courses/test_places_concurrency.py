"""Places under concurrency (PostgreSQL): two withdrawals at once promote two different
people, never the same one twice; an offer accepted twice at once enrols once; the last
place goes to one of two trainees enrolling at once; overlapping expiry runs pass each
offer on once."""

import pytest
from django.db import connection
from django.utils import timezone

from courses import services
from courses.models import Enrolment, WaitingListEntry
from tests import factories
from tests.assessments.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers (one write transaction at a time), so it cannot "
        "exercise concurrent promotions; this runs in the PostgreSQL CI pass.",
    ),
]

W = WaitingListEntry.Status


def test_places_stay_right_under_concurrent_withdrawals_accepts_enrolments_and_expiry():
    # One test rather than several: each transactional test reloads the seeded database.
    run = factories.make_course_run(places=2)
    enrolled = [factories.enrol(factories.TraineeFactory(), run) for _ in range(2)]
    waiting = [
        services.waiting_list_join(user=factories.TraineeFactory(), course_run=run)
        for _ in range(4)
    ]

    # Two withdrawals at the same moment: the first two in the queue are offered, once each.
    pending = list(enrolled)
    outcomes = race(lambda: services.enrolment_withdraw(enrolment=pending.pop()))
    assert all(isinstance(o, Enrolment) for o in outcomes), outcomes
    statuses = [e.status for e in WaitingListEntry.objects.order_by("joined_at", "id")]
    assert statuses == [W.OFFERED, W.OFFERED, W.WAITING, W.WAITING]

    # Each of the two offers accepted twice at once (a double click): each enrols once.
    first, second = WaitingListEntry.objects.filter(status=W.OFFERED).order_by("joined_at")
    clicks = [first, first, second, second]
    outcomes = race(lambda: services.waiting_list_accept(entry=clicks.pop()), n=4)
    assert all(isinstance(o, Enrolment) for o in outcomes), outcomes
    assert Enrolment.objects.active().filter(course_run=run).count() == 2
    assert set(Enrolment.objects.active().values_list("user_id", flat=True)) == {
        waiting[0].user_id,
        waiting[1].user_id,
    }

    # A third place opens; two trainees not on the list try for it while two wait: neither
    # jumps the queue, and the first waiting is offered it once.
    run.places = 3
    run.save()
    services.waiting_list_offer_places(course_run=run)
    outsiders = [factories.TraineeFactory() for _ in range(2)]
    outcomes = race(lambda: services.enrolment_create(user=outsiders.pop(), course_run=run))
    assert [getattr(o, "code", None) for o in outcomes] == ["full", "full"]
    third = WaitingListEntry.objects.get(pk=waiting[2].pk)
    assert third.status == W.OFFERED

    # Two expiry runs overlap after the deadline: the offer ends once, the next is offered.
    later = third.offer_expires_at + timezone.timedelta(seconds=1)
    outcomes = race(lambda: services.waiting_list_expire_offers(now=later))
    assert sorted(outcomes) == [0, 1]
    statuses = [e.status for e in WaitingListEntry.objects.order_by("joined_at", "id")]
    assert statuses == [W.ACCEPTED, W.ACCEPTED, W.EXPIRED, W.OFFERED]


def test_the_last_place_goes_to_one_of_two_trainees_enrolling_at_once():
    run = factories.make_course_run(places=1)
    trainees = [factories.TraineeFactory() for _ in range(2)]
    outcomes = race(lambda: services.enrolment_create(user=trainees.pop(), course_run=run))
    enrolled = [o for o in outcomes if isinstance(o, Enrolment)]
    assert len(enrolled) == 1, outcomes
    assert [o.code for o in outcomes if not isinstance(o, Enrolment)] == ["full"]
    assert Enrolment.objects.filter(course_run=run).count() == 1
