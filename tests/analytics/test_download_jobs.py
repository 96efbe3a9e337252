"""Downloads the task worker prepares: large row-level files, the report and chart images."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from analytics import download_jobs
from analytics.export_formats import EXPORTS
from analytics.models import DownloadJob
from tests import factories
from tests.analytics.prepared import prepared_download
from tests.analytics.test_views import DASHBOARD, EMAIL, NAME, SURNAME, add_pairs, export_url

RESPONSES_CSV = EXPORTS["responses"].formats["csv"]


@pytest.fixture
def large(settings):
    """Every selection counts as large, so row-level files go to the worker."""
    settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS = 0


def _job(user, *, status=DownloadJob.Status.QUEUED, requested_at=None, **fields):
    job = DownloadJob(
        requested_by=user,
        requested_at=requested_at or timezone.now(),
        what="responses",
        file_format="csv",
        status=status,
        **fields,
    )
    job.full_clean()
    job.save()
    return job


def test_a_small_selection_downloads_at_once(client, evaluator, course_run, settings):
    settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS = 3
    add_pairs(course_run, 3)
    client.force_login(evaluator)
    response = client.get(export_url("responses", "csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not DownloadJob.objects.exists()


@pytest.mark.parametrize("what", ["responses", "responses-wide"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "sav"])
def test_a_large_selection_is_prepared_audited_and_the_same_file(
    client, evaluator, course_run, large, settings, what, file_format
):
    factories.TraineeFactory(first_name=NAME, last_name=SURNAME, email=EMAIL)
    add_pairs(course_run, 4, trainee_fields={"first_name": NAME, "last_name": SURNAME})
    client.force_login(evaluator)
    job, response, content = prepared_download(
        client, export_url(what, file_format), {"course_run": course_run.slug}
    )
    assert job.status == job.Status.READY and job.progress == 100
    assert response["Cache-Control"] == "no-store"
    assert f"ten-footsteps-{what}-{course_run.slug}-" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="export")
    assert event.actor == evaluator
    assert event.detail == {
        "format": file_format,
        "what": what,
        "course_runs": [course_run.slug],
        "all_course_runs": False,
    }
    # The same bytes as the download at once (XLSX and SAV carry their creation time).
    settings.ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS = 1000
    direct = client.get(export_url(what, file_format), {"course_run": course_run.slug})
    if file_format == "csv":
        assert content == direct.content
        rows = list(csv.DictReader(io.StringIO(content.decode())))
        assert len(rows) == (8 if what == "responses" else 4)
    else:
        assert abs(len(content) - len(direct.content)) < 64
    for secret in (NAME, SURNAME, "@example.org"):
        assert secret.encode() not in content


def test_only_the_evaluator_who_asked_sees_the_job_or_its_file(
    client, evaluator, course_run, large, trainee
):
    add_pairs(course_run, 2)
    client.force_login(evaluator)
    job, _, _ = prepared_download(client, export_url("responses", "csv"))
    urls = [
        reverse("analytics:download-job", args=[job.pk]),
        reverse("analytics:download-job-file", args=[job.pk]),
    ]
    client.force_login(factories.EvaluatorFactory())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        assert "only the evaluator who asked" in response.content.decode()
    client.force_login(trainee)
    assert all(client.get(url).status_code == 403 for url in urls)
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)


def test_progress_page_refreshes_itself_and_announces_the_step(client, evaluator):
    job = _job(evaluator, status=DownloadJob.Status.RUNNING, progress=40, step="Writing the file")
    client.force_login(evaluator)
    page = client.get(reverse("analytics:download-job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'role="status" aria-live="polite"' in page
    assert "Writing the file" in page and 'value="40"' in page
    file_url = reverse("analytics:download-job-file", args=[job.pk])
    assert file_url not in page
    # The file of an unfinished job is not there yet: back to the progress page.
    response = client.get(file_url)
    assert response.status_code == 302 and response["Location"].endswith(f"{job.pk}/")


def test_a_finished_page_stops_refreshing(client, evaluator):
    job = _job(evaluator, status=DownloadJob.Status.FAILED, progress=100, message="No Chromium")
    client.force_login(evaluator)
    page = client.get(reverse("analytics:download-job", args=[job.pk])).content.decode()
    assert "http-equiv" not in page and "No Chromium" in page


def test_a_second_click_joins_the_job_on_its_way(evaluator):
    waiting = _job(evaluator)
    again = download_jobs.download_job_request(
        user=evaluator, export=RESPONSES_CSV, course_runs=None
    )
    assert again == waiting and DownloadJob.objects.count() == 1


def test_a_job_is_built_once(db, evaluator, course_run):
    job = _job(evaluator)
    assert download_jobs.download_job_build(job_id=job.pk).status == DownloadJob.Status.READY
    assert download_jobs.download_job_build(job_id=job.pk) is None  # already taken
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_a_run_deleted_meanwhile_fails_with_a_message(db, evaluator):
    job = _job(evaluator, course_runs=["gone-run"])
    built = download_jobs.download_job_build(job_id=job.pk)
    assert built.status == DownloadJob.Status.FAILED
    assert "gone-run" in built.message and not built.file
    assert not AuditEvent.objects.filter(action="export").exists()


def test_expired_downloads_and_their_files_are_removed_after_a_day(db, evaluator):
    now = timezone.now()
    old = _job(evaluator, requested_at=now - timedelta(days=1, minutes=1))
    old.file.save("old.csv", ContentFile(b"x"), save=False)
    old.status = DownloadJob.Status.READY
    old.save()
    fresh = _job(evaluator, requested_at=now - timedelta(hours=23))
    name = old.file.name
    assert default_storage.exists(name)
    out = io.StringIO()
    call_command("remove_expired_downloads", stdout=out)
    assert "Removed 1 expired download(s)." in out.getvalue()
    assert not default_storage.exists(name)
    assert list(DownloadJob.objects.all()) == [fresh]


def test_dashboard_links_to_prepared_downloads_without_the_download_attribute(
    client, evaluator, course_run, large
):
    add_pairs(course_run, 2)
    client.force_login(evaluator)
    html = client.get(DASHBOARD).content.decode()
    assert f'<a href="{export_url("responses", "csv")}">' in html
    assert f'<a href="{export_url("report", "pdf")}">' in html
    assert f'<a href="{export_url("statistics", "csv")}" download>' in html


def test_dashboard_offers_small_row_level_files_at_once(client, evaluator, course_run):
    add_pairs(course_run, 2)
    client.force_login(evaluator)
    html = client.get(DASHBOARD).content.decode()
    assert f'<a href="{export_url("responses", "csv")}" download>' in html
    assert f'<a href="{export_url("spider-chart", "png")}">' in html
