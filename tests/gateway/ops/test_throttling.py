"""Per-plugin rate limits set in admin: per caller and in all, 429 with Retry-After, MCP included."""

import pytest

from gateway.services import plugin_rotate_service_key, user_key_create

URL = "/plugins/todo/todos/ann"


def statuses(client, count, url=URL, **extra) -> list[int]:
    return [client.get(url, **extra).status_code for _ in range(count)]


def test_a_caller_over_the_limit_gets_429_with_retry_after_and_the_envelope(client, plugin_row, shared_cache):
    plugin_row("todo", rate_limit_per_minute=3)
    assert statuses(client, 3) == [200, 200, 200]
    response = client.get(URL)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    assert "second" in response.json()["error"]["message"]  # "1 second" in the last second of a window
    # Another address has its own budget; another plugin has no limit.
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert statuses(client, 5, "/plugins/weather/openapi.json") == [200] * 5


def test_zero_means_unlimited(client, plugin_row):
    plugin_row("todo", rate_limit_per_minute=0, total_rate_limit_per_minute=0)
    assert set(statuses(client, 30)) == {200}


def test_the_plugin_wide_limit_counts_every_caller(client, plugin_row, shared_cache):
    plugin_row("todo", total_rate_limit_per_minute=2)
    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get(URL, REMOTE_ADDR="10.0.0.3").status_code == 429


def test_a_forged_forwarded_for_buys_no_budget_unless_the_proxy_is_trusted(client, plugin_row, settings):
    plugin_row("todo", rate_limit_per_minute=1)
    assert client.get(URL, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    assert client.get(URL, HTTP_X_FORWARDED_FOR="9.9.9.9, 3.3.3.3").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="8.8.8.8, 3.3.3.3").status_code == 429


def test_each_user_key_has_its_own_budget(client, plugin_row, django_user_model):
    plugin = plugin_row("todo", auth_mode="user_http", rate_limit_per_minute=2)
    keys = [
        user_key_create(user=django_user_model.objects.create_user(name), plugin=plugin, name="k")
        for name in ("ann", "bob")
    ]
    ann, bob = ({"HTTP_AUTHORIZATION": f"Bearer {key}"} for key in keys)
    assert statuses(client, 3, **ann) == [200, 200, 429]
    assert statuses(client, 2, **bob) == [200, 200]


def test_the_service_key_is_one_caller(client, plugin_row):
    plugin = plugin_row("todo", auth_mode="service_http", rate_limit_per_minute=2)
    key = plugin_rotate_service_key(plugin=plugin)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert statuses(client, 2, REMOTE_ADDR="10.0.0.1", **auth) == [200, 200]
    assert client.get(URL, REMOTE_ADDR="10.0.0.2", **auth).status_code == 429


def test_mcp_tool_calls_count_against_the_same_limit(client, plugin_row):
    plugin_row("todo", rate_limit_per_minute=1)
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "getTodos", "arguments": {"username": "ann"}},
    }

    def call():
        response = client.post(
            "/plugins/todo/mcp", body, content_type="application/json", headers={"MCP-Protocol-Version": "2025-11-25"}
        )
        return response.json()["result"]

    assert call()["isError"] is False
    refused = call()
    assert refused["isError"] is True
    assert "throttled" in refused["content"][0]["text"].lower()


@pytest.fixture(autouse=True)
def _db(db):
    """Every test here reads plugin rows."""


def test_limits_are_set_in_admin(admin_client, client):
    from gateway.models import Plugin

    page = admin_client.get(f"/admin/gateway/plugin/{Plugin.objects.get(slug='todo').pk}/change/").content.decode()
    assert 'name="rate_limit_per_minute"' in page and 'name="total_rate_limit_per_minute"' in page
