"""Production: PostgreSQL, Redis, whitenoise for static files, gunicorn in front, HTTPS only."""

from .base import *  # noqa: F403
from .base import DATABASES, require

DEBUG = False
SECRET_KEY = require("SECRET_KEY")
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://...")

# Login and sign-up rate limits are counted in the cache, which every gunicorn worker must
# share; a per-process cache would multiply the limits by the number of workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": require("REDIS_URL"),
        # Signed-in pages read the cache on every request: if Redis hangs, fail within
        # seconds instead of holding every worker thread until the OS gives up.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

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
