"""Migrating to waves as data (courses 0005, assessments 0004) and back again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import FollowUpEmail
from courses.models import FollowUpWave
from tests import factories

pytestmark = [
    # Migrations change the schema, which needs real transactions; serialized_rollback puts
    # back the seeded instrument, footsteps and pages for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TWO_WAVES = [
    ("assessments", "0003_participant_verbose_name"),
    ("courses", "0004_protect_registers_and_enrolments"),
]


def migrate(targets):
    """Migrate to ``targets``; the models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def answered_run():
    """A run with one participant's baseline and 3-month follow-up, and their invitation."""
    run = factories.make_course_run(first_workshop_in_days=-120)
    enrolment = factories.enrol(factories.TraineeFactory(), run)
    participant = factories.make_participant(run, enrolment=enrolment)
    factories.make_response(participant, "baseline")
    factories.make_response(participant, "month_3")
    FollowUpEmail.objects.create(enrolment=enrolment, wave="month_3", kind="due")
    return run


def waves(apps) -> list[str]:
    Response = apps.get_model("assessments", "Response")
    return sorted(Response.objects.values_list("wave", flat=True))


def test_the_3_month_wave_goes_back_to_follow_up_and_forward_to_month_3(answered_run):
    try:
        old = migrate(TWO_WAVES)
        assert waves(old) == ["baseline", "follow_up"]
        assert old.get_model("assessments", "FollowUpEmail").objects.count() == 1

        new = migrate(latest())
        assert waves(new) == ["baseline", "month_3"]
        # Every run asked one follow-up, at 3 months, and its emails were about that one.
        schedule = new.get_model("courses", "FollowUpWave").objects.filter(page_id=answered_run.pk)
        assert list(schedule.values_list("months", flat=True)) == [3]
        emails = new.get_model("assessments", "FollowUpEmail").objects.values_list("wave", "kind")
        assert list(emails) == [("month_3", "due")]
    finally:
        migrate(latest())


def test_going_back_is_refused_while_other_waves_have_answers(answered_run):
    FollowUpWave.objects.create(page=answered_run, months=6)
    participant = answered_run.participants.get()
    factories.make_response(participant, "month_6")
    try:
        refusal = "1 of the responses and 0 of the follow-up emails belong to waves other"
        with pytest.raises(RuntimeError, match=refusal):
            migrate(TWO_WAVES)
        assert waves(migrate(latest())) == ["baseline", "month_3", "month_6"]
    finally:
        migrate(latest())
