"""Settings shared by every environment; environment files override only what differs."""

import tomllib
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "home",
    "accounts",
    "organisations",
    "courses",
    "assessments",
    "analytics",
    "qualitative",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "home.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "home.versioned_cache.VersionedCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "courses.middleware.CachedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "home.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "home.middleware.Utf8FormsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.AuditActorMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "home.middleware.MalformedAdminPostMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.roles",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for the writer instead of failing with "database is locked" under concurrent use.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# An optional read replica of the primary for the evaluator's analytics and exports
# (config/db_router.py; README, Scaling). Under test it mirrors the test database.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(env("DATABASE_REPLICA_URL"), conn_max_age=60),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    MIDDLEWARE = ["config.db_router.ReplicaMiddleware", *MIDDLEWARE]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "home.backends.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Our own files, never a CDN; static/vendor/plotly/ holds the plotly.js that `make plotly`
# builds with only the trace types our charts draw (frontend/plotly.js).
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Accounts: email is the login; one login path (allauth) for the site and the Wagtail admin.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:dashboard"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Wagtail sends people here when they lack admin access; accounts.views.admin_login forwards
# anonymous people to allauth and answers 403 to signed-in people (no redirect loop).
WAGTAILADMIN_LOGIN_URL = "admin_login"
# Passwords and email addresses change through allauth only (reset, verification, rate limits).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# No third-party requests from the admin: Gravatar would receive a hash of each user's email,
# and the release check would call wagtail.org (both are also blocked by the CSP).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ten Footsteps"
# Trainers, evaluators and superusers need an authenticator app before these paths
# (accounts.middleware.MFARequiredMiddleware): the admin, attendance registers, evaluation, exports.
MFA_REQUIRED_PATH_PREFIXES = ["/admin/", "/django-admin/", "/trainer/", "/evaluation/"]
# Proxies in front of the site that append to X-Forwarded-For (nginx: 1). allauth takes the
# client address from there, so its per-IP limits count each person, not the proxy.
_proxies = env("TRUSTED_PROXY_COUNT", "0")
if not _proxies.isdecimal():
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be a whole number (got {_proxies!r}).")
ALLAUTH_TRUSTED_PROXY_COUNT = int(_proxies)
# allauth's rate limits, counted in the default cache, which must be shared by all workers
# in production (REDIS_URL; home.checks warns otherwise). A whole NHS organisation can reach
# the site from one address, and a cohort signs in at once when a workshop starts, so the
# per-address limits are wider than allauth's defaults (30 logins, 10 failed, 20 sign-ups a
# minute); each account stays limited to 5 failed logins in 5 minutes.
ACCOUNT_RATE_LIMITS = {
    "login": "200/m/ip",
    "login_failed": "20/m/ip,5/300s/key",
    "signup": "60/m/ip",
    # Our own: each POST of /account/delete/ is a password guess (accounts.views).
    "delete_account": "5/m/user",
}

# Security headers for every environment (production adds HTTPS-only settings).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views opt in to SAMEORIGIN themselves
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp). Everything is self-hosted, plotly.js included; inline
# scripts need the request's nonce ({{ request.csp_nonce }}). /admin/ is relaxed in
# home.middleware.ContentSecurityPolicyMiddleware because Wagtail's admin uses inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Video embeds in footstep modules.
        "frame-src": [
            SELF,
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "frame-ancestors": [SELF],  # Wagtail's preview panel frames our own pages
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Ten Footsteps <noreply@tenfootsteps.example>")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }

# Every signed-in request reads its session: from the cache, with the database as the record
# (a cache restart signs nobody out).
SESSION_ENGINE = "accounts.sessions"

# Background work: django-tasks; immediate unless an environment picks the database backend.
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}
}

WAGTAIL_SITE_NAME = "Ten Footsteps"
# The address people reach the site at: every link in an email, and Wagtail's admin links.
# How long a trainee offered a place from a waiting list holds it before it passes to the
# next person (expired by ``manage.py expire_place_offers``, run every few minutes).
WAITING_LIST_OFFER_HOURS = int(env("WAITING_LIST_OFFER_HOURS", "48"))

PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "odt", "pptx", "txt", "rtf", "xlsx", "png", "jpg"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents are downloaded as attachments, except PDFs; never HTML or SVG inline.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024  # checked by Wagtail's document upload forms
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Analytics: counts below this are shown as "<N" in shareable output (0 = off).
ANALYTICS_SMALL_NUMBER_THRESHOLD = int(env("ANALYTICS_SMALL_NUMBER_THRESHOLD", "0"))
# Row-level downloads of more consenting participants than this are built by the task worker
# (analytics.download_jobs); smaller ones download at once. At 5,000 the slowest of them,
# XLSX, stays well under a second of a request (benchmarks/bench_exports.py).
ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS = int(
    env("ANALYTICS_BACKGROUND_DOWNLOAD_PARTICIPANTS", "5000")
)
# The dashboard reuses its figures for this long (analytics.snapshots); downloads never do.
EVALUATION_SNAPSHOT_MAX_AGE = int(env("EVALUATION_SNAPSHOT_MAX_AGE", "60"))
# Printed on the evaluation report; pyproject.toml's version (a deployment may have no .git).
PLATFORM_VERSION = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]["version"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Task state changes and page edits are logged per object, and kaleido's Chromium logs
    # every step of every chart image; keep them out of the console.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "kaleido": {"level": "WARNING"},
        "choreographer": {"level": "WARNING"},
        "logistro": {"level": "WARNING"},
    },
}


def require(name: str) -> str:
    """Return an environment variable that production cannot run without."""
    value = env(name, "")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value
