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


@pytest.mark.parametrize(
    ("workshops_attended", "qa_attended", "hours"),
    [(0, 0, 0), (1, 0, 4), (2, 0, 8), (0, 1, 2), (1, 2, 8), (2, 2, 12)],
)
def test_cpd_hours_are_4_per_workshop_and_2_per_qa_session_attended(
    trainee, other_trainee, workshops_attended, qa_attended, hours
):
    run = past_run()
    factories.add_qa_session(run, timezone.now() - timedelta(days=5), "Q&A session 2")
    enrolment = factories.enrol(trainee, run)
    workshops = factories.workshops(run)
    qa_sessions = list(QASessionPage.objects.child_of(run).order_by("starts_at"))
    attend(enrolment, *workshops[:workshops_attended], *qa_sessions[:qa_attended])
    attend(factories.enrol(other_trainee, run), *workshops, *qa_sessions)  # not theirs

    assert selectors.cpd_hours(Enrolment.objects.get(pk=enrolment.pk)) == hours
    assert selectors.cpd_hours(progress_of(enrolment)) == hours
    attended = selectors.attended_sessions(enrolment)
    assert [s.pk for s in attended.workshops] == [s.pk for s in workshops[:workshops_attended]]
    assert [s.pk for s in attended.qa_sessions] == [s.pk for s in qa_sessions[:qa_attended]]


def test_a_session_not_attended_earns_nothing_even_if_it_took_place(trainee):
    run = past_run()
    enrolment = factories.enrol(trainee, run)
    attend(enrolment, factories.workshops(run)[0])
    assert selectors.cpd_hours(enrolment) == selectors.WORKSHOP_CPD_HOURS == 4
    assert selectors.attended_sessions(enrolment).qa_sessions == []


def test_progress_is_one_query_and_counts_each_enrolment_separately(trainee, other_trainee):
    run = past_run()
    a, b = factories.enrol(trainee, run), factories.enrol(other_trainee, run)
    w1, w2 = factories.workshops(run)
    qa = QASessionPage.objects.child_of(run).get()
    attend(a, w1, w2, qa)
    attend(b, w1)
    enrolments_by_pk()  # numbers the workshops into the course content cache
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
    # The workshops numbered, the runs' questionnaire schedules, cancellations.
    assert len(five) == len(two) <= 8


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
    trainer = factories.TrainerFactory()
    factories.enrol(factories.TraineeFactory(), past_run())
    fresh = type(trainer).objects.get(pk=trainer.pk)  # organisations not read yet
    with CaptureQueriesContext(connection) as one:
        selectors.run_summaries(selectors.course_runs_visible_to(fresh))
    for _ in range(3):
        factories.enrol(factories.TraineeFactory(), past_run())
    fresh = type(trainer).objects.get(pk=trainer.pk)
    with CaptureQueriesContext(connection) as four:
        assert len(selectors.run_summaries(selectors.course_runs_visible_to(fresh))) == 4
    # Two of them: the questionnaires answered (assessments, through RUN_FIGURES_HOOK); one
    # the trainer's organisations; two the modules marked done (the published modules are
    # cached between page edits, and every factory here edits pages).
    assert len(four) == len(one) <= 11  # one numbers the workshops (cached until a page changes)


def test_run_summaries_count_each_footsteps_module_marked_done_by_enrolled_trainees():
    modules = [factories.make_module(f) for f in Footstep.objects.order_by("number")[:3]]
    run, other = past_run(), past_run()
    both, one, withdrawn = (factories.TraineeFactory() for _ in range(3))
    for trainee in (both, one, withdrawn):
        factories.enrol(trainee, run)
    factories.enrol(both, other)
    Enrolment.objects.filter(user=withdrawn).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    for trainee, done in ((both, modules[:2]), (one, modules[:1]), (withdrawn, modules)):
        for module in done:
            ModuleCompletion.objects.create(user=trainee, module=module)
    summaries = {s.run.pk: s for s in selectors.run_summaries()}
    # Every published module is listed, in footstep order, the ones nobody marked with 0; a
    # withdrawn trainee's marks no longer count; a trainee on two runs counts on both.
    assert [(m.module.footstep.number, m.done) for m in summaries[run.pk].modules] == [
        (1, 2),
        (2, 1),
        (3, 0),
    ]
    assert [m.done for m in summaries[other.pk].modules] == [1, 1, 0]


# The trainers' overview ------------------------------------------------------------------


def _titles(items):
    return [item.session.title for item in items]


def test_registers_to_take_are_this_weeks_sessions_with_nobody_marked_present():
    now = timezone.now().replace(hour=10, minute=0)
    run = factories.make_course_run(with_sessions=False)
    taken = factories.add_workshop(run, now - timedelta(days=2), "Taken")
    factories.add_workshop(run, now - timedelta(days=3), "Not taken")
    factories.add_qa_session(run, now - timedelta(days=8), "Too long ago")
    factories.add_qa_session(run, now + timedelta(hours=2), "Later today")
    factories.add_qa_session(run, now + timedelta(days=1), "Tomorrow")
    factories.add_qa_session(run, now - timedelta(days=1), "Draft").unpublish()
    attend(factories.enrol(factories.TraineeFactory(), run), taken)
    draft_run = factories.make_course_run(with_sessions=False)
    factories.add_workshop(draft_run, now - timedelta(days=1), "Of a draft run")
    draft_run.unpublish()

    overview = selectors.trainer_overview(now=now)
    assert _titles(overview.registers_to_take) == ["Not taken", "Later today"]
    assert overview.registers_to_take[0].run == run


def test_sessions_of_the_next_fortnight_without_a_joining_link_are_listed():
    now = timezone.now()
    run = factories.make_course_run(with_sessions=False)
    factories.add_workshop(run, now + timedelta(days=3), "Has a link")
    factories.add_qa_session(run, now + timedelta(days=13), "No link")
    factories.add_qa_session(run, now + timedelta(days=15), "Later")
    factories.add_qa_session(run, now - timedelta(hours=1), "Started")
    assert _titles(selectors.trainer_overview(now=now).without_joining_link) == ["No link"]


def test_the_overview_carries_each_runs_questionnaire_answers():
    run = factories.make_course_run(first_workshop_in_days=-120, follow_up_months=(3, 6))
    enrolments = [factories.enrol(factories.TraineeFactory(), run) for _ in range(3)]
    for enrolment, waves in zip(
        enrolments, (["baseline", "month_3"], ["baseline"], []), strict=True
    ):
        participant = factories.make_participant(run, enrolment=enrolment)
        for wave in waves:
            factories.make_response(participant, wave)
    factories.make_response(factories.make_participant(run), "baseline")  # imported: not counted
    (summary,) = selectors.trainer_overview().runs
    assert [(f.label, f.value, f.of_enrolled) for f in summary.figures] == [
        ("Baseline answered", 2, True),
        ("3-month follow-up answered", 1, True),
        ("6-month follow-up answered", 0, True),
    ]


def test_the_overview_query_count_does_not_grow_with_runs():
    def busy_run():
        run = past_run()
        enrolment = factories.enrol(factories.TraineeFactory(), run)
        factories.make_response(factories.make_participant(run, enrolment=enrolment), "baseline")
        factories.add_qa_session(run, timezone.now() + timedelta(days=2), "No link")

    busy_run()
    with CaptureQueriesContext(connection) as one:
        selectors.trainer_overview()
    for _ in range(4):
        busy_run()
    with CaptureQueriesContext(connection) as five:
        overview = selectors.trainer_overview()
    assert len(overview.runs) == 5 and len(overview.without_joining_link) == 5
    assert len(five) == len(one) <= 10  # two: the modules marked done; one numbers the workshops


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


def test_a_workshop_moved_earlier_is_renumbered_at_once(trainee):
    """The workshops' numbers are cached with the course content; a trainer's change of
    start renews them, so attendance counts by the new order straight away."""
    run, other = past_run(), past_run()
    enrolment = factories.enrol(trainee, run)  # moved from ``other`` after its workshop 1
    first, _ = factories.workshops(run)
    other_first, other_second = factories.workshops(other)
    attend(enrolment, other_first, first)
    assert progress_of(enrolment).mandatory_attended == 1  # workshop 1 twice
    other_second.starts_at = other_first.starts_at - timedelta(days=1)
    other_second.save()  # other_first is now that run's workshop 2
    assert progress_of(enrolment).mandatory_completed is True
