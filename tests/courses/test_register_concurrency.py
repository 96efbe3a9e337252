"""Two trainers saving one register at the same moment: one save wins, the other is refused
with nothing written, so neither trainer's ticks are lost without them knowing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import Attendance
from courses.services import CHANGED, attendance_record
from tests import factories
from tests.assessments.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers, so it cannot exercise concurrent saves; this runs "
        "in the PostgreSQL CI pass.",
    ),
]


def test_two_trainers_saving_one_register_at_once(trainer):
    run = factories.make_course_run(first_workshop_in_days=-1)
    workshop = factories.workshops(run)[0]
    a, b = (factories.enrol(factories.TraineeFactory(), run) for _ in range(2))
    ticks = iter([{a.pk}, {b.pk}])

    def save():
        # Both opened the register while it was empty.
        return attendance_record(
            session=workshop,
            enrolment_ids_attended=next(ticks),
            marked_by=trainer,
            present_when_opened=set(),
        )

    outcomes = race(save)
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and refused[0].messages == [CHANGED], outcomes
    saved = set(Attendance.objects.filter(session=workshop).values_list("enrolment_id", flat=True))
    assert saved in ({a.pk}, {b.pk})
