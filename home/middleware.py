"""Site-wide request guards: the Content-Security-Policy, no caching of personal pages, no text
that is not UTF-8, no 500 from Wagtail views that trip over a malformed form. (The account
guards, MFA for privileged roles and the audit actor, are in ``accounts.middleware``.)"""

import logging
from urllib.parse import unquote_to_bytes

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


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


class PrivatePagesMiddleware:
    """Every page a signed-in person sees shows something of theirs (their name in the header
    at least), so neither the browser nor a proxy may keep it: ``Cache-Control: private,
    no-store`` unless the view chose otherwise. Public pages that show personal data (a
    certificate's check) mark themselves with ``never_cache``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def _urlencoded_is_utf8(data: bytes) -> bool:
    try:
        for pair in data.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Utf8FormsMiddleware:
    """Refuse a form whose text is not valid UTF-8, instead of storing it garbled.

    Django decodes form fields leniently, so bytes that are not UTF-8 would reach the
    database as replacement characters (U+FFFD). Browsers send UTF-8, so such a form comes
    from another program or was tampered with: answer 400 with a page that says what to do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._readable(request):
            return render(request, "invalid_text.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _readable(request) -> bool:
        if not _urlencoded_is_utf8(request.META.get("QUERY_STRING", "").encode("latin-1")):
            return False
        if request.method != "POST":
            return True
        if request.content_type == "application/x-www-form-urlencoded":
            return _urlencoded_is_utf8(request.body)
        if request.content_type == "multipart/form-data":
            return not any("\ufffd" in value for value in request.POST.values())
        return True


# Wagtail 8.0 views that raise on a POST missing or mangling a field (KeyError, AttributeError,
# MultiValueDictKeyError, BadSignature's missing .message) instead of showing a form error.
FRAGILE_ADMIN_VIEWS = (
    "wagtailadmin_choose_page_external_link",
    "wagtailadmin_pages:copy",
    "wagtailredirects:process_import",
)
FRAGILE_ADMIN_VIEW_PATTERN = ("wagtailsnippetchoosers_", ":create")


def _fragile(view_name: str) -> bool:
    start, end = FRAGILE_ADMIN_VIEW_PATTERN
    return view_name in FRAGILE_ADMIN_VIEWS or (
        view_name.startswith(start) and view_name.endswith(end)
    )


class MalformedAdminPostMiddleware:
    """A malformed POST to one of those views gets a 400 that says nothing was saved.

    The views fail while validating, before they save, and Wagtail's page copy is atomic. The
    error is still logged, so an upgrade that fixes them upstream shows here as fewer logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if (
            request.method != "POST"
            or match is None
            or not _fragile(match.view_name)
            or not isinstance(exception, KeyError | AttributeError | ValueError | TypeError)
        ):
            return None
        logger.warning("Malformed POST to %s: %r", match.view_name, exception)
        return render(request, "home/admin_malformed.html", status=400)
