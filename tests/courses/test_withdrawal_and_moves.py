"""Withdrawal before the first workshop, moving a trainee to another run, the mandatory-part
rule across runs, and the minimum-enrolment warning."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from analytics.selectors import evaluation_data
from assessments import services as assessment_services
from courses import selectors, services
from courses.models import Attendance, Enrolment, WaitingListEntry
from tests import factories

pytestmark = pytest.mark.django_db


# Withdrawal -------------------------------------------------------------------------------


def test_a_trainee_withdraws_before_the_first_workshop_and_keeps_their_record(trainee):
    run = factories.make_course_run(first_workshop_in_days=3)
    enrolment = factories.enrol(trainee, run)
    participant = assessment_services.consent_record(enrolment=enrolment, consented=True)
    services.enrolment_withdraw(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN and enrolment.withdrawn_at
    # The research record stays linked and consented: the consent rule alone decides its use.
    participant.refresh_from_db()
    assert participant.enrolment_id == enrolment.pk and participant.has_consented
    assert selectors.trainee_dashboard(trainee) == []
    assert selectors.withdrawn_enrolments(trainee) == [enrolment]
    assert selectors.run_register(factories.workshops(run)[0]) == []


def test_withdrawing_after_the_first_workshop_started_is_refused(trainee):
    run = factories.make_course_run(first_workshop_in_days=-1)
    enrolment = factories.enrol(trainee, run)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_withdraw(enrolment=enrolment)
    assert refused.value.code == "too_late"
    enrolment.refresh_from_db()
    assert enrolment.is_active


def test_withdrawing_twice_is_refused(trainee, course_run):
    enrolment = factories.enrol(trainee, course_run)
    services.enrolment_withdraw(enrolment=enrolment)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.enrolment_withdraw(enrolment=enrolment)


def test_a_withdrawn_trainee_can_enrol_again_on_the_same_enrolment(trainee, course_run):
    enrolment = factories.enrol(trainee, course_run)
    services.enrolment_withdraw(enrolment=enrolment)
    again = services.enrolment_create(user=trainee, course_run=course_run)
    assert again.pk == enrolment.pk and again.is_active and again.withdrawn_at is None


def test_the_withdrawn_status_and_date_go_together_in_the_database(trainee, course_run):
    enrolment = factories.enrol(trainee, course_run)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.filter(pk=enrolment.pk).update(withdrawn_at=timezone.now())


def test_withdrawn_trainees_are_not_counted_as_enrolled(trainee, other_trainee, course_run):
    services.enrolment_withdraw(enrolment=factories.enrol(trainee, course_run))
    factories.enrol(other_trainee, course_run)
    (summary,) = [s for s in selectors.run_summaries() if s.run.pk == course_run.pk]
    assert summary.enrolled == 1
    assert selectors.run_places(course_run).enrolled == 1
    assert not factories.workshops(course_run)[0].can_join(trainee)


def test_a_withdrawn_trainee_without_a_record_leaves_the_evaluation_flow(trainee, course_run):
    factories.enrol(factories.TraineeFactory(), course_run)
    services.enrolment_withdraw(enrolment=factories.enrol(trainee, course_run))
    assert evaluation_data().enrolled == 1


# Moving between runs and the mandatory part ----------------------------------------------


@pytest.fixture
def runs():
    """Run A whose workshop 1 is past; run B a fortnight later, both workshops past too."""
    a = factories.make_course_run(first_workshop_in_days=-30)
    b = factories.make_course_run(first_workshop_in_days=-20)
    return a, b


def attend(enrolment, session):
    return Attendance.objects.create(enrolment=enrolment, session=session)


def test_workshop_1_of_one_run_and_workshop_2_of_another_complete_the_mandatory_part(
    runs, trainee, trainer
):
    a, b = runs
    enrolment = factories.enrol(trainee, a)
    participant = assessment_services.consent_record(enrolment=enrolment, consented=True)
    factories.make_response(participant, "baseline")
    attend(enrolment, factories.workshops(a)[0])
    assert not selectors.mandatory_completed(enrolment)

    services.enrolment_move(enrolment=enrolment, to_run=b, moved_by=trainer)
    enrolment.refresh_from_db()
    assert enrolment.course_run == b
    assert Attendance.objects.filter(enrolment=enrolment).count() == 1  # still there
    services.attendance_record(
        session=factories.workshops(b)[1], enrolment_ids_attended={enrolment.pk}, marked_by=trainer
    )
    row = selectors.enrolments_with_progress(Enrolment.objects.filter(pk=enrolment.pk)).get()
    assert (row.mandatory_attended, row.mandatory_completed) == (2, True)
    # The research record stays on the run where the baseline was answered.
    participant.refresh_from_db()
    assert participant.course_run == a
    data = evaluation_data(course_runs=[r for r in _refs() if r.id == a.pk])
    assert data.mandatory_completed.tolist() == [True]


def _refs():
    from analytics.selectors import course_run_choices

    return course_run_choices(None)  # as the server's operator: every run


def test_workshop_1_twice_does_not_complete_the_mandatory_part(runs, trainee, trainer):
    a, b = runs
    enrolment = factories.enrol(trainee, a)
    attend(enrolment, factories.workshops(a)[0])
    services.enrolment_move(enrolment=enrolment, to_run=b, moved_by=trainer)
    attend(enrolment, factories.workshops(b)[0])
    row = selectors.enrolments_with_progress(Enrolment.objects.filter(pk=enrolment.pk)).get()
    assert (row.mandatory_attended, row.mandatory_completed) == (1, False)


def test_saving_the_old_runs_register_keeps_a_moved_trainees_attendance(runs, trainee, trainer):
    a, b = runs
    enrolment = factories.enrol(trainee, a)
    workshop = factories.workshops(a)[0]
    attend(enrolment, workshop)
    services.enrolment_move(enrolment=enrolment, to_run=b, moved_by=trainer)
    services.attendance_record(session=workshop, enrolment_ids_attended=set(), marked_by=trainer)
    assert Attendance.objects.filter(enrolment=enrolment, session=workshop).exists()


def test_a_move_is_audited_and_frees_the_place_for_the_waiting_list(trainee, trainer):
    a = factories.make_course_run(places=1)
    b = factories.make_course_run()
    enrolment = factories.enrol(trainee, a)
    entry = services.waiting_list_join(user=factories.TraineeFactory(), course_run=a)
    services.enrolment_move(enrolment=enrolment, to_run=b, moved_by=trainer)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENROLMENT)
    assert event.actor == trainer and event.subject == trainee
    assert event.detail == {"enrolment_id": enrolment.pk, "from_run": a.pk, "to_run": b.pk}


@pytest.mark.parametrize("problem", ["same_run", "full", "already_on_target", "not_active"])
def test_a_move_that_cannot_happen_changes_nothing(trainee, trainer, problem):
    a = factories.make_course_run()
    b = factories.make_course_run(places=1)
    enrolment = factories.enrol(trainee, a)
    target = b
    if problem == "same_run":
        target = a
    elif problem == "full":
        factories.enrol(factories.TraineeFactory(), b)
    elif problem == "already_on_target":
        services.enrolment_withdraw(enrolment=factories.enrol(trainee, b))
    else:
        services.enrolment_withdraw(enrolment=enrolment)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_move(enrolment=enrolment, to_run=target, moved_by=trainer)
    assert refused.value.code == problem
    enrolment.refresh_from_db()
    assert enrolment.course_run == a
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ENROLMENT).exists()


# The minimum number of enrolments ------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "enrolled", "flagged"),
    [(10, 2, True), (10, 3, False), (20, 2, False), (-1, 2, False), (14, 0, True)],
)
def test_a_run_below_its_minimum_two_weeks_before_it_starts_is_flagged(days, enrolled, flagged):
    run = factories.make_course_run(first_workshop_in_days=days, minimum_enrolments=3)
    factories.make_course_run(first_workshop_in_days=days)  # no minimum: never flagged
    for _ in range(enrolled):
        factories.enrol(factories.TraineeFactory(), run)
    withdrawn = factories.enrol(factories.TraineeFactory(), run)
    Enrolment.objects.filter(pk=withdrawn.pk).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    now = timezone.now() + timedelta(minutes=1)
    assert [r.pk for r in selectors.runs_below_minimum(now=now)] == ([run.pk] if flagged else [])
    (summary,) = [s for s in selectors.run_summaries(now=now) if s.run.pk == run.pk]
    assert summary.below_minimum is flagged


def test_a_run_with_only_a_start_date_uses_it_for_the_minimum(course_run):
    run = factories.make_course_run(
        with_sessions=False,
        minimum_enrolments=1,
        starts_on=(timezone.localdate() + timedelta(days=5)),
    )
    assert [r.pk for r in selectors.runs_below_minimum()] == [run.pk]
