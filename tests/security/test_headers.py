"""Security headers, the Content-Security-Policy in particular, on every kind of page."""

import pytest

from tests import factories
from tests.assessments.conftest import with_baseline

CSP = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = {}
    for part in response[CSP].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_carry_a_strict_policy(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert set(policy["frame-src"]) >= {
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    }
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_carry_the_policy(client, trainee):
    client.force_login(trainee)
    response = client.get("/account/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_admin_allows_wagtails_inline_code_without_a_nonce(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert not any(value.startswith("'nonce-") for value in policy["script-src"])
    assert policy["frame-ancestors"] == ["'self'"]


def test_a_nonce_used_by_a_template_is_announced_in_the_header(rf, db):
    from django.template import engines

    from home.middleware import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({"request": request}))

    request = rf.get("/some/page/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    nonce = request._csp_nonce
    assert f'nonce="{nonce}"' in response.content.decode()
    assert f"'nonce-{nonce}'" in directives(response)["script-src"]


def private_no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("path", ["/my/", "/account/", "/account/data/", "/"])
def test_pages_for_a_signed_in_person_are_never_stored(client, trainee, path):
    client.force_login(trainee)
    response = client.get(path)
    assert response.status_code == 200
    assert private_no_store(response)


def test_personal_chart_pages_are_never_stored(client, trainee, course_run):
    enrolment = factories.enrol(trainee, course_run)
    with_baseline(enrolment)
    client.force_login(trainee)
    response = client.get(f"/my/enrolments/{enrolment.pk}/confidence/")
    assert response.status_code == 200
    assert private_no_store(response)


def test_a_certificate_check_shows_a_name_and_is_never_stored(client, db):
    response = client.get("/certificates/verify/?code=NOSUCHCODE")
    assert private_no_store(response)


def test_public_pages_for_visitors_may_be_cached(client, db):
    assert not private_no_store(client.get("/"))
