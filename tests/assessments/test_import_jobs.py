"""Admin imports as background jobs: preview cap, wide headers, the job page, clean-up."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from assessments.importing import COLUMNS, MAX_COLUMNS
from assessments.models import ImportJob, Participant, Response
from tests import factories
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db

EXAMPLE = (EXAMPLES_DIR / "responses.csv").read_bytes()
URL = "/admin/import-responses/"
HEADER = ",".join(COLUMNS)


def upload(client, content: bytes = EXAMPLE, course_run: str = "york-2021"):
    """Upload a file and follow to its job's page (the check runs at once in the tests)."""
    return client.post(
        URL,
        {"file": SimpleUploadedFile("responses.csv", content), "course_run": course_run},
        follow=True,
    )


def job_url(job: ImportJob) -> str:
    return reverse("assessments_import:job", args=[job.pk])


@pytest.fixture(autouse=True)
def index(db):
    return factories.course_index()


def test_the_preview_lists_the_first_100_errors_and_counts_the_rest(client, evaluator):
    client.force_login(evaluator)
    rows = [f"P{n},baseline,perhaps,GP,2," + ",".join(["9"] * 14) for n in range(1000)]
    html = upload(client, "\n".join([HEADER, *rows]).encode()).content.decode()
    # 15 errors per row (mandatory_completed and 14 ratings).
    assert "15000 errors: nothing was imported." in html
    assert html.count("<tr><td>") == 100
    assert "and 14900 more errors." in html
    assert "<td>8</td><td>s1</td>" in html  # line order: rows 2-7 hold the first 90
    assert "<td>9</td>" not in html
    job = ImportJob.objects.get()
    assert job.failed and not job.file  # the file is not kept once it cannot be imported


def test_a_header_too_wide_is_refused_before_the_rows_are_read(client, evaluator):
    client.force_login(evaluator)
    content = ("x," * 1_000_000).encode()
    html = upload(client, content).content.decode()
    assert f"The header has more than {MAX_COLUMNS} columns" in html
    assert "1 error: nothing was imported." in html


def test_the_upload_only_stores_the_file_and_the_worker_checks_it(client, evaluator):
    client.force_login(evaluator)
    with mock.patch("assessments.admin_views.import_job_check") as task:
        sent = client.post(
            URL, {"file": SimpleUploadedFile("responses.csv", EXAMPLE), "course_run": "york-2021"}
        )
    job = ImportJob.objects.get()
    assert sent.status_code == 302 and sent["Location"] == job_url(job)
    task.enqueue.assert_called_once_with(job.pk)
    assert job.status == ImportJob.Status.CHECKING and job.user == evaluator
    html = client.get(job_url(job)).content.decode()
    assert "Checking the file: Waiting for the task worker." in html
    assert 'http-equiv="refresh"' in html and 'name="confirm"' not in html

    from assessments.tasks import import_job_check

    assert import_job_check.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert job.preview == {
        "course_run_exists": False,
        "waves": [["baseline", 70], ["month_3", 40]],
        "new_participants": 70,
    }
    html = client.get(job_url(job)).content.decode()
    assert 'name="confirm"' in html and 'http-equiv="refresh"' not in html
    assert not import_job_check.call(job.pk)  # checked once
    assert not Participant.objects.exists()


def test_a_failure_inside_the_check_says_so_and_keeps_no_file(client, evaluator):
    client.force_login(evaluator)
    with mock.patch(
        "assessments.import_services.responses_file_check", side_effect=MemoryError("big")
    ):
        html = upload(client).content.decode()
    assert "The import stopped because of an unexpected error" in html
    job = ImportJob.objects.get()
    assert job.failed and not job.file
    assert not Participant.objects.exists()


def test_a_confirmed_import_runs_as_a_job_with_its_own_page(client, evaluator):
    client.force_login(evaluator)
    upload(client)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.user == evaluator
    assert default_storage.exists(job.file.name)
    with mock.patch("assessments.admin_views.import_job_run") as task:
        page = client.post(job_url(job), {"confirm": "1"}, follow=True)
    task.enqueue.assert_called_once_with(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    html = page.content.decode()
    assert 'role="status"' in html and 'http-equiv="refresh"' in html
    assert not Participant.objects.exists()  # nothing runs inside the request

    from assessments.tasks import import_job_run

    import_job_run.call(job.pk)
    page = client.get(reverse("assessments_import:job", args=[job.pk]))
    html = page.content.decode()
    assert "Imported 70 baseline and 40 3-month follow-up responses into york-2021." in html
    assert 'http-equiv="refresh"' not in html
    assert Response.objects.count() == 110
    assert AuditEvent.objects.get(action="import").detail["import_job"] == job.pk


def test_a_job_page_is_only_for_its_owner_or_staff(client, evaluator):
    client.force_login(evaluator)
    upload(client)
    url = job_url(ImportJob.objects.get())
    client.post(url, {"confirm": "1"})
    other = factories.EvaluatorFactory()
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(factories.TraineeFactory())
    assert client.get(url).status_code in (302, 403)
    staff = factories.EvaluatorFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_a_failure_inside_the_task_writes_nothing_and_says_so(client, evaluator):
    client.force_login(evaluator)
    upload(client)
    with mock.patch("assessments.import_services.bulk_insert", side_effect=OSError("disk")):
        page = client.post(job_url(ImportJob.objects.get()), {"confirm": "1"}, follow=True)
    assert page.status_code == 200
    assert "The import stopped because of an unexpected error" in page.content.decode()
    assert not Participant.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert "failed" in AuditEvent.objects.get(action="import").summary


def test_files_older_than_a_day_are_removed(client, evaluator):
    client.force_login(evaluator)
    upload(client)
    upload(client, course_run="leeds-2022")
    old, new = ImportJob.objects.order_by("pk")
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    call_command("remove_expired_imports", stdout=io.StringIO())
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and old.status == ImportJob.Status.FAILED
    assert new.file and default_storage.exists(new.file.name)
    # The removed job cannot be confirmed any more: the page asks for the file again.
    page = client.post(job_url(old), {"confirm": "1"}, follow=True)
    assert "upload it again" in page.content.decode()
    assert not Participant.objects.exists()
