"""Production settings for the deployment tests, changed only where it saves minutes.

Compressing the static files (``CompressedManifestStaticFilesStorage``) takes about 40 s and
none of these tests looks at compression, so the manifest is built without it. The demo app,
which production leaves out, is added so ``load_demo`` can fill the stack. Each response says
which application server answered it when the stack names them (``served_by.py``), the
task workers of the two-server test write their emails to files (``EMAIL_FILE_PATH``), and
uploads and prepared downloads go to the stack's folder (``MEDIA_ROOT``).
"""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS, MEDIA_ROOT, MIDDLEWARE, STORAGES

INSTALLED_APPS = ["demo", *INSTALLED_APPS]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

MIDDLEWARE = [*MIDDLEWARE, "tests.deploy.served_by.ServedByMiddleware"]
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH")
# The stack's uploads and prepared downloads live in its own folder, removed with it.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", MEDIA_ROOT)
