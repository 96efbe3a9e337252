"""One login path: the Wagtail and Django admin login pages forward to allauth."""

import pytest

LOGIN = "/accounts/login/"


@pytest.mark.parametrize("admin_login", ["/admin/login/", "/django-admin/login/"])
def test_admin_login_pages_forward_to_allauth_keeping_a_safe_next(client, db, admin_login):
    response = client.get(admin_login, {"next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fpages%2F"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
@pytest.mark.parametrize("admin_login", ["/admin/login/", "/django-admin/login/"])
def test_admin_login_drops_a_foreign_next(client, db, admin_login, next_url):
    response = client.get(admin_login, {"next": next_url})
    assert response["Location"] == LOGIN


@pytest.mark.parametrize("admin", ["/admin/", "/django-admin/"])
def test_anonymous_admin_visit_ends_at_the_allauth_login(client, db, admin):
    response = client.get(admin, follow=True)
    assert response.request["PATH_INFO"] == LOGIN
    assert response.status_code == 200


def test_signed_in_user_without_admin_access_gets_403_not_a_redirect_loop(client, trainee):
    client.force_login(trainee)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert b"no access" in response.content


def test_admin_password_pages_forward_to_allauth(client, superuser):
    assert client.get("/admin/password_reset/")["Location"] == "/accounts/password/reset/"
    client.force_login(superuser)
    response = client.get("/django-admin/password_change/")
    assert response["Location"] == "/accounts/password/change/"


def test_wagtail_password_reset_views_are_off(client, db):
    assert client.get("/admin/password_reset/done/").status_code == 404
