import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# Import the URLconf, and with it every view, now rather than on each worker's first request
# (about 1.5 s); under gunicorn --preload the workers then fork with it already done.
import_module(settings.ROOT_URLCONF)
