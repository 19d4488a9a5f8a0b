"""Test settings plus a test-only plugin: installing a plugin is one INSTALLED_APPS line."""

from gateway.settings.test import *  # noqa: F403
from gateway.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.fake_plugin"]
