"""Zero-setup local run: debug on, SQLite unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: F403
from .base import SECRET_KEY

# A key for this machine's local run only; production refuses to start without its own.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collected static files outside production: WhiteNoise serves them from the apps' folders.
STATIC_ROOT = None
