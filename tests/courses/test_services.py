"""Enrolment and attendance writes: the happy paths and bad input that must change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from courses.models import Attendance, Enrolment, Footstep, ModuleCompletion, QASessionPage
from courses.services import (
    ALREADY_ENROLLED,
    CLOSED,
    MODULES_ARE_FOR_TRAINEES,
    NOT_A_TRAINEE,
    NOT_ENROLLED,
    NOT_STARTED,
    attendance_mark,
    attendance_record,
    enrolment_create,
    module_completion_set,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_run():
    """A run whose sessions have all happened, so attendance can be taken."""
    return factories.make_course_run(first_workshop_in_days=-60)


def attendance_events():
    return AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE)


# Enrolment --------------------------------------------------------------------------------


def test_a_trainee_enrols_on_an_open_run(trainee, course_run):
    enrolment = enrolment_create(user=trainee, course_run=course_run)
    assert enrolment.pk is not None
    assert list(Enrolment.objects.values_list("user", "course_run")) == [
        (trainee.pk, course_run.pk)
    ]


def test_enrolling_on_a_closed_run_is_refused_and_changes_nothing(trainee):
    closed = factories.make_course_run(enrolment_open=False)
    with pytest.raises(ValidationError) as caught:
        enrolment_create(user=trainee, course_run=closed)
    assert caught.value.messages == [CLOSED]
    assert caught.value.code == "closed"
    assert not Enrolment.objects.exists()


def test_an_unpublished_run_counts_as_closed(trainee, course_run):
    course_run.unpublish()
    with pytest.raises(ValidationError, match="closed"):
        enrolment_create(user=trainee, course_run=course_run)
    assert not Enrolment.objects.exists()


def test_enrolling_twice_keeps_one_enrolment_and_says_so(trainee, course_run):
    first = enrolment_create(user=trainee, course_run=course_run)
    with pytest.raises(ValidationError) as caught:
        enrolment_create(user=trainee, course_run=course_run)
    assert caught.value.messages == [ALREADY_ENROLLED]
    assert caught.value.code == "already_enrolled"
    assert list(Enrolment.objects.all()) == [first]


def test_a_race_past_the_existence_check_still_gives_one_row(trainee, course_run, monkeypatch):
    """Two clicks arriving together: the second insert meets the unique constraint."""
    enrolment_create(user=trainee, course_run=course_run)
    real_filter = Enrolment.objects.filter

    class NothingThereYet:
        def exists(self):
            return False

    monkeypatch.setattr(
        Enrolment.objects,
        "filter",
        lambda **kw: NothingThereYet() if set(kw) == {"user", "course_run"} else real_filter(**kw),
    )
    with pytest.raises(ValidationError) as caught:
        enrolment_create(user=trainee, course_run=course_run)
    monkeypatch.undo()
    assert caught.value.code == "already_enrolled"
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize("role", ["trainer", "evaluator", "no_role"])
def test_only_trainees_can_enrol(role, course_run, trainer, evaluator):
    user = {"trainer": trainer, "evaluator": evaluator, "no_role": factories.UserFactory()}[role]
    with pytest.raises(ValidationError) as caught:
        enrolment_create(user=user, course_run=course_run)
    assert caught.value.messages == [NOT_A_TRAINEE]
    assert not Enrolment.objects.exists()


# Attendance -------------------------------------------------------------------------------


def test_marking_present_then_absent_records_and_audits_each_change(trainee, trainer, past_run):
    enrolment = factories.enrol(trainee, past_run)
    workshop = factories.workshops(past_run)[0]

    attendance = attendance_mark(
        session=workshop, enrolment=enrolment, attended=True, marked_by=trainer
    )
    assert attendance.marked_by == trainer
    # Marking again is a no-op: one row, no second audit event.
    attendance_mark(session=workshop, enrolment=enrolment, attended=True, marked_by=trainer)
    assert Attendance.objects.count() == 1

    assert (
        attendance_mark(session=workshop, enrolment=enrolment, attended=False, marked_by=trainer)
        is None
    )
    assert not Attendance.objects.exists()

    events = attendance_events().order_by("at", "pk")
    assert [e.detail["attended"] for e in events] == [True, False]
    assert all(e.actor == trainer for e in events)
    assert {e.detail["enrolment_id"] for e in events} == {enrolment.pk}
    # The audit log names enrolments by id, never by person.
    assert all(
        trainee.email not in e.summary and trainee.last_name not in e.summary for e in events
    )


def test_marking_someone_on_another_run_is_refused(trainee, trainer, past_run):
    other_run = factories.make_course_run(first_workshop_in_days=-60)
    enrolment = factories.enrol(trainee, other_run)
    with pytest.raises(ValidationError) as caught:
        attendance_mark(
            session=factories.workshops(past_run)[0],
            enrolment=enrolment,
            attended=True,
            marked_by=trainer,
        )
    assert caught.value.messages == [NOT_ENROLLED]
    assert not Attendance.objects.exists()
    assert not attendance_events().exists()


def test_a_session_that_has_not_started_cannot_be_marked(trainee, trainer, course_run):
    enrolment = factories.enrol(trainee, course_run)
    with pytest.raises(ValidationError) as caught:
        attendance_mark(
            session=factories.workshops(course_run)[0],
            enrolment=enrolment,
            attended=True,
            marked_by=trainer,
        )
    assert caught.value.messages == [NOT_STARTED]
    assert not Attendance.objects.exists()


def test_the_register_saves_exactly_the_ticked_trainees(trainer, past_run):
    a, b, c = (factories.enrol(factories.TraineeFactory(), past_run) for _ in range(3))
    workshop = factories.workshops(past_run)[0]

    changes = attendance_record(
        session=workshop, enrolment_ids_attended={a.pk, b.pk}, marked_by=trainer
    )
    assert (changes.marked_present, changes.marked_absent) == (2, 0)
    changes = attendance_record(
        session=workshop, enrolment_ids_attended={b.pk, c.pk}, marked_by=trainer
    )
    assert (changes.marked_present, changes.marked_absent) == (1, 1)
    assert set(Attendance.objects.values_list("enrolment_id", flat=True)) == {b.pk, c.pk}
    assert attendance_events().count() == 4

    # Saving the same register again changes and logs nothing.
    changes = attendance_record(
        session=workshop, enrolment_ids_attended={b.pk, c.pk}, marked_by=trainer
    )
    assert (changes.marked_present, changes.marked_absent) == (0, 0)
    assert attendance_events().count() == 4


def test_a_register_with_someone_not_enrolled_saves_nothing(trainer, past_run):
    enrolled = factories.enrol(factories.TraineeFactory(), past_run)
    elsewhere = factories.enrol(
        factories.TraineeFactory(), factories.make_course_run(first_workshop_in_days=-60)
    )
    workshop = factories.workshops(past_run)[0]
    attendance_record(session=workshop, enrolment_ids_attended={enrolled.pk}, marked_by=trainer)
    before = list(Attendance.objects.values_list("pk", "enrolment_id", "session_id"))
    events_before = attendance_events().count()

    for bad in ({enrolled.pk, elsewhere.pk}, {999_999}):
        with pytest.raises(ValidationError) as caught:
            attendance_record(session=workshop, enrolment_ids_attended=bad, marked_by=trainer)
        assert caught.value.messages == [NOT_ENROLLED]
    assert list(Attendance.objects.values_list("pk", "enrolment_id", "session_id")) == before
    assert attendance_events().count() == events_before


def test_a_future_session_register_can_only_be_left_empty(trainer, course_run):
    enrolment = factories.enrol(factories.TraineeFactory(), course_run)
    workshop = factories.workshops(course_run)[0]
    with pytest.raises(ValidationError, match="once the session has started"):
        attendance_record(
            session=workshop, enrolment_ids_attended={enrolment.pk}, marked_by=trainer
        )
    changes = attendance_record(session=workshop, enrolment_ids_attended=set(), marked_by=trainer)
    assert (changes.marked_present, changes.marked_absent) == (0, 0)


def test_the_register_works_for_qa_sessions_too(trainer, past_run):
    enrolment = factories.enrol(factories.TraineeFactory(), past_run)
    qa = QASessionPage.objects.child_of(past_run).get()
    # make_course_run puts the Q&A six weeks after the first workshop: still in the past.
    assert qa.starts_at < timezone.now() - timedelta(days=1)
    attendance_record(session=qa, enrolment_ids_attended={enrolment.pk}, marked_by=trainer)
    assert Attendance.objects.get().session_id == qa.pk


def test_the_register_stores_the_reports_minutes_for_those_present(trainer, past_run):
    a, b, c = (factories.enrol(factories.TraineeFactory(), past_run) for _ in range(3))
    workshop = factories.workshops(past_run)[0]
    attendance_record(session=workshop, enrolment_ids_attended={a.pk}, marked_by=trainer)

    changes = attendance_record(
        session=workshop,
        enrolment_ids_attended={a.pk, b.pk},
        marked_by=trainer,
        minutes={a.pk: 230, b.pk: 200, c.pk: 30},  # c stays absent: no row, no minutes
    )
    assert (changes.marked_present, changes.marked_absent, changes.minutes_updated) == (1, 0, 1)
    assert dict(Attendance.objects.values_list("enrolment_id", "minutes_attended")) == {
        a.pk: 230,
        b.pk: 200,
    }
    details = [e.detail for e in attendance_events().order_by("pk")][-2:]
    assert {d["enrolment_id"]: d["minutes_attended"] for d in details} == {a.pk: 230, b.pk: 200}
    # A later save by hand keeps the minutes of those still present.
    attendance_record(session=workshop, enrolment_ids_attended={a.pk, b.pk}, marked_by=trainer)
    assert set(Attendance.objects.values_list("minutes_attended", flat=True)) == {230, 200}


def test_minutes_beyond_a_day_are_refused_and_nothing_is_saved(trainer, past_run):
    a = factories.enrol(factories.TraineeFactory(), past_run)
    workshop = factories.workshops(past_run)[0]
    with pytest.raises(ValidationError):
        attendance_record(
            session=workshop, enrolment_ids_attended={a.pk}, marked_by=trainer, minutes={a.pk: 2000}
        )
    assert not Attendance.objects.exists() and not attendance_events().exists()


def test_a_save_over_another_trainers_unseen_changes_is_refused(trainer, past_run):
    a, b = (factories.enrol(factories.TraineeFactory(), past_run) for _ in range(2))
    workshop = factories.workshops(past_run)[0]
    opened = set()  # both trainers opened an empty register
    attendance_record(
        session=workshop,
        enrolment_ids_attended={a.pk},
        marked_by=trainer,
        present_when_opened=opened,
    )
    with pytest.raises(ValidationError) as error:
        attendance_record(
            session=workshop,
            enrolment_ids_attended={b.pk},
            marked_by=factories.TrainerFactory(),
            present_when_opened=opened,
        )
    assert error.value.code == "changed"
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [a.pk]


def test_a_double_submit_saves_once_and_the_second_is_accepted(trainer, past_run):
    a = factories.enrol(factories.TraineeFactory(), past_run)
    workshop = factories.workshops(past_run)[0]
    for expected in (1, 0):
        changes = attendance_record(
            session=workshop,
            enrolment_ids_attended={a.pk},
            marked_by=trainer,
            present_when_opened=set(),
        )
        assert changes.marked_present == expected
    assert Attendance.objects.count() == 1 and attendance_events().count() == 1


class TestModuleCompletion:
    @pytest.fixture
    def module(self):
        return factories.make_module(Footstep.objects.get(number=3))

    def test_a_trainee_marks_a_module_done_once_and_can_undo_it(self, trainee, module):
        assert module_completion_set(user=trainee, module=module, done=True) is True
        assert module_completion_set(user=trainee, module=module, done=True) is False
        assert ModuleCompletion.objects.filter(user=trainee, module=module).count() == 1
        assert module_completion_set(user=trainee, module=module, done=False) is True
        assert not ModuleCompletion.objects.exists()
        assert module_completion_set(user=trainee, module=module, done=False) is False

    def test_only_trainees_keep_track_and_nothing_is_saved_otherwise(self, trainer, module):
        with pytest.raises(ValidationError) as error:
            module_completion_set(user=trainer, module=module, done=True)
        assert error.value.messages == [MODULES_ARE_FOR_TRAINEES]
        assert not ModuleCompletion.objects.exists()

    def test_the_database_keeps_one_mark_per_trainee_and_module(self, trainee, module):
        ModuleCompletion.objects.create(user=trainee, module=module)
        with pytest.raises(IntegrityError), transaction.atomic():
            ModuleCompletion.objects.create(user=trainee, module=module)
