"""Security rules in one place: who must use two-factor authentication, which redirects are safe."""

from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

from accounts.roles import can_import, is_evaluator, is_trainer

ADMIN_ACCESS = "wagtailadmin.access_admin"


def is_privileged(user) -> bool:
    """True for anyone whose pages show personal or research data beyond their own."""
    return user.is_authenticated and (
        user.is_superuser
        or user.is_staff
        or is_trainer(user)
        or is_evaluator(user)
        or can_import(user)
        or user.has_perm(ADMIN_ACCESS)
    )


def mfa_enabled(user) -> bool:
    """True once the user has an authenticator app (TOTP); recovery codes alone do not count."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def is_own_path(url: str) -> bool:
    """True only for a path on this site ("/..."): no scheme, no host, no "//" or "\\" tricks."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not any(c in url for c in "\\\r\n\t")
