"""Organisation scoping in the places the URL walk does not look into: joining links, the
import, prepared downloads, dashboard snapshots and the export commands."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from analytics import download_jobs
from analytics.models import DownloadJob
from analytics.reports import build_report
from analytics.selectors import analysed_runs, course_run_choices, evaluation_data
from assessments.models import ImportJob, Participant
from tests import factories
from tests.analytics.test_views import add_pairs, export_url
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two organisations with a run each (three and two analysed pairs), and a run of none."""
    ours, theirs = factories.organisation("Our ICB"), factories.organisation("Their ICB")
    own = factories.make_course_run(first_workshop_in_days=-120, organisation=ours, slug="own")
    other = factories.make_course_run(
        first_workshop_in_days=-120, organisation=theirs, slug="other"
    )
    loose = factories.make_course_run(first_workshop_in_days=-120, slug="loose")
    add_pairs(own, 3)
    add_pairs(other, 2)
    add_pairs(loose, 1)
    return {"ours": ours, "theirs": theirs, "own": own, "other": other, "loose": loose}


def test_a_restricted_trainer_gets_joining_links_only_for_their_runs(client, world):
    trainer = factories.limit_to(factories.TrainerFactory(), world["ours"])
    client.force_login(trainer)
    for run, shown in ((world["own"], True), (world["other"], False)):
        session = factories.workshops(run)[0]
        ics = client.get(reverse("courses:session_calendar", args=[session.pk])).content
        assert (b"meet.example.org" in ics) is shown
        page = client.get(session.url).content.decode()
        assert ("https://meet.example.org/ws" in page) is shown


def _upload(client, slug):
    content = (EXAMPLES_DIR / "responses.csv").read_bytes()
    return client.post(
        "/admin/import-responses/",
        {"file": SimpleUploadedFile("responses.csv", content), "course_run": slug},
    )


def test_a_restricted_evaluator_imports_only_into_their_organisations_runs(client, world):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), world["ours"])
    client.force_login(evaluator)
    before = Participant.objects.count()
    messages = []
    for slug in ("other", "brand-new"):
        response = _upload(client, slug)
        assert response.status_code == 200
        messages.append(response.context["form"].errors["course_run"][0].replace(slug, "X"))
    assert messages[0] == messages[1] == "X is not one of your organisations' course runs."
    response = _upload(client, "own")
    assert response.status_code == 302  # to the job's page, where the file is checked
    assert ImportJob.objects.get().status == ImportJob.Status.CHECKED
    assert Participant.objects.count() == before  # nothing written before confirming


def test_the_runs_a_restricted_evaluator_analyses(world):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), world["ours"])
    assert [run.slug for run in course_run_choices(evaluator)] == ["own"]
    assert [run.slug for run in analysed_runs(evaluator, None)] == ["own"]
    unrestricted = factories.EvaluatorFactory()
    assert analysed_runs(unrestricted, None) is None  # all runs pooled, as before
    assert analysed_runs(None, None) is None


def test_pooled_analysis_of_unrestricted_evaluators_is_unchanged(world):
    """Everything pooled equals the three runs chosen together (the figures of today)."""
    pooled = build_report(evaluation_data(course_runs=None), small_number_threshold=0)
    chosen = build_report(
        evaluation_data(course_runs=course_run_choices(None)), small_number_threshold=0
    )
    assert pooled["flow"] == chosen["flow"] and pooled["flow"]["analysed"] == 6
    assert pooled["overall"] == chosen["overall"]


def test_a_restricted_evaluators_dashboard_and_downloads_cover_their_runs(client, world):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), world["ours"])
    client.force_login(evaluator)
    dashboard = client.get(reverse("analytics:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["report"]["course_runs"] == ["own"]
    html = dashboard.content.decode()
    assert world["own"].title in html and world["other"].title not in html
    statistics = json.loads(client.get(export_url("statistics", "json")).content)
    assert statistics["course_runs"] == ["own"]
    rows = client.get(export_url("responses", "csv")).content.decode().splitlines()
    assert len(rows) == 1 + 3 * 2  # a header, then three participants at two waves


def test_staff_whose_organisations_have_no_runs_see_no_figures_not_the_pooled_ones(
    client, world, settings
):
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 0
    empty = factories.organisation("An ICB without runs")
    evaluator = factories.limit_to(factories.EvaluatorFactory(), empty)
    client.force_login(factories.EvaluatorFactory())
    assert client.get(reverse("analytics:dashboard")).context["report"]["flow"]["enrolled"] == 6
    client.force_login(evaluator)
    dashboard = client.get(reverse("analytics:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["report"]["course_runs"] == []
    assert dashboard.context["report"]["flow"]["enrolled"] == 0
    assert json.loads(client.get(export_url("statistics", "json")).content)["course_runs"] == []


def _job(user, course_runs=()):
    job = DownloadJob(
        requested_by=user,
        requested_at=timezone.now(),
        what="statistics",
        file_format="json",
        course_runs=list(course_runs),
    )
    job.full_clean()
    job.save()
    return job


def test_a_prepared_download_is_built_for_the_requesters_organisations(world):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), world["ours"])
    built = download_jobs.download_job_build(job_id=_job(evaluator).pk)
    assert built.status == DownloadJob.Status.READY
    assert json.loads(built.file.read())["course_runs"] == ["own"]


def test_a_prepared_download_of_a_run_no_longer_theirs_fails_like_a_missing_run(world):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), world["ours"])
    job = _job(evaluator, ["own"])
    factories.limit_to(evaluator, world["theirs"])  # moved to another organisation meanwhile
    built = download_jobs.download_job_build(job_id=job.pk)
    assert built.status == DownloadJob.Status.FAILED
    assert built.message == "No course run with the slug(s): own."


def _statistics(*args) -> dict:
    out = StringIO()
    call_command("export_statistics", *args, stdout=out)
    return json.loads(out.getvalue())


def test_commands_as_a_user_export_what_that_user_may_see(world):
    restricted = factories.limit_to(factories.EvaluatorFactory(), world["ours"])
    unrestricted = factories.EvaluatorFactory()
    assert _statistics("--as-user", restricted.username)["course_runs"] == ["own"]
    everything = _statistics()
    assert everything["all_course_runs"] is True
    assert _statistics("--as-user", unrestricted.username) == everything
    with pytest.raises(CommandError, match="No course run with the slug"):
        _statistics("--as-user", restricted.username, "--cohort", "other")


def test_commands_refuse_a_user_who_is_not_an_evaluator(world):
    trainer = factories.TrainerFactory()
    for username in (trainer.username, "nobody"):
        with pytest.raises(CommandError, match=f"No evaluator with the username {username}"):
            _statistics("--as-user", username)


def test_the_qualitative_export_as_a_user_holds_only_that_users_runs(world):
    restricted = factories.limit_to(factories.EvaluatorFactory(), world["ours"])

    def runs_exported(*args) -> list[str]:
        call_command("export_qualitative", "--format", "json", *args, stdout=StringIO())
        # The summary names no runs; the audit entry of the export says which it read.
        return AuditEvent.objects.filter(action="export").latest("pk").detail["course_runs"]

    assert runs_exported("--as-user", restricted.username) == ["own"]
    with pytest.raises(CommandError, match="No course run with the slug"):
        runs_exported("--as-user", restricted.username, "--course-run", "other")
    with pytest.raises(CommandError, match="No evaluator with the username nobody"):
        runs_exported("--as-user", "nobody")
