"""Production settings for the deployment tests, changed only where it saves minutes.

Compressing the static files (``CompressedManifestStaticFilesStorage``) takes about 40 s and
none of these tests looks at compression, so the manifest is built without it.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
