"""Progress and schedules: the completion rule and the fixed query counts others rely on."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import selectors
from courses.models import Attendance, Enrolment, Footstep, ModuleCompletion, QASessionPage
from tests import factories

pytestmark = pytest.mark.django_db


def past_run(**fields):
    return factories.make_course_run(first_workshop_in_days=-60, **fields)


def attend(enrolment, *sessions):
    for session in sessions:
        Attendance.objects.create(enrolment=enrolment, session=session)


def progress_of(enrolment):
    return enrolments_by_pk()[enrolment.pk]


def enrolments_by_pk():
    return {e.pk: e for e in selectors.enrolments_with_progress()}


@pytest.mark.parametrize(
    ("workshops_attended", "qa_attended", "complete"),
    [(0, 0, False), (1, 0, False), (1, 1, False), (0, 1, False), (2, 0, True), (2, 1, True)],
)
def test_the_mandatory_part_is_both_workshops_and_qa_sessions_do_not_count(
    trainee, workshops_attended, qa_attended, complete
):
    run = past_run()
    enrolment = factories.enrol(trainee, run)
    workshops = factories.workshops(run)
    qa = QASessionPage.objects.child_of(run).get()
    attend(enrolment, *workshops[:workshops_attended], *[qa][:qa_attended])

    annotated = progress_of(enrolment)
    assert annotated.mandatory_attended == workshops_attended
    assert annotated.optional_attended == qa_attended
    assert annotated.mandatory_completed is complete
    assert selectors.mandatory_completed(annotated) is complete
    # Without the annotation the selector asks the database itself.
    assert selectors.mandatory_completed(Enrolment.objects.get(pk=enrolment.pk)) is complete


def test_progress_is_one_query_and_counts_each_enrolment_separately(trainee, other_trainee):
    run = past_run()
    a, b = factories.enrol(trainee, run), factories.enrol(other_trainee, run)
    w1, w2 = factories.workshops(run)
    qa = QASessionPage.objects.child_of(run).get()
    attend(a, w1, w2, qa)
    attend(b, w1)
    with CaptureQueriesContext(connection) as queries:
        by_pk = enrolments_by_pk()
    assert len(queries) == 1
    assert (by_pk[a.pk].mandatory_attended, by_pk[a.pk].optional_attended) == (2, 1)
    assert (by_pk[b.pk].mandatory_attended, by_pk[b.pk].optional_attended) == (1, 0)
    assert [by_pk[a.pk].mandatory_completed, by_pk[b.pk].mandatory_completed] == [True, False]


def test_progress_filters_on_the_annotation_and_takes_a_queryset(trainee, other_trainee):
    run = past_run()
    done, not_done = factories.enrol(trainee, run), factories.enrol(other_trainee, run)
    attend(done, *factories.workshops(run))
    completed = selectors.enrolments_with_progress().filter(mandatory_completed=True)
    assert list(completed) == [done]
    only = selectors.enrolments_with_progress(Enrolment.objects.filter(pk=not_done.pk))
    assert [e.mandatory_completed for e in only] == [False]


def test_mandatory_workshops_are_the_workshops_in_start_order():
    run = factories.make_course_run(with_sessions=False)
    now = timezone.now()
    factories.add_qa_session(run, now + timedelta(days=5), "Q&A")
    second = factories.add_workshop(run, now + timedelta(days=24), "Workshop 2")
    first = factories.add_workshop(run, now + timedelta(days=10), "Workshop 1")

    assert selectors.mandatory_workshops(run) == [first, second]
    assert selectors.first_mandatory_workshop_start(run) == first.starts_at
    assert selectors.last_mandatory_workshop_end(run) == second.starts_at + timedelta(hours=4)


def test_a_run_without_workshops_has_no_mandatory_dates():
    run = factories.make_course_run(with_sessions=False)
    assert selectors.first_mandatory_workshop_start(run) is None
    assert selectors.last_mandatory_workshop_end(run) is None


def test_trainee_dashboard_lists_own_enrolments_with_sessions_and_attendance(
    trainee, other_trainee
):
    run, other_run = past_run(), factories.make_course_run()
    mine = factories.enrol(trainee, run)
    factories.enrol(trainee, other_run)
    theirs = factories.enrol(other_trainee, run)
    w1, w2 = factories.workshops(run)
    attend(mine, w1)
    attend(theirs, w1, w2)

    dashboard = selectors.trainee_dashboard(trainee)
    assert {item.run.pk for item in dashboard} == {run.pk, other_run.pk}
    item = next(item for item in dashboard if item.run.pk == run.pk)
    assert [(row.session.title, row.attended) for row in item.sessions] == [
        ("Workshop 1", True),
        ("Workshop 2", False),
        ("Q&A session 1", False),
    ]
    assert (item.mandatory_attended, item.mandatory_completed) == (1, False)
    assert selectors.trainee_dashboard(factories.TraineeFactory()) == []


def test_trainee_dashboard_query_count_does_not_grow_with_enrolments(trainee):
    for _ in range(2):
        factories.enrol(trainee, past_run())
    with CaptureQueriesContext(connection) as two:
        selectors.trainee_dashboard(trainee)
    for _ in range(3):
        factories.enrol(trainee, past_run())
    with CaptureQueriesContext(connection) as five:
        assert len(selectors.trainee_dashboard(trainee)) == 5
    assert len(five) == len(two) <= 6  # one of them: the runs' questionnaire schedules


def test_run_register_lists_the_runs_trainees_by_name_with_attended_flags():
    run = past_run()
    zed = factories.enrol(factories.TraineeFactory(last_name="Zed"), run)
    abe = factories.enrol(factories.TraineeFactory(last_name="abe"), run)
    factories.enrol(factories.TraineeFactory(), past_run())  # on another run
    w1 = factories.workshops(run)[0]
    attend(zed, w1)
    rows = selectors.run_register(w1)
    assert [(row.enrolment, row.attended) for row in rows] == [(abe, False), (zed, True)]
    assert rows[0].user.last_name == "abe"


def test_run_summaries_count_enrolled_attendance_and_completion():
    run, empty = past_run(), factories.make_course_run(with_sessions=False)
    a, b, _c = (factories.enrol(factories.TraineeFactory(), run) for _ in range(3))
    w1, w2 = factories.workshops(run)
    attend(a, w1, w2)
    attend(b, w1)

    summaries = {s.run.pk: s for s in selectors.run_summaries()}
    summary = summaries[run.pk]
    assert (summary.enrolled, summary.mandatory_completed) == (3, 1)
    assert [(row.session.title, row.attended) for row in summary.sessions] == [
        ("Workshop 1", 2),
        ("Workshop 2", 1),
        ("Q&A session 1", 0),
    ]
    assert summary.sessions[0].session.is_mandatory
    assert (summaries[empty.pk].enrolled, summaries[empty.pk].sessions) == (0, [])


def test_run_summaries_query_count_does_not_grow_with_runs():
    factories.enrol(factories.TraineeFactory(), past_run())
    with CaptureQueriesContext(connection) as one:
        selectors.run_summaries()
    for _ in range(3):
        factories.enrol(factories.TraineeFactory(), past_run())
    with CaptureQueriesContext(connection) as four:
        assert len(selectors.run_summaries()) == 4
    assert len(four) == len(one) <= 6


def test_sessions_say_whether_they_are_past_and_when_their_joining_link_shows(trainee):
    run = factories.make_course_run(first_workshop_in_days=-14)  # workshop 2 is today
    factories.enrol(trainee, run)
    first, second = factories.workshops(run)
    sessions = {row.session.pk: row for row in selectors.trainee_dashboard(trainee)[0].sessions}
    assert sessions[first.pk].is_past and not sessions[first.pk].join_soon
    week_before = second.starts_at - selectors.JOINING_LINK_AHEAD
    too_early = selectors.trainee_dashboard(trainee, now=week_before - timedelta(minutes=1))
    in_time = selectors.trainee_dashboard(trainee, now=week_before)
    assert not {r.session.pk: r for r in too_early[0].sessions}[second.pk].join_soon
    assert {r.session.pk: r for r in in_time[0].sessions}[second.pk].join_soon
    # The Q&A session has no joining link, so nothing to show however close it is.
    qa = next(r for r in in_time[0].sessions if not r.session.is_mandatory)
    assert not qa.join_soon


def test_module_progress_counts_the_trainees_own_marks(trainee, other_trainee):
    modules = [factories.make_module(f) for f in Footstep.objects.order_by("number")[:4]]
    for module in modules[:2]:
        ModuleCompletion.objects.create(user=trainee, module=module)
    ModuleCompletion.objects.create(user=other_trainee, module=modules[3])
    progress = selectors.module_progress(trainee)
    assert (progress.done, progress.total) == (2, 4)
    assert [row.done for row in progress.rows] == [True, True, False, False]
    assert selectors.completed_module_ids(other_trainee) == {modules[3].pk}
