"""Wagtail's userbar on the pages of the page tree, for people who may edit them only."""

from django.urls import reverse

USERBAR = 'id="wagtail-userbar-template"'


def test_an_editor_gets_the_userbar_on_a_page(client, superuser):
    client.force_login(superuser)
    assert USERBAR in client.get("/").text


def test_no_userbar_on_views_that_are_not_pages(client, superuser, evaluator):
    client.force_login(superuser)
    assert USERBAR not in client.get(reverse("courses:dashboard")).text
    client.force_login(evaluator)  # who has admin access
    page = client.get(reverse("analytics:dashboard"))
    assert page.status_code == 200
    assert USERBAR not in page.text
    assert "wagtailadmin/js" not in page.text


def test_no_userbar_for_someone_who_cannot_edit_the_page(client, evaluator, trainee):
    assert evaluator.has_perm("wagtailadmin.access_admin")  # so the admin check alone would pass
    for user in (evaluator, trainee):
        client.force_login(user)
        page = client.get("/")
        assert page.status_code == 200
        assert USERBAR not in page.text
