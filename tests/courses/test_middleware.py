import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def site_queries(captured) -> int:
    return sum('"wagtailcore_site"' in query["sql"] for query in captured.captured_queries)


def test_the_site_is_looked_up_once_and_again_after_it_changes(client):
    first = client.get("/")
    assert first.status_code == 200
    assert first.wsgi_request._wagtail_site == Site.objects.get(is_default_site=True)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert site_queries(captured) == 0

    site = Site.objects.get(is_default_site=True)
    site.site_name = "Ten Footsteps renamed"
    site.save()
    assert client.get("/").wsgi_request._wagtail_site.site_name == "Ten Footsteps renamed"


def test_a_host_outside_allowed_hosts_is_refused_before_any_lookup(client, settings):
    settings.ALLOWED_HOSTS = ["footsteps.example.nhs.uk"]
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
