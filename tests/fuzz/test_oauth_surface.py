"""Property-based fuzzing of the OAuth and MCP endpoints under a plugin base (schemathesis).

The gateway documents these through its .well-known metadata, not in a plugin's spec, so the
requests come from a test-side OpenAPI 3.1 document (oauth_surface.yaml): token and revoke with
form and JSON bodies, registration JSON, authorize queries, MCP JSON-RPC bodies. Values mix the
real client id, secret and token with anything. No answer may be a 5xx; a 4xx from token, revoke
or register must be an RFC 6749 section 5.2 JSON error ({"error": "<code>", ...}).
"""

import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis.checks import not_a_server_error

from gateway.services import oauth_client_create
from tests.oauth_flow import CALLBACK

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]
EXAMPLES_PER_OPERATION = 60
DOCUMENT = Path(__file__).with_name("oauth_surface.yaml")
OAUTH_ERROR_CODE = re.compile(r"^[\x20\x21\x23-\x5b\x5d-\x7e]+$")  # RFC 6749 section 5.2


def rfc6749_error_body(ctx, response, case):
    """Check that a 4xx is JSON with a string `error` of RFC 6749's allowed characters."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str), f"not an RFC 6749 error: {body!r}"
    assert OAUTH_ERROR_CODE.match(body["error"]), f"error code {body['error']!r}"
    assert isinstance(body.get("error_description", ""), str)
    return None


def filled(value, real: dict):
    """Return the value with the document's placeholders (CLIENT_ID, ...) replaced by real values."""
    if isinstance(value, str):
        return real.get(value, value)
    if isinstance(value, dict):
        return {key: filled(item, real) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, real) for item in value]
    return value


OPERATIONS = [
    pytest.param("token"),
    pytest.param("revoke"),
    pytest.param("register"),
    pytest.param("authorize"),
    pytest.param("mcp"),
]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_the_oauth_surface_never_answers_5xx(
    operation_id, plugin_row, django_user_model, oauth_token, settings, request
):
    plugin = plugin_row("todo", auth_mode="oauth")
    client, secret = oauth_client_create(plugin=plugin, redirect_uris=[CALLBACK], name="platform", pkce_exempt=True)
    # Every generated registration is counted; the limit itself is tested elsewhere.
    settings.GATEWAY_DCR_PER_HOUR = 1_000_000
    token = oauth_token(plugin, django_user_model.objects.create_user("ann", password="ann-password-1"))
    real = {"CLIENT_ID": client.client_id, "CLIENT_SECRET": secret, "ACCESS_TOKEN": token}
    # Only now: Django's test Client (the OAuth flow) reconnects the signal this fixture disconnects.
    wsgi_app = request.getfixturevalue("wsgi_app")
    schema = schemathesis.openapi.from_path(DOCUMENT)
    schema.app = wsgi_app
    operation = schema.find_operation_by_id(operation_id)
    checks = [not_a_server_error]
    if operation_id in ("token", "revoke", "register"):
        checks.append(rfc6749_error_body)
    headers = {"Authorization": f"Bearer {token}"} if operation_id == "mcp" else {}

    @given(case=operation.as_strategy())
    @examples(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case):
        case.body = filled(case.body, real)
        case.query = filled(case.query, real)
        case.call_and_validate(headers=headers, checks=checks)

    fuzz()
