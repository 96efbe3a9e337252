"""Production: PostgreSQL, Redis, whitenoise for static files, gunicorn in front, HTTPS only."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, require

DEBUG = False
SECRET_KEY = require("SECRET_KEY")
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://...")

# Every email links here (and Wagtail's admin): the public https address, no path.
PUBLIC_BASE_URL = require("PUBLIC_BASE_URL").rstrip("/")
_public = urlsplit(PUBLIC_BASE_URL)
if _public.scheme != "https" or not _public.hostname or _public.path:
    raise ImproperlyConfigured(
        f"PUBLIC_BASE_URL must be the site's https address, e.g. https://footsteps.example.nhs.uk "
        f"(got {PUBLIC_BASE_URL!r})."
    )
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL

# The site runs behind a proxy that terminates TLS (deploy/nginx.conf). allauth's per-IP
# rate limits need the client's address from the proxy's X-Forwarded-For; without it every
# person would share the proxy's address, or (on a unix socket) have none and be refused.
if int(require("TRUSTED_PROXY_COUNT")) < 1:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be the number of proxies in front of the site that set "
        "X-Forwarded-For, at least 1; with deploy/nginx.conf it is 1."
    )

# Login and sign-up rate limits are counted in the cache, which every gunicorn worker must
# share; a per-process cache would multiply the limits by the number of workers.
# If Redis is down or hangs, the site carries on from the database (home.cache): calls
# give up within half a second, and the process then leaves Redis alone for a few seconds.
CACHES = {
    "default": {
        "BACKEND": "home.cache.ResilientRedisCache",
        "LOCATION": require("REDIS_URL"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# After a PostgreSQL restart, check each kept connection before use and reconnect.
for _database in DATABASES.values():  # the primary, and the replica if there is one
    _database["CONN_HEALTH_CHECKS"] = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# HTTPS only: the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
