"""Account guards on every request: MFA for privileged roles, and who is acting (audit log)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from accounts.audit import acting_user
from accounts.security import is_privileged, mfa_enabled


class MFARequiredMiddleware:
    """Send trainers, evaluators and superusers to set up an authenticator app first.

    Their pages (the admin, attendance registers, evaluation and exports) expose personal or
    research data, so a stolen password alone must not open them. Trainees are not forced.
    The protected paths are ``settings.MFA_REQUIRED_PATH_PREFIXES``.
    """

    message = (
        "Your role gives access to personal and research data, so your account needs "
        "two-factor authentication. Set up an authenticator app below, then return to the "
        "page you wanted."
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.MFA_REQUIRED_PATH_PREFIXES)

    def __call__(self, request):
        user = request.user
        if (
            request.path_info.startswith(self.prefixes)
            and user.is_authenticated
            and is_privileged(user)
            and not mfa_enabled(user)
        ):
            messages.warning(request, self.message)
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class AuditActorMiddleware:
    """Remember who is making this request, so signal-driven audit events name an actor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = acting_user.set(request.user)
        try:
            return self.get_response(request)
        finally:
            acting_user.reset(token)
