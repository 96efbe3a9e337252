"""The demo's authenticator app: one public TOTP secret for the privileged demo accounts.

Trainers, evaluators and superusers must use two-factor authentication (home.security), so
the demo trainer, evaluator and admin come with an authenticator already set up. Its secret
is printed in the README, so anyone may add it to an authenticator app, or run
``manage.py demo_code EMAIL`` instead. The secret is public on purpose: it protects nothing,
and ``demo_code`` refuses every account that does not use it.
"""

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.contrib.auth import get_user_model

# Base32, as authenticator apps expect; the README lists it.
DEMO_TOTP_SECRET = "TENFOOTSTEPSDEMOTENFOOTSTEPSDEMO"  # noqa: S105 (public, see above)
DEMO_EMAIL_DOMAIN = "demo.tenfootsteps.org"


class NotADemoAccount(Exception):
    """``demo_code`` was asked for a code it must not give."""


def demo_authenticator(user) -> bool:
    """Give ``user`` the demo authenticator, or put its secret back; True if anything changed."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, DEMO_TOTP_SECRET)
        return True
    if decrypt(authenticator.data["secret"]) == DEMO_TOTP_SECRET:
        return False
    # Like the demo passwords: what the README says must work.
    authenticator.data = {**authenticator.data, "secret": encrypt(DEMO_TOTP_SECRET)}
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
    authenticator = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if user is not None
        else None
    )
    if authenticator is None or decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
        raise NotADemoAccount(
            f"{email} has no demo authenticator. Run `manage.py load_demo` first; only the "
            "demo trainer, evaluator and admin have one."
        )
    period = mfa_settings.TOTP_PERIOD
    counter, elapsed = divmod(int(at), period)
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)), period - elapsed
