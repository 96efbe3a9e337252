"""Accounts: no enumeration, only our own ?next=, session rotation and rate limits."""

import re
import statistics
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from accounts.sessions import SessionStore
from tests import factories

LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
RESET = reverse("account_reset_password")
UNKNOWN = "nobody-here@example.org"


def outcome(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


def test_login_says_the_same_for_an_unknown_email_and_a_wrong_password(client, trainee):
    known = client.post(LOGIN, {"login": trainee.email, "password": "wrong-password-1"})
    unknown = client.post(LOGIN, {"login": UNKNOWN, "password": "wrong-password-1"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert "not correct" in str(known.context["form"].errors)


def test_sign_up_with_a_taken_email_looks_like_a_new_sign_up(client, trainee):
    def sign_up(email):
        data = {
            "email": email,
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
            "first_name": "Sam",
            "last_name": "Jones",
        }
        return client.post(SIGNUP, data)

    taken = sign_up(trainee.email)
    fresh = sign_up("new-person@example.org")
    assert outcome(taken) == outcome(fresh) == (302, reverse("account_email_verification_sent"))
    # Each address gets one email: a confirmation link, or "you already have an account".
    assert sorted(m.to[0] for m in mail.outbox) == sorted([trainee.email, "new-person@example.org"])


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, trainee):
    known = client.post(RESET, {"email": trainee.email})
    unknown = client.post(RESET, {"email": UNKNOWN})
    assert outcome(known) == outcome(unknown) == (302, reverse("account_reset_password_done"))


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/steal", "/\\evil.example", "http://testserver/my/"],
)
def test_login_ignores_a_next_that_is_not_our_own_path(client, trainee, next_url):
    response = client.post(
        LOGIN, {"login": trainee.email, "password": factories.PASSWORD, "next": next_url}
    )
    assert outcome(response) == (302, reverse(settings.LOGIN_REDIRECT_URL))


def test_login_follows_a_next_on_our_own_site(client, trainee):
    response = client.post(
        LOGIN, {"login": trainee.email, "password": factories.PASSWORD, "next": "/account/"}
    )
    assert outcome(response) == (302, "/account/")


def test_session_key_changes_at_login_and_the_session_dies_at_logout(client, trainee):
    anonymous = SessionStore()
    anonymous["seen_before_login"] = True
    anonymous.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key

    client.post(LOGIN, {"login": trainee.email, "password": factories.PASSWORD})
    signed_in_key = client.session.session_key
    assert client.session["_auth_user_id"] == str(trainee.pk)
    assert signed_in_key != anonymous.session_key
    assert not SessionStore().exists(anonymous.session_key)

    client.post(reverse("account_logout"))
    assert not SessionStore().exists(signed_in_key)
    # Replaying the old cookie gives an anonymous visitor.
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_key
    assert client.get("/account/")["Location"].startswith(LOGIN)


def test_logout_needs_a_post(client, trainee):
    client.force_login(trainee)
    client.get(reverse("account_logout"))
    assert client.session.get("_auth_user_id") == str(trainee.pk)


def test_repeated_failed_logins_are_rate_limited_per_account(client, trainee):
    for _ in range(5):
        response = client.post(LOGIN, {"login": trainee.email, "password": "wrong-password-1"})
        assert "Too many failed login attempts" not in response.content.decode()
    blocked = client.post(LOGIN, {"login": trainee.email, "password": factories.PASSWORD})
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("remote_addr", ["", "127.0.0.1"])
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_address_comes_from_x_forwarded_for(
    client, trainee, remote_addr
):
    """gunicorn on a unix socket has no REMOTE_ADDR; on TCP it is the proxy's own."""
    for i in range(20):  # the per-address limit of failed logins, from someone else
        client.post(
            LOGIN,
            {"login": f"nobody-{i}@example.org", "password": "wrong-password-1"},
            REMOTE_ADDR=remote_addr,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    response = client.post(
        LOGIN,
        {"login": trainee.email, "password": factories.PASSWORD},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainee.pk)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_sign_up_takes_as_long_for_a_registered_email_as_for_a_new_one(client, trainee):
    """Production's hasher, interleaved: the two medians of 30 are within 20%."""

    def sign_up(email) -> float:
        cache.clear()  # allauth's per-address sign-up limit is not what is measured here
        data = {
            "email": email,
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
            "first_name": "Ada",
            "last_name": "Lovelace",
        }
        started = time.perf_counter()
        response = client.post(SIGNUP, data)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302
        client.logout()
        return elapsed

    registered, new = [], []
    for i in range(30):
        registered.append(sign_up(trainee.email))
        new.append(sign_up(f"timing-{i}@example.org"))
    ratio = statistics.median(registered) / statistics.median(new)
    assert 0.8 <= ratio <= 1.2, f"registered/new median time ratio {ratio:.2f}"


PUBLIC = "https://footsteps.example.nhs.uk"


@override_settings(PUBLIC_BASE_URL=PUBLIC)
@pytest.mark.parametrize(
    ("path", "data"),
    [
        (SIGNUP, {"email": "new@example.org", "first_name": "A", "last_name": "B"}),  # verify
        (SIGNUP, {"first_name": "A", "last_name": "B"}),  # registered: "already exists"
        (RESET, {}),  # password reset for a known email
        (RESET, {"email": UNKNOWN}),  # unknown: the sign-up link
    ],
)
def test_every_account_email_links_to_the_public_address(client, trainee, path, data):
    data = {
        "email": trainee.email,
        "password1": factories.PASSWORD,
        "password2": factories.PASSWORD,
        **data,
    }
    client.post(path, data, HTTP_HOST="localhost:8000")  # an address people do not use
    [email] = mail.outbox
    links = re.findall(r"https?://[^\s]+", email.body)
    assert links and all(link.startswith(f"{PUBLIC}/accounts/") for link in links), links
