"""The evaluators' import in the Wagtail admin: upload, check, preview, confirm; audited.

The task backend runs tasks at once in the tests, so uploading checks the file before the
job's page answers (in production the worker does, and the page reloads until it has)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from assessments.models import ImportJob, Participant, Response
from tests import factories
from tests.assessments.conftest import with_baseline
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db

EXAMPLE = (EXAMPLES_DIR / "responses.csv").read_bytes()
URL = "/admin/import-responses/"


def upload(client, content: bytes = EXAMPLE, course_run: str = "york-2021"):
    """Upload a file and follow to its job's page: the preview, or the errors."""
    return client.post(
        URL,
        {"file": SimpleUploadedFile("responses.csv", content), "course_run": course_run},
        follow=True,
    )


def confirm(client, page, **kwargs):
    """Press "Import these responses" on a job's page."""
    return client.post(page.redirect_chain[-1][0], {"confirm": "1"}, **kwargs)


@pytest.fixture(autouse=True)
def index(db):
    return factories.course_index()


def test_preview_counts_each_wave_and_saves_nothing_until_confirmed(client, evaluator):
    client.force_login(evaluator)
    assert reverse("assessments_import:index") == URL
    page = client.get(URL)
    assert page.status_code == 200
    preview = upload(client)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "<td>Baseline questionnaire</td><td>70</td>" in html
    assert "<td>3-month follow-up</td><td>40</td>" in html
    assert "will be created under the course index" in html
    assert "Nothing has been saved yet." in html
    assert not Participant.objects.exists()

    done = confirm(client, preview, follow=True)
    assert "Imported 70 baseline and 40 3-month follow-up responses into york-2021." in (
        done.content.decode()
    )
    assert Response.objects.count() == 110
    event = AuditEvent.objects.get(action="import")
    assert event.actor == evaluator
    assert event.detail["month_3_responses"] == 40


def test_errors_are_listed_by_line_and_column_and_cannot_be_confirmed(client, evaluator):
    client.force_login(evaluator)
    bad = EXAMPLE.replace(b"4PXRDW,baseline,yes", b"4PXRDW,baseline,perhaps", 1)
    page = upload(client, bad)
    html = page.content.decode()
    assert "1 error: nothing was imported." in html
    assert "<td>2</td><td>mandatory_completed</td><td>&#x27;perhaps&#x27; is not yes or no." in html
    assert 'name="confirm"' not in html
    confirm(client, page)
    assert not Participant.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_a_stale_preview_is_checked_again_on_confirm(client, evaluator):
    client.force_login(evaluator)
    first = upload(client)
    other = factories.EvaluatorFactory()
    client2 = client.__class__()
    client2.force_login(other)
    confirm(client2, upload(client2))
    page = confirm(client, first, follow=True)
    assert "110 errors: nothing was imported." in page.content.decode()
    assert Response.objects.count() == 110


def test_only_the_uploader_confirms_and_only_once(client, evaluator):
    client.force_login(evaluator)
    preview = upload(client)
    staff = client.__class__()
    staff.force_login(factories.EvaluatorFactory(is_staff=True))
    seen = staff.get(preview.redirect_chain[-1][0]).content.decode()
    assert "Only the evaluator who uploaded the file can confirm it." in seen
    assert 'name="confirm"' not in seen
    confirm(staff, preview)
    assert not Participant.objects.exists()
    confirm(client, preview)
    again = confirm(client, preview, follow=True)
    assert Response.objects.count() == 110
    assert "This file cannot be imported any more" in again.content.decode()
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_form_errors_are_clear(client, evaluator):
    client.force_login(evaluator)
    page = client.post(URL, {"course_run": "Not a slug!"})
    html = page.content.decode()
    assert "Choose the CSV file to import." in html
    assert "Use lowercase letters, digits and hyphens" in html


def test_a_slug_longer_than_a_job_can_hold_is_refused_on_the_form(client, evaluator):
    # PostgreSQL refused the job's row (varchar 100) with a 500 before the form checked it.
    client.force_login(evaluator)
    page = upload(client, course_run="9" * 101)
    assert page.status_code == 200
    assert "Keep the slug to 100 characters or fewer." in page.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["trainee", "trainer"])
def test_only_those_allowed_to_import_reach_it(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code in (302, 403)
    sent = client.post(URL, {"file": SimpleUploadedFile("r.csv", EXAMPLE), "course_run": "york"})
    assert sent.status_code in (302, 403)
    assert not ImportJob.objects.exists()
    assert not Participant.objects.exists()


def test_the_evaluators_import_pages_show_no_name_or_email(client, evaluator):
    trainee = factories.TraineeFactory(first_name="Zebedee", last_name="Quixworth")
    with_baseline(factories.enrol(trainee, factories.make_course_run(slug="york-2021")))
    client.force_login(evaluator)
    preview = upload(client)
    pages = [client.get(URL), preview, confirm(client, preview, follow=True)]
    for page in pages:
        html = page.content.decode()
        for secret in (trainee.email, trainee.first_name, trainee.last_name):
            assert secret not in html
