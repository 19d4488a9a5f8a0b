"""Property-based fuzzing of every plugin's API against its own spec (schemathesis).

For each plugin and auth mode it supports (none; service_http with its key; user_http with a
user's key; oauth with a token from the real authorize -> consent -> token exchange), with the
plugin's demo data loaded and todos for the caller, every operation gets a bounded number of
generated requests through the WSGI app, so they pass auth and reach the views; any 5xx,
undocumented status, wrong content type or body not matching the spec fails, formats included
(`date`, `date-time`, `uri`: an empty database would leave them unchecked). Upstreams are the
local fake (nothing leaves the machine).
"""

from io import StringIO

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.registry import plugin_configs
from gateway.services import plugin_rotate_service_key, user_key_create
from plugins.todo.services import DEMO_TODOS, todo_create
from tests.plugins.weather.conftest import openmeteo_forecast, openmeteo_geocoding

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]
EXAMPLES_PER_OPERATION = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def offline_upstreams(fake_upstream, settings, monkeypatch):
    """Weather asks the fake Open-Meteo; sport stats answers from the database (no live upstream)."""
    settings.WEATHER_PROVIDER = "openmeteo"
    settings.OPENMETEO_BASE_URL = fake_upstream.url
    settings.OPENMETEO_GEOCODING_URL = fake_upstream.url
    fake_upstream.route("/v1/search", openmeteo_geocoding)
    fake_upstream.route("/v1/forecast", openmeteo_forecast)
    settings.SPORTSTATS_UPSTREAM_URL = ""
    monkeypatch.delenv("SPORTSTATS_UPSTREAM_URL", raising=False)
    return fake_upstream


MODES = ("none", "service_http", "user_http", "oauth")
CASES = [pytest.param(config.slug, mode) for config in plugin_configs() for mode in MODES if mode in config.auth_modes]


def credential(plugin, auth_mode: str, oauth_token) -> str | None:
    """Return a credential the plugin accepts in this mode (None in mode none); a user's has todos."""
    if auth_mode == "service_http":
        return plugin_rotate_service_key(plugin=plugin)
    if auth_mode in ("user_http", "oauth"):
        user = get_user_model().objects.create_user("fuzzer", password="fuzz-password-1")
        for text in DEMO_TODOS:  # what the caller's getTodos reads (the demo todos are the user "global"'s)
            todo_create(owner={"user": user, "username": ""}, text=text)
        if auth_mode == "user_http":
            return user_key_create(user=user, plugin=plugin, name="fuzz")
        return oauth_token(plugin, user)
    return None


@pytest.mark.parametrize(("slug", "auth_mode"), CASES)
def test_every_operation_answers_as_its_spec_says(slug, auth_mode, plugin_row, offline_upstreams, oauth_token, request):
    plugin = plugin_row(slug, auth_mode=auth_mode)
    call_command("demo_data", stdout=StringIO())  # answers with rows in them, so their fields get checked
    headers = {}
    if key := credential(plugin, auth_mode, oauth_token):
        headers["Authorization"] = f"Bearer {key}"
    # Only now: Django's test Client (the OAuth flow) reconnects the signal this fixture disconnects.
    wsgi_app = request.getfixturevalue("wsgi_app")
    schema = schemathesis.openapi.from_wsgi(f"/plugins/{slug}/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{slug} documents no operation"
    for operation in operations:
        assert schema.config.checks_config_for(operation=operation).response_schema_conformance.validate_formats

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
