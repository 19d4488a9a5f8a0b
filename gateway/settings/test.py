"""Test settings: PostgreSQL by default (as in CI), fast password hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gateway")

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
# MD5 for user passwords (fast tests); the client-secret hasher as in production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "gateway.oauth.hashers.ClientSecretHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collected static files outside production: WhiteNoise serves them from the apps' folders.
STATIC_ROOT = None
# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Cached rows are opt-in per test (the memory cache is per process, as in a local run).
GATEWAY_PLUGIN_CACHE_SECONDS = 0
GATEWAY_TOKEN_CACHE_SECONDS = 0
