"""Authenticator apps without a phone: the demo's public secret, and TOTP for scripted users.

Trainers, evaluators and superusers must use two-factor authentication (accounts.security),
so the demo trainer, evaluator and admin come with an authenticator already set up. Its
secret is printed in the README, so anyone may add it to an authenticator app, or run
``manage.py demo_code EMAIL`` instead. The secret is public on purpose: it protects nothing,
and ``demo_code`` refuses every account that does not use it.

The tests, the deployment tests and the benchmarks give their users an authenticator and
compute its codes with the helpers below: allauth's ``Authenticator`` rows, its adapter's
``encrypt``/``decrypt``, and ``pyotp`` for the codes (allauth's own TOTP code is private).
"""

import secrets
import time
from datetime import UTC, datetime

import pyotp
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model

# Base32, as authenticator apps expect; the README lists it.
DEMO_TOTP_SECRET = "TENFOOTSTEPSDEMOTENFOOTSTEPSDEMO"  # noqa: S105 (public, see above)
DEMO_EMAIL_DOMAIN = "demo.tenfootsteps.org"


def totp_new_secret() -> str:
    """A random base32 secret of 160 bits, as allauth's own set-up page makes."""
    return pyotp.random_base32()


def totp_activate(user, secret: str) -> Authenticator:
    """Give ``user`` an authenticator app holding ``secret``, stored as allauth stores it."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)}
    )


def recovery_codes_activate(user) -> Authenticator:
    """Give ``user`` recovery codes, as allauth's set-up does after the authenticator app."""
    # allauth derives the codes from a random seed of 40 bytes, hex, stored encrypted.
    data = {"seed": get_adapter().encrypt(secrets.token_hex(40)), "used_mask": 0}
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data=data
    )


def totp_secret(user) -> str | None:
    """The secret of ``user``'s authenticator app, or None without one."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return get_adapter().decrypt(authenticator.data["secret"]) if authenticator else None


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app holding ``secret`` shows at time ``at`` (seconds since
    the epoch; now by default)."""
    totp = pyotp.TOTP(secret, digits=mfa_settings.TOTP_DIGITS, interval=mfa_settings.TOTP_PERIOD)
    # An aware time: pyotp reads a naive one as local time, which is ambiguous once a year.
    return totp.at(datetime.fromtimestamp(int(time.time() if at is None else at), UTC))


class NotADemoAccount(Exception):
    """``demo_code`` was asked for a code it must not give."""


def demo_authenticator(user) -> bool:
    """Give ``user`` the demo authenticator, or put its secret back; True if anything changed."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        totp_activate(user, DEMO_TOTP_SECRET)
        return True
    if get_adapter().decrypt(authenticator.data["secret"]) == DEMO_TOTP_SECRET:
        return False
    # Like the demo passwords: what the README says must work.
    authenticator.data = {**authenticator.data, "secret": get_adapter().encrypt(DEMO_TOTP_SECRET)}
    authenticator.save(update_fields=["data"])
    return True


def demo_code(email: str, *, at: float) -> tuple[str, int]:
    """The code the demo authenticator shows at time ``at``, and the seconds it stays valid.

    Only in development (DEBUG) and only for a demo account whose authenticator holds the
    public demo secret, so it can never stand in for a real person's authenticator app.
    Raises NotADemoAccount otherwise.
    """
    if not settings.DEBUG:
        raise NotADemoAccount("demo_code only runs in development (DEBUG on).")
    if not email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}"):
        raise NotADemoAccount(f"Only demo accounts (…@{DEMO_EMAIL_DOMAIN}) have a demo code.")
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None or totp_secret(user) != DEMO_TOTP_SECRET:
        raise NotADemoAccount(
            f"{email} has no demo authenticator. Run `manage.py load_demo` first; only the "
            "demo trainer, evaluator and admin have one."
        )
    period = mfa_settings.TOTP_PERIOD
    return totp_code(DEMO_TOTP_SECRET, at=at), period - int(at) % period
