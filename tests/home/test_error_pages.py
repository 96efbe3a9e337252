import pytest
from django.test import Client, override_settings
from django.urls import path


def _boom(request):
    raise RuntimeError("deliberate failure")


urlpatterns = [path("boom/", _boom)]


def test_unknown_address_gets_the_sites_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"skip-link" in response.content  # the site's own layout, not Django's plain page


@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_gets_a_plain_apology_without_details(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"deliberate failure" not in response.content


@pytest.mark.parametrize("path", ["/trainer/runs/", "/evaluation/"])
def test_a_trainee_refused_a_role_page_sees_the_sites_403_page(client, trainee, path):
    client.force_login(trainee)
    response = client.get(path)
    assert response.status_code == 403
    assert b"You cannot open this page" in response.content
