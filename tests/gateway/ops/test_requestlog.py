"""One JSON line per request: who, what, how long; never a secret."""

import json
import logging

import pytest

from gateway.ops.logformat import JsonFormatter
from gateway.services import plugin_rotate_service_key, user_key_create


@pytest.fixture
def log_lines(caplog):
    """Return a callable giving the request log's records as the JSON the formatter writes."""
    caplog.set_level(logging.INFO, logger="gateway.request")
    formatter = JsonFormatter()

    def lines() -> list[dict]:
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "gateway.request"]

    return lines


def test_a_plugin_call_logs_plugin_operation_status_and_latency(client, db, log_lines):
    response = client.get("/plugins/todo/todos/ann")
    assert response.status_code == 200
    (line,) = log_lines()
    assert line["plugin"] == "todo"
    assert line["operation_id"] == "getTodos"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/plugins/todo/todos/ann", 200)
    assert line["latency_ms"] > 0
    assert line["auth"] is None and line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_a_sane_incoming_request_id_is_kept_and_a_bad_one_replaced(client, db, log_lines):
    kept = client.get("/plugins/todo/todos/ann", HTTP_X_REQUEST_ID="req-42.abc")
    replaced = client.get("/plugins/todo/todos/ann", HTTP_X_REQUEST_ID='bad id\n{"forged": 1}')
    assert kept["X-Request-ID"] == "req-42.abc"
    assert replaced["X-Request-ID"] != 'bad id\n{"forged": 1}' and len(replaced["X-Request-ID"]) == 32
    assert [line["request_id"] for line in log_lines()] == ["req-42.abc", replaced["X-Request-ID"]]


def test_service_key_calls_log_the_key_kind_and_never_the_key_or_query(client, db, plugin_row, log_lines, caplog):
    plugin = plugin_row("todo", auth_mode="service_http")
    key = plugin_rotate_service_key(plugin=plugin)
    response = client.post(
        "/plugins/todo/todos/ann?token=secret-in-query&code=abc",
        {"todo": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    (line,) = log_lines()
    assert (line["auth"], line["operation_id"], line["path"]) == ("service_key", "addTodo", "/plugins/todo/todos/ann")
    assert key not in caplog.text and "secret-in-query" not in caplog.text and "code=abc" not in caplog.text


def test_user_key_calls_log_the_user_id(client, db, plugin_row, django_user_model, log_lines):
    plugin = plugin_row("todo", auth_mode="user_http")
    user = django_user_model.objects.create_user("ann", password="pw-123456-long")
    key = user_key_create(user=user, plugin=plugin, name="laptop")
    assert client.get("/plugins/todo/todos/ann", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    (line,) = log_lines()
    assert (line["auth"], line["user_id"]) == ("user_key", user.pk)


def test_errors_and_gateway_pages_are_logged_too(client, db, log_lines):
    assert client.get("/plugins/nosuch/x").status_code == 404
    assert client.get("/healthz").status_code == 200
    lines = log_lines()
    assert [(line["plugin"], line["status"], line["operation_id"]) for line in lines] == [
        (None, 404, None),
        (None, 200, None),
    ]


def test_undocumented_methods_are_logged_as_method_and_spec_path(client, db, log_lines):
    response = client.patch("/todos/ann", {}, content_type="application/json", HTTP_HOST="todo.localhost")
    assert response.status_code == 405
    # DRF answers OPTIONS itself (no @extend_schema; the spec leaves it out), as a CORS preflight does.
    assert client.options("/plugins/todo/todos/ann", HTTP_ORIGIN="https://evil.example").status_code == 200
    assert [(line["plugin"], line["operation_id"], line["status"]) for line in log_lines()] == [
        ("todo", "PATCH /todos/{username}", 405),
        ("todo", "OPTIONS /todos/{username}", 200),
    ]


def test_an_mcp_tool_call_logs_the_tool_and_the_caller_its_view_saw(
    client, db, plugin_row, django_user_model, log_lines
):
    plugin = plugin_row("todo", auth_mode="user_http")
    user = django_user_model.objects.create_user("ann", password="pw-123456-long")
    key = user_key_create(user=user, plugin=plugin, name="agent")
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "getTodos", "arguments": {"username": "x"}},
    }
    response = client.post(
        "/plugins/todo/mcp", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200 and "result" in response.json()
    (line,) = log_lines()
    assert (line["operation_id"], line["auth"], line["user_id"], line["path"]) == (
        "getTodos",
        "user_key",
        user.pk,
        "/plugins/todo/mcp",
    )
