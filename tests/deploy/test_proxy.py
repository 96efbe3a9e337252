"""Sign-in behind nginx: the client's own address counts, never the proxy's."""

import secrets

from tests.deploy.stack import signed_in


def test_people_sign_in_through_nginx_to_gunicorn_on_a_unix_socket(stack):
    password = secrets.token_urlsafe(12)
    stack.account("proxy-first@example.org", password)

    response = stack.browser("127.0.0.2").sign_in("proxy-first@example.org", password)

    assert signed_in(response), response[0]


def test_one_clients_failed_logins_do_not_block_another(stack):
    password = secrets.token_urlsafe(12)
    stack.account("proxy-attacked@example.org", password)
    stack.account("proxy-neighbour@example.org", password)
    attacker = stack.browser("127.0.0.3")
    # More failures with made-up emails than the per-address limit allows (20 a minute).
    for i in range(21):
        status, _, _ = attacker.sign_in(f"nobody-{i}@example.org", "not-the-password")
        assert status in (200, 429)

    assert not signed_in(attacker.sign_in("proxy-attacked@example.org", password))
    assert signed_in(stack.browser("127.0.0.4").sign_in("proxy-neighbour@example.org", password))


def test_a_client_cannot_pose_as_another_address(stack):
    """nginx replaces X-Forwarded-For, so a forged one does not escape the limit."""
    password = secrets.token_urlsafe(12)
    stack.account("proxy-forger@example.org", password)
    forger = stack.browser("127.0.0.5")
    for i in range(21):
        forger.sign_in(f"nobody-{i}@example.org", "wrong")
    forger.headers["X-Forwarded-For"] = "198.51.100.7"
    assert not signed_in(forger.sign_in("proxy-forger@example.org", password))
