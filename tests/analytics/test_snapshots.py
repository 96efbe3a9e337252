"""The dashboard reuses its figures for a minute; downloads and changes of the research records
as a whole (read from the records: ``research_records_version``) never wait."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from analytics import snapshots
from analytics.reports import course_runs_report
from analytics.selectors import course_runs_by_slug
from assessments import selectors as assessments_selectors
from assessments.import_services import responses_import
from assessments.selectors import research_records_version
from assessments.services import consent_record
from courses.models import Attendance
from tests import factories
from tests.assessments.conftest import attend_workshops
from tests.examples import EXAMPLES_DIR

EXAMPLE = EXAMPLES_DIR / "responses.csv"
DASHBOARD = reverse("analytics:dashboard")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("minute_old_snapshots")]


@pytest.fixture
def minute_old_snapshots(settings):
    settings.EVALUATION_SNAPSHOT_MAX_AGE = 60


def add_pair(run, participant=None):
    """A baseline and a 3-month answer, of a new research record unless ``participant``."""
    participant = participant or factories.make_participant(run)
    factories.make_response(participant, "baseline", [2] * 14)
    factories.make_response(participant, "month_3", [4] * 14)


def platform_record(run):
    """A trainee's research record, whose answers come one at a time (an imported record's
    answers come with an import)."""
    enrolment = factories.enrol(factories.TraineeFactory(), run)
    attend_workshops(enrolment)
    return factories.make_participant(run, enrolment=enrolment)


def pairs(snapshot) -> int:
    return snapshot.report["overall"]["n_pairs"]


def age(course_runs, seconds):
    """Pretend the cached snapshot for ``course_runs`` was computed ``seconds`` ago."""
    key, version = snapshots._key(course_runs), research_records_version()
    snapshot = cache.get(key, version=version)
    older = snapshot.computed_at - timedelta(seconds=seconds)
    cache.set(key, dataclasses.replace(snapshot, computed_at=older), version=version)


def test_a_young_snapshot_is_reused_and_an_old_one_recomputed(course_run):
    add_pair(course_run)
    answering = platform_record(course_run)
    first = snapshots.dashboard_snapshot(course_runs=None)
    add_pair(course_run, answering)  # new answers, not new records
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == pairs(first) == 1

    age(None, 61)
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 2


def test_refresh_recomputes_at_once(course_run):
    add_pair(course_run)
    answering = platform_record(course_run)
    snapshots.dashboard_snapshot(course_runs=None)
    add_pair(course_run, answering)
    assert pairs(snapshots.dashboard_snapshot(course_runs=None, refresh=True)) == 2


def test_while_one_request_recomputes_the_others_show_the_previous_figures(course_run):
    add_pair(course_run)
    answering = platform_record(course_run)
    snapshots.dashboard_snapshot(course_runs=None)
    add_pair(course_run, answering)
    age(None, 61)
    # A recompute in progress elsewhere.
    cache.add(f"{snapshots._key(None)}:lock", True, version=research_records_version())
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 1


def test_each_selection_has_its_own_snapshot(course_run):
    other = factories.make_course_run(title="Leeds", slug="leeds")
    add_pair(course_run)
    add_pair(other)
    runs = course_runs_by_slug(["leeds"], user=None)
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 2
    assert pairs(snapshots.dashboard_snapshot(course_runs=runs)) == 1


def test_an_import_discards_every_snapshot(course_run):
    before = pairs(snapshots.dashboard_snapshot(course_runs=None))
    plan = responses_import(content=EXAMPLE.read_bytes(), course_run_slug="imported")
    assert plan.ok
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) > before


def test_a_withdrawal_of_consent_discards_every_snapshot(course_run, trainee):
    enrolment = factories.enrol(trainee, course_run)
    participant = consent_record(enrolment=enrolment, consented=True)
    factories.make_response(participant, "baseline", [2] * 14)
    factories.make_response(participant, "month_3", [4] * 14)
    for workshop in factories.workshops(course_run):
        Attendance.objects.create(enrolment=enrolment, session=workshop)
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 1

    consent_record(enrolment=enrolment, consented=False)
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 0


def test_dashboard_says_when_it_was_calculated_and_can_recalculate(client, evaluator, course_run):
    add_pair(course_run)
    answering = platform_record(course_run)
    client.force_login(evaluator)
    client.get(DASHBOARD)
    add_pair(course_run, answering)

    cached = client.get(DASHBOARD).content.decode()
    assert "as calculated at" in cached and "within 60 seconds" in cached
    assert 'name="refresh"' in cached
    assert client.get(DASHBOARD).context["report"]["overall"]["n_pairs"] == 1
    assert client.get(DASHBOARD, {"refresh": "1"}).context["report"]["overall"]["n_pairs"] == 2


def test_downloads_never_use_a_snapshot(client, evaluator, course_run):
    add_pair(course_run)
    client.force_login(evaluator)
    client.get(DASHBOARD)
    add_pair(course_run)
    exported = client.get(reverse("analytics:export", args=["statistics", "json"])).json()
    assert exported["overall"]["n_pairs"] == 2


def add_baselines(run, count, start=0):
    """``count`` analysed baselines whose footstep scores vary together, but not perfectly."""
    for i in range(start, start + count):
        participant = factories.make_participant(run)
        level = 1 + i % 4
        factories.make_response(participant, "baseline", [level] * 13 + [1 + (i * 3) % 5])


def test_the_trainees_threshold_needs_ten_baselines_and_is_the_reports(course_run, settings):
    add_baselines(course_run, 9)
    assert snapshots.reliable_change_se() is None
    add_baselines(course_run, 1, start=9)
    cache.clear()
    report = course_runs_report()
    expected = report["reliable_change_se"]["se_difference"]
    assert expected is not None and report["reliable_change_se"]["n"] == 10
    assert snapshots.reliable_change_se() == pytest.approx(expected)
    # The trainee's chart reads it through the function analytics registered at start-up.
    assert assessments_selectors.reliable_change_se() == pytest.approx(expected)
    # Never from fewer baselines than the small-number threshold.
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 11
    cache.clear()
    assert snapshots.reliable_change_se() is None


def test_the_trainees_threshold_is_reused_for_a_minute(course_run):
    add_baselines(course_run, 10)
    first = snapshots.reliable_change_se()
    add_baselines(course_run, 10, start=10)  # a different spread of scores
    assert snapshots.reliable_change_se() == first
    key = f"{snapshots.NAMESPACE}:reliable-change-se"
    reference = cache.get(key)
    older = reference.computed_at - timedelta(seconds=61)
    cache.set(key, dataclasses.replace(reference, computed_at=older))
    again = snapshots.reliable_change_se()
    assert again is not None and again != pytest.approx(first)


def test_a_new_research_record_is_shown_at_once(course_run):
    add_pair(course_run)
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 1
    add_pair(course_run)  # e.g. a trainee's consent, with their answers
    assert pairs(snapshots.dashboard_snapshot(course_runs=None)) == 2
