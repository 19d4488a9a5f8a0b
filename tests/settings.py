"""Test settings plus a test-only plugin: installing a plugin is one INSTALLED_APPS line."""

from gateway.settings.test import *  # noqa: F403
from gateway.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.fake_plugin"]

# Usage recording adds its insert to every API call; the plugins' query-count tests measure the API's
# own queries, so it is off here and tests/gateway/usage turns it on.
GATEWAY_USAGE_ENABLED = False
