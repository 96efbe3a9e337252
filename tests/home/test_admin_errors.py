"""Wagtail views that raise on malformed POSTs answer 400 with a message, and save nothing."""

import pytest
from wagtail.models import Page

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/choose-external-link/", {}),  # AttributeError on the missing url
        ("/admin/redirects/import/process/", {}),  # KeyError: import_file_name
        (  # BadSignature has no .message
            "/admin/redirects/import/process/",
            {"import_file_name": "x", "input_format": "0", "from_index": "0", "to_index": "1"},
        ),
        ("/admin/snippets/choose/courses/footstep/create/", {}),  # no creation form
    ],
)
def test_malformed_admin_posts_get_a_400_with_a_message(client, superuser, path, data):
    client.force_login(superuser)
    response = client.post(path, data)
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()


def test_copying_a_page_without_a_parent_saves_nothing(client, superuser):
    run = factories.make_course_run()
    pages = Page.objects.count()
    client.force_login(superuser)
    response = client.post(f"/admin/pages/{run.pk}/copy/", {"new_title": "Copy"})
    assert response.status_code == 400
    assert Page.objects.count() == pages


def test_a_well_formed_post_still_works(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/choose-external-link/",
        {
            "external-link-chooser-url": "https://example.org",
            "external-link-chooser-link_text": "x",
        },
    )
    assert response.status_code == 200  # a good request still works as before
