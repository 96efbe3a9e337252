"""Cached course content: what trainers publish, unpublish, rename or move shows at once."""

import json

import pytest
from django.urls import reverse

from courses.content_cache import course_content
from courses.models import Footstep
from tests import factories
from tests.courses.test_blocks import make_document

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("courses:dashboard")


@pytest.fixture
def signed_in(client, trainee):
    client.force_login(trainee)
    return client


def page_text(client, url) -> str:
    return client.get(url).content.decode()


def test_a_newly_published_module_appears_on_the_dashboard_and_in_the_pager(signed_in):
    first = factories.make_module(Footstep.objects.get(number=1))
    assert "Acceptance" not in page_text(signed_in, DASHBOARD)
    page_text(signed_in, first.url)
    factories.make_module(Footstep.objects.get(number=2), title="Acceptance")
    assert "Acceptance" in page_text(signed_in, DASHBOARD)
    assert 'rel="next"' in page_text(signed_in, first.url)


def test_a_new_revision_of_a_module_is_shown_once_published(signed_in):
    module = factories.make_module(Footstep.objects.get(number=1), summary="Old summary.")
    assert "Old summary." in page_text(signed_in, module.url)
    module.summary = "New summary."
    revision = module.save_revision()
    assert "Old summary." in page_text(signed_in, module.url)  # a draft is not live
    revision.publish()
    html = page_text(signed_in, module.url)
    assert "New summary." in html and "Old summary." not in html


def test_renaming_a_neighbour_updates_the_pager(signed_in):
    first = factories.make_module(Footstep.objects.get(number=1))
    second = factories.make_module(Footstep.objects.get(number=2))
    page_text(signed_in, first.url)
    second.title = "Accepting what cannot be changed"
    second.save_revision().publish()
    assert "Accepting what cannot be changed" in page_text(signed_in, first.url)


def test_unpublishing_a_run_removes_it_from_the_open_runs(signed_in):
    run = factories.make_course_run(title="Leeds spring cohort")
    assert "Leeds spring cohort" in page_text(signed_in, DASHBOARD)
    run.unpublish()
    assert "Leeds spring cohort" not in page_text(signed_in, DASHBOARD)


def test_a_session_added_to_a_run_appears_in_the_trainees_schedule(signed_in, trainee):
    run = factories.make_course_run()
    factories.enrol(trainee, run)
    page_text(signed_in, DASHBOARD)
    factories.add_qa_session(run, factories.workshops(run)[0].starts_at, "Extra drop-in Q&A")
    assert "Extra drop-in Q&amp;A" in page_text(signed_in, DASHBOARD)


def test_saving_a_footstep_drops_the_cached_content():
    before = course_content.version()
    Footstep.objects.get(number=1).save()
    assert course_content.version() != before


def test_a_document_renamed_in_the_admin_shows_on_the_module_page(signed_in):
    document = make_document(title="Pacing diary")
    resources = {
        "heading": "For your patients",
        "items": [{"type": "document", "value": {"document": document.pk, "title": ""}}],
    }
    module = factories.make_module(
        Footstep.objects.get(number=1),
        body=json.dumps([{"type": "resources", "value": resources}]),
    )
    assert "Pacing diary" in page_text(signed_in, module.url)
    document.title = "Weekly pacing diary"
    document.save()
    assert "Weekly pacing diary" in page_text(signed_in, module.url)
