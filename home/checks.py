"""System checks for settings the security of the site depends on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, Tags.caches)
def check_shared_cache(app_configs, **kwargs):
    """Login rate limits live in the cache: a per-process cache lets each worker count alone."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is per process, so allauth's login and sign-up rate limits "
            "are counted separately by each worker and reset on restart.",
            hint="Set REDIS_URL (see README, Deploying) so every worker shares one cache.",
            obj=backend,
            id="home.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs, **kwargs):
    """Emails link to PUBLIC_BASE_URL: a development address there sends people nowhere."""
    url = urlsplit(settings.PUBLIC_BASE_URL)
    if url.scheme == "https" and url.hostname not in {None, "127.0.0.1", "localhost", "::1"}:
        return []
    return [
        Error(
            f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r}: emails would link there.",
            hint="Set PUBLIC_BASE_URL to the site's public https address (README, Deploying).",
            id="home.E001",
        )
    ]


@register(deploy=True)
def check_certificate_fonts(app_configs, **kwargs):
    """Certificates embed DejaVu Sans: without it no certificate can be downloaded."""
    from assessments.certificates import FONT_FILES, FONT_MISSING

    missing = [str(path) for path in FONT_FILES.values() if not path.is_file()]
    if not missing:
        return []
    return [Error(FONT_MISSING, hint="Missing: " + ", ".join(missing), id="home.E002")]
