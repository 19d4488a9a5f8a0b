"""Property-based fuzzing of every plugin's API against its own spec (schemathesis).

For each plugin and auth mode (none; service_http with a key), every operation gets a bounded
number of generated requests through the WSGI app; any 5xx, undocumented status, wrong content
type or body not matching the spec fails. Upstreams are the local fake (nothing leaves the machine).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.registry import plugin_configs
from gateway.services import plugin_rotate_service_key
from tests.plugins.weather.conftest import openmeteo_forecast, openmeteo_geocoding

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]
EXAMPLES_PER_OPERATION = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Return the WSGI app, kept from closing the test's DB connection per request (as Django's test Client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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


CASES = [
    (config.slug, mode) for config in plugin_configs() for mode in ("none", "service_http") if mode in config.auth_modes
]


@pytest.mark.parametrize(("slug", "auth_mode"), CASES)
def test_every_operation_answers_as_its_spec_says(slug, auth_mode, plugin_row, offline_upstreams, wsgi_app):
    plugin = plugin_row(slug, auth_mode=auth_mode)
    headers = {}
    if auth_mode == "service_http":
        headers["Authorization"] = f"Bearer {plugin_rotate_service_key(plugin=plugin)}"
    schema = schemathesis.openapi.from_wsgi(f"/plugins/{slug}/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{slug} documents no operation"
    for operation in operations:

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
