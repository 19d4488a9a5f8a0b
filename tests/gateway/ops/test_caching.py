"""Cached plugin rows and OAuth tokens: fewer queries, and no change or revocation is missed."""

import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken

from gateway.services import oauth_client_create


def queries(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    return len(context.captured_queries), response


def test_without_a_shared_cache_every_request_reads_the_plugin_row(client, db, plugin_row):
    first, _ = queries(client, "/plugins/todo/.well-known/ai-plugin.json")
    again, _ = queries(client, "/plugins/todo/.well-known/ai-plugin.json")
    assert first == again >= 1


def test_a_cached_plugin_row_saves_a_query_and_an_admin_change_evicts_it(
    client, db, plugin_row, settings, shared_cache
):
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = 300
    url = "/plugins/todo/.well-known/ai-plugin.json"
    first, _ = queries(client, url)
    cached, response = queries(client, url)
    assert cached == first - 1
    assert response.status_code == 200

    plugin_row("todo", name_for_human="Renamed")
    assert client.get(url).json()["name_for_human"] == "Renamed"
    plugin_row("todo", enabled=False)
    assert client.get(url).status_code == 404
    plugin_row("todo", enabled=True)
    assert client.get(url).status_code == 200


def test_unknown_plugins_are_cached_as_missing_until_created(client, db, settings):
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = 300
    assert client.get("/plugins/nosuch/x").status_code == 404
    count, response = queries(client, "/plugins/nosuch/x")
    assert (count, response.status_code) == (0, 404)


def test_a_custom_domain_follows_its_plugin_when_it_moves(client, db, plugin_row, settings, shared_cache):
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = 300
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "todo.example.org", "tasks.example.org"]
    url = "/.well-known/ai-plugin.json"
    # Not yet a plugin domain: a gateway alias without such a page (and a cached "missing" entry).
    assert client.get(url, HTTP_HOST="tasks.example.org").status_code == 404
    plugin_row("todo", custom_domain="todo.example.org")
    assert client.get(url, HTTP_HOST="todo.example.org").status_code == 200
    plugin_row("todo", custom_domain="tasks.example.org")
    assert client.get(url, HTTP_HOST="tasks.example.org").status_code == 200
    assert client.get(url, HTTP_HOST="todo.example.org").status_code == 404


@pytest.fixture
def oauth_token(db, plugin_row, django_user_model):
    """Return a callable making a real DOT access token for the todo plugin (oauth mode)."""
    plugin = plugin_row("todo", auth_mode="oauth")
    client, _secret = oauth_client_create(plugin=plugin, redirect_uris=["https://platform.example/cb"])
    user = django_user_model.objects.create_user("ann", password="ann-password-1")

    def make(seconds: int = 3600) -> tuple[AccessToken, str]:
        value = uuid.uuid4().hex
        token = AccessToken.objects.create(
            user=user,
            application=client,
            token=value,
            scope="todos",
            expires=timezone.now() + timedelta(seconds=seconds),
        )
        return token, value

    return make


def test_a_cached_token_saves_a_query_and_revoking_it_works_at_once(client, oauth_token, settings, shared_cache):
    settings.GATEWAY_TOKEN_CACHE_SECONDS = 60
    token, value = oauth_token()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    first, response = queries(client, "/plugins/todo/todos/ann", **auth)
    assert response.status_code == 200
    cached, response = queries(client, "/plugins/todo/todos/ann", **auth)
    assert response.status_code == 200
    assert cached < first
    token.revoke()
    assert client.get("/plugins/todo/todos/ann", **auth).status_code == 401


def test_a_deleted_client_takes_its_cached_tokens_along(client, oauth_token, settings):
    settings.GATEWAY_TOKEN_CACHE_SECONDS = 60
    token, value = oauth_token()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    assert client.get("/plugins/todo/todos/ann", **auth).status_code == 200
    token.application.delete()
    assert client.get("/plugins/todo/todos/ann", **auth).status_code == 401


def test_a_cached_token_is_never_served_after_it_expires(client, oauth_token, settings):
    settings.GATEWAY_TOKEN_CACHE_SECONDS = 60
    _token, value = oauth_token(seconds=2)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    assert client.get("/plugins/todo/todos/ann", **auth).status_code == 200
    time.sleep(2.1)
    assert client.get("/plugins/todo/todos/ann", **auth).status_code == 401


def test_a_cached_token_follows_its_user(client, oauth_token, settings):
    settings.GATEWAY_TOKEN_CACHE_SECONDS = 60
    token, value = oauth_token()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    client.post("/plugins/todo/todos/x", {"todo": "mine"}, content_type="application/json", **auth)
    assert client.get("/plugins/todo/todos/x", **auth).json() == {"todos": ["mine"]}
    token.user.delete()
    assert client.get("/plugins/todo/todos/x", **auth).status_code == 401


def test_with_the_cache_warm_a_manifest_costs_no_query_and_a_todos_call_one(
    client, oauth_token, settings, shared_cache, django_assert_num_queries
):
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = settings.GATEWAY_TOKEN_CACHE_SECONDS = 300
    _token, value = oauth_token()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    tool_call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "getTodos", "arguments": {"username": "ann"}},
    }
    mcp = {"HTTP_ACCEPT": "application/json, text/event-stream", "HTTP_MCP_PROTOCOL_VERSION": "2025-11-25", **auth}
    manifest, todos = "/plugins/todo/.well-known/ai-plugin.json", "/plugins/todo/todos/ann"
    # Warm the plugin row, the token and the MCP tool map.
    client.get(manifest)
    client.get(todos, **auth)
    client.post("/plugins/todo/mcp", tool_call, "application/json", **mcp)
    with django_assert_num_queries(0):
        assert client.get(manifest).status_code == 200
    with django_assert_num_queries(1):  # the todos; plugin row and token from the cache
        assert client.get(todos, **auth).json() == {"todos": []}
    with django_assert_num_queries(1):  # the same over MCP: one authentication, one query
        answer = client.post("/plugins/todo/mcp", tool_call, "application/json", **mcp).json()
    assert answer["result"]["structuredContent"] == {"todos": []}, answer
