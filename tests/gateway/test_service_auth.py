"""service_http mode: the gateway checks the plugin's service key on every API call."""

import pytest

from gateway.models import Plugin
from gateway.services import plugin_rotate_service_key
from plugins.todo.models import Todo

pytestmark = pytest.mark.django_db
TODOS = "/plugins/todo/todos/ann"


@pytest.fixture
def service_key(plugin_row):
    plugin = plugin_row("todo", auth_mode="service_http", verification_token="openai-verify-1")
    return plugin_rotate_service_key(plugin=plugin)


def test_manifest_auth_block_is_derived_from_the_mode(client, service_key):
    body = client.get("/plugins/todo/.well-known/ai-plugin.json").json()
    assert body["auth"] == {
        "type": "service_http",
        "authorization_type": "bearer",
        "verification_tokens": {"openai": "openai-verify-1"},
    }
    assert body["api"]["is_user_authenticated"] is False


def test_the_manifest_and_spec_stay_public(client, service_key):
    assert client.get("/plugins/todo/.well-known/ai-plugin.json").status_code == 200
    assert client.get("/plugins/todo/openapi.json").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-key", "Bearer ", "Basic Zm9vOmJhcg==", "sk-no-scheme"],
)
def test_missing_or_wrong_key_is_401_with_a_json_error(client, service_key, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.post(TODOS, {"todo": "x"}, content_type="application/json", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["message"]
    assert not Todo.objects.exists()


def test_the_right_key_is_accepted(client, service_key):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {service_key}"}
    assert client.post(TODOS, {"todo": "x"}, content_type="application/json", **auth).status_code == 200
    assert client.get(TODOS, **auth).json() == {"todos": ["x"]}


def test_rotation_replaces_the_key_at_once(client, service_key):
    new_key = plugin_rotate_service_key(plugin=Plugin.objects.get(slug="todo"))
    assert client.get(TODOS, HTTP_AUTHORIZATION=f"Bearer {service_key}").status_code == 401
    assert client.get(TODOS, HTTP_AUTHORIZATION=f"Bearer {new_key}").status_code == 200


def test_only_a_hash_of_the_key_is_stored(service_key):
    plugin = Plugin.objects.get(slug="todo")
    assert service_key not in str(Plugin.objects.filter(slug="todo").values().get())
    assert plugin.service_key_hash and plugin.service_key_hint == service_key[:7]


def test_a_key_of_one_plugin_does_not_open_another(client, service_key, plugin_row):
    plugin_row("echo", auth_mode="service_http")
    response = client.get("/plugins/echo/echo/hi", HTTP_AUTHORIZATION=f"Bearer {service_key}")
    assert response.status_code == 401


def test_switching_back_to_none_needs_no_key(client, service_key, plugin_row):
    plugin_row("todo", auth_mode="none")
    assert client.get(TODOS).status_code == 200


def test_the_spec_documents_bearer_auth_in_service_mode(client, service_key):
    spec = client.get("/plugins/todo/openapi.json").json()
    assert spec["components"]["securitySchemes"] == {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    assert spec["security"] == [{"bearerAuth": []}]
    assert "401" in spec["paths"]["/todos/{username}"]["get"]["responses"]
