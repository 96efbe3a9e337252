from .base import *  # noqa: F403
from .base import INSTALLED_APPS

INSTALLED_APPS = ["demo", *INSTALLED_APPS]  # the demo loader is tested

SECRET_KEY = "test-only-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PUBLIC_BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files from the source, as in development (DEBUG's defaults), so a test run
# needs no collectstatic: WhiteNoise then neither scans STATIC_ROOT for each test client nor
# warns that it is missing. Production keeps the scan and the warning.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The test run is one process, so the per-process cache is what we want here (home.W001).
SILENCED_SYSTEM_CHECKS = ["home.W001"]
# Tests read the dashboard right after changing data; the snapshot tests set their own age.
EVALUATION_SNAPSHOT_MAX_AGE = 0
