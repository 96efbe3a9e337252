"""Trainers, evaluators and superusers need an authenticator app before their pages."""

import inspect

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import URLResolver, get_resolver, reverse

from accounts.roles import can_import, is_evaluator, is_trainer
from demo.mfa import totp_code
from tests import factories

ACTIVATE = reverse("mfa_activate_totp")
PROTECTED = ["/admin/", "/django-admin/", "/trainer/runs/", "/evaluation/"]


def privileged_without_mfa():
    return {
        "trainer": factories.TrainerFactory(totp=False),
        "evaluator": factories.EvaluatorFactory(totp=False),
        "superuser": factories.UserFactory(is_superuser=True, is_staff=True, totp=False),
    }


@pytest.mark.parametrize("role", ["trainer", "evaluator", "superuser"])
@pytest.mark.parametrize("path", PROTECTED)
def test_privileged_roles_are_sent_to_set_up_mfa(client, db, role, path):
    user = privileged_without_mfa()[role]
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "two-factor authentication" in message


@pytest.mark.parametrize("role", ["trainer", "evaluator", "superuser"])
def test_privileged_roles_with_mfa_pass(client, db, role):
    user = {
        "trainer": factories.TrainerFactory,
        "evaluator": factories.EvaluatorFactory,
        "superuser": lambda: factories.UserFactory(is_superuser=True, is_staff=True),
    }[role]()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_recovery_codes_alone_do_not_count(client, db):
    trainer = factories.TrainerFactory()
    Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).delete()
    client.force_login(trainer)
    assert client.get("/admin/")["Location"] == ACTIVATE


@pytest.mark.parametrize("path", ["/my/", "/account/", "/"])
def test_privileged_roles_reach_ordinary_pages_without_mfa(client, db, path):
    client.force_login(factories.TrainerFactory(totp=False))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PROTECTED)
def test_trainees_are_not_forced(client, trainee, path):
    client.force_login(trainee)
    response = client.get(path)
    assert response.get("Location") != ACTIVATE
    assert response.status_code in {302, 403, 404}


def test_login_of_a_user_with_mfa_asks_for_the_code(client, db):
    trainer = factories.TrainerFactory()
    response = client.post(
        "/accounts/login/", {"login": trainer.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(trainer)})
    assert client.session["_auth_user_id"] == str(trainer.pk)
    assert client.get("/admin/").status_code == 200


def test_a_trainer_sets_up_mfa_after_signing_in_and_then_reaches_the_admin(client, db):
    trainer = factories.TrainerFactory(totp=False)
    client.post("/accounts/login/", {"login": trainer.email, "password": factories.PASSWORD})
    assert client.get("/admin/")["Location"] == ACTIVATE
    # allauth asks for the password again before changing how one signs in.
    assert client.get(ACTIVATE)["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    client.post(ACTIVATE, {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def routes(patterns, prefix=""):
    """Every (path, view) the project defines, with the path as written in its URLconf."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        else:
            yield "/" + route.lstrip("^"), pattern.callback


def required_role(view):
    """The role check of a view wrapped by accounts.roles.role_required, if any."""
    while view is not None:
        check = inspect.getclosurevars(view).nonlocals.get("check") if callable(view) else None
        if check in (is_trainer, is_evaluator, can_import):
            return check
        view = getattr(view, "__wrapped__", None)
    return None


def test_every_role_protected_view_is_behind_mfa():
    protected = [
        (path, required_role(view).__name__)
        for path, view in routes(get_resolver().url_patterns)
        if required_role(view) is not None
    ]
    assert protected, "expected some trainer/evaluator views"
    outside = [
        (path, role)
        for path, role in protected
        if not path.startswith(tuple(settings.MFA_REQUIRED_PATH_PREFIXES))
    ]
    assert not outside, f"Move these under an MFA path prefix: {outside}"
