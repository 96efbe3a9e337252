"""Site-wide request guards: the Content-Security-Policy, MFA for privileged roles, audit actor."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from home.audit import acting_user
from home.security import is_privileged, mfa_enabled


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the one relaxation the Wagtail admin needs.

    The admin's own templates carry inline ``<script>`` blocks (inline panels, date widgets)
    and ``style`` attributes, so under ``/admin/`` inline scripts and styles are allowed. No
    nonce is emitted there (a nonce would make browsers ignore 'unsafe-inline'). Everything
    else keeps the strict policy from settings.
    """

    admin_prefix = "/admin/"

    def process_request(self, request):
        if request.path_info.startswith(self.admin_prefix):
            # Without a nonce the relaxation below applies; with one it would be ignored.
            request.csp_nonce = ""
            return None
        return super().process_request(request)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(self.admin_prefix) and not report_only:
            relaxed = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}
            parts.update = {**relaxed, **(parts.update or {})}
            parts.nonce = None
        return parts


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
