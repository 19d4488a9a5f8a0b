"""Every plugin API call becomes one usage row, whatever the client and auth mode; other pages do not."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken

from gateway.models import Plugin
from gateway.services import oauth_client_create, plugin_rotate_service_key, user_key_create
from gateway.usage.models import Call

pytestmark = pytest.mark.django_db
TODOS = "/plugins/todo/todos/ann"
PLATFORM = {
    "openai-conversation-id": "conv-123",
    "openai-ephemeral-user-id": "eph-456",
    "openai-subdivision-1-iso-code": "US-CA",
}


def test_a_plain_http_call_is_recorded_with_the_platform_headers(client):
    before = timezone.now()
    response = client.get(TODOS, headers=PLATFORM)
    assert response.status_code == 200
    call = Call.objects.get()
    fields = (call.plugin, call.operation, call.client, call.status, call.is_error)
    assert fields == ("todo", "getTodos", "http", 200, False)
    assert (call.credential, call.credential_id, call.user_id) == ("none", None, None)
    assert (call.conversation_id, call.ephemeral_user_id, call.subdivision) == ("conv-123", "eph-456", "US-CA")
    assert 0 < call.duration_ms < 5000
    assert before - timedelta(seconds=1) <= call.created_at <= timezone.now()


def test_errors_and_undocumented_methods_are_recorded_as_such(client):
    assert client.post(TODOS, {"todo": ""}, content_type="application/json").status_code == 400
    assert client.patch(TODOS, {}, content_type="application/json").status_code == 405
    rows = list(Call.objects.order_by("id").values_list("operation", "status", "is_error"))
    assert rows == [("addTodo", 400, True), ("PATCH /todos/{username}", 405, True)]
    assert Call.objects.first().conversation_id == ""


@pytest.mark.parametrize("slug", ["todo", "sportstats", "weather", "echo"])
@pytest.mark.parametrize("host_mode", [False, True])
def test_every_documented_operation_is_recorded_under_its_spec_operation_id(client, slug, host_mode):
    base, host = ("/", f"{slug}.localhost") if host_mode else (f"/plugins/{slug}/", "localhost")
    spec = client.get(f"{base}openapi.json", HTTP_HOST=host).json()
    expected = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            url = base + re.sub(r"\{\w+\}", "1", path).lstrip("/")
            client.generic(method.upper(), url, "", content_type="application/json", HTTP_HOST=host)
            expected.append((slug, operation["operationId"]))
    assert len(expected) >= 1
    assert list(Call.objects.order_by("id").values_list("plugin", "operation")) == expected


def test_gateway_pages_under_a_plugin_are_not_api_calls(client):
    for url in [
        "/plugins/todo/.well-known/ai-plugin.json",
        "/plugins/todo/openapi.json",
        "/plugins/todo/openapi.yaml",
        "/plugins/todo/logo.png",
        "/plugins/todo/legal",
        "/plugins/todo/",
        "/plugins/todo/nothing-here",
        "/",
        "/admin/login/",
    ]:
        client.get(url)
    client.options(TODOS, headers={"Origin": "https://chatgpt.com", "Access-Control-Request-Method": "POST"})
    assert not Call.objects.exists()


def test_host_mode_calls_are_recorded_the_same(client):
    assert client.delete("/todos/ann", {"todo_idx": 0}, content_type="application/json", HTTP_HOST="todo.localhost")
    assert client.get("/todos/ann", HTTP_HOST="todo.localhost").status_code == 200
    assert list(Call.objects.order_by("id").values_list("plugin", "operation", "status")) == [
        ("todo", "deleteTodo", 404),
        ("todo", "getTodos", 200),
    ]


def test_service_key_calls_name_the_credential(client, plugin_row):
    key = plugin_rotate_service_key(plugin=plugin_row("todo", auth_mode="service_http"))
    assert client.get(TODOS, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert client.get(TODOS, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    rows = list(Call.objects.order_by("id").values_list("status", "credential", "credential_id", "user_id"))
    assert rows == [(200, "service_key", None, None), (401, "none", None, None)]


def test_user_key_calls_name_the_key_and_its_user(client, plugin_row):
    plugin = plugin_row("todo", auth_mode="user_http")
    ann = get_user_model().objects.create_user("ann")
    key = user_key_create(user=ann, plugin=plugin, name="laptop")
    assert client.get(TODOS, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    call = Call.objects.get()
    assert (call.credential, call.credential_id, call.user_id) == ("user_key", ann.plugin_keys.get().pk, ann.pk)


@pytest.fixture
def oauth_token(plugin_row):
    """Return (token, OAuth client, user) for the todo plugin in oauth mode, issued directly by DOT's models."""
    plugin = plugin_row("todo", auth_mode="oauth")
    oauth_client, _secret = oauth_client_create(plugin=plugin, redirect_uris=["https://platform.example/cb"])
    user = get_user_model().objects.create_user("ann")
    AccessToken.objects.create(
        user=user,
        application=oauth_client,
        token="usage-test-token",
        scope="todos",
        expires=timezone.now() + timedelta(hours=1),
    )
    return "usage-test-token", oauth_client, user


def test_oauth_calls_name_the_client_and_the_user(client, oauth_token):
    token, oauth_client, user = oauth_token
    response = client.post(TODOS, {"todo": "x"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    call = Call.objects.get()
    assert (call.operation, call.credential, call.credential_id, call.user_id) == (
        "addTodo",
        "oauth",
        oauth_client.pk,
        user.pk,
    )


def mcp_call(client, name, arguments, **headers):
    body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    return client.post("/plugins/todo/mcp", body, content_type="application/json", headers=headers)


def test_an_mcp_tool_call_is_recorded_once_as_its_operation(client):
    response = mcp_call(client, "addTodo", {"username": "ann", "todo": "Buy milk"}, **PLATFORM)
    assert response.status_code == 200
    assert response.json()["result"].get("isError") is not True
    call = Call.objects.get()
    fields = (call.plugin, call.operation, call.client, call.status, call.is_error)
    assert fields == ("todo", "addTodo", "mcp", 200, False)
    assert (call.credential, call.conversation_id, call.subdivision) == ("none", "conv-123", "US-CA")


def test_mcp_tool_errors_count_as_errors_and_other_messages_are_not_calls(client):
    init = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    client.post(
        "/plugins/todo/mcp",
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init},
        content_type="application/json",
    )
    tools_list = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    client.post("/plugins/todo/mcp", tools_list, content_type="application/json")
    assert mcp_call(client, "deleteTodo", {"username": "ann", "todo_idx": 3}).json()["result"]["isError"] is True
    assert "error" in mcp_call(client, "noSuchTool", {}).json()
    rows = list(Call.objects.order_by("id").values_list("operation", "client", "status", "is_error"))
    # The tool's own view answered 404 (recorded as such); an unknown tool never reached a view.
    assert rows == [("deleteTodo", "mcp", 404, True), ("noSuchTool", "mcp", 200, True)]


def test_mcp_calls_with_a_token_name_the_client_and_the_user(client, oauth_token):
    token, oauth_client, user = oauth_token
    response = mcp_call(client, "getTodos", {"username": "x"}, Authorization=f"Bearer {token}")
    assert response.json()["result"]["structuredContent"] == {"todos": []}
    call = Call.objects.get()
    assert (call.operation, call.client, call.credential, call.credential_id, call.user_id) == (
        "getTodos",
        "mcp",
        "oauth",
        oauth_client.pk,
        user.pk,
    )


def test_an_unauthenticated_mcp_tool_call_is_recorded_as_refused(client, plugin_row):
    plugin_row("todo", auth_mode="service_http")
    assert mcp_call(client, "getTodos", {"username": "x"}).status_code == 401
    assert list(Call.objects.values_list("operation", "status", "is_error", "credential")) == [
        ("getTodos", 401, True, "none")
    ]


def test_a_failing_usage_write_does_not_fail_the_call(client, caplog):
    """Drop the usage table (inside the test's transaction): the API still answers and still writes."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {Call._meta.db_table}")
    response = client.post(TODOS, {"todo": "still works"}, content_type="application/json")
    assert response.status_code == 200
    assert client.get(TODOS).json() == {"todos": ["still works"]}
    assert "Usage of todo addTodo not recorded" in caplog.text
    assert Plugin.objects.filter(slug="todo").exists()  # the connection is still usable


def test_recording_costs_one_insert_and_no_lookup(client):
    client.get(TODOS)  # warm the operation map and the DB connection
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TODOS).status_code == 200
    usage = [query["sql"] for query in captured if "usage_call" in query["sql"]]
    assert len(usage) == 1
    assert usage[0].startswith('INSERT INTO "usage_call"')
    assert "set_config('synchronous_commit', 'off', true)" in usage[0]
    # Besides the API's own queries, only the savepoint around it (the test runs inside a transaction).
    others = [query["sql"] for query in captured if "usage_call" not in query["sql"]]
    assert sum(sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) for sql in others) == 2


def test_recording_can_be_switched_off(client, settings):
    settings.GATEWAY_USAGE_ENABLED = False
    assert client.get(TODOS).status_code == 200
    assert not Call.objects.exists()


@pytest.mark.parametrize("transport", ["http", "mcp"])
def test_a_call_authenticates_once_whatever_the_door(client, oauth_token, monkeypatch, transport):
    """Count the token checks DOT makes (its validator): one for a direct call, one for a tool call."""
    from gateway.oauth.validators import GatewayOAuth2Validator

    checks = []
    real = GatewayOAuth2Validator.validate_bearer_token

    def counted(self, token, scopes, request):
        checks.append(token)
        return real(self, token, scopes, request)

    monkeypatch.setattr(GatewayOAuth2Validator, "validate_bearer_token", counted)
    token, _oauth_client, _user = oauth_token
    if transport == "http":
        response = client.get(TODOS, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.json() == {"todos": []}
    else:
        response = mcp_call(client, "getTodos", {"username": "ann"}, Authorization=f"Bearer {token}")
        assert response.json()["result"]["structuredContent"] == {"todos": []}
    assert checks == [token]
    assert Call.objects.get().credential == "oauth"
