from .base import *  # noqa: F403
from .base import INSTALLED_APPS

# The demo content and its commands (load_demo, demo_code) exist only outside production.
INSTALLED_APPS = ["demo", *INSTALLED_APPS]

DEBUG = True
ALLOWED_HOSTS = ["*"]
