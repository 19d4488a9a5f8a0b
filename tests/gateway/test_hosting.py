"""Manifest and hosting: both modes, absolute URLs built from the request, 404s for unknown/disabled."""

import pytest

from gateway.models import Plugin

pytestmark = pytest.mark.django_db

MANIFEST_LIMITS = {
    "name_for_human": 20,
    "name_for_model": 50,
    "description_for_human": 100,
    "description_for_model": 8000,
}


def manifest(client, path="/plugins/todo/.well-known/ai-plugin.json", **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("slug", ["todo", "sportstats", "weather", "echo"])
def test_every_installed_plugin_has_a_manifest_within_the_limits(client, slug):
    body = manifest(client, f"/plugins/{slug}/.well-known/ai-plugin.json")
    assert body["schema_version"] == "v1"
    for field, limit in MANIFEST_LIMITS.items():
        assert 0 < len(body[field]) <= limit, field
    assert body["auth"] == {"type": "none"}
    assert body["api"]["type"] == "openapi"


def test_path_mode_urls_are_absolute_and_inside_the_plugin_base(client):
    body = manifest(client, HTTP_HOST="localhost:8000")
    assert body["api"]["url"] == "http://localhost:8000/plugins/todo/openapi.yaml"
    assert body["logo_url"] == "http://localhost:8000/plugins/todo/logo.png"
    assert body["legal_info_url"] == "http://localhost:8000/plugins/todo/legal"


def test_host_mode_serves_the_manifest_at_the_domain_root(client):
    body = manifest(client, "/.well-known/ai-plugin.json", HTTP_HOST="todo.localhost:8000")
    assert body["name_for_model"] == "todo"
    assert body["api"]["url"] == "http://todo.localhost:8000/openapi.yaml"
    assert body["logo_url"] == "http://todo.localhost:8000/logo.png"


def test_host_mode_serves_the_api_at_the_root(client):
    response = client.post(
        "/todos/ann", {"todo": "via host"}, content_type="application/json", HTTP_HOST="todo.localhost"
    )
    assert response.status_code == 200
    assert client.get("/plugins/todo/todos/ann").json() == {"todos": ["via host"]}


def test_custom_domain_serves_the_plugin(client, plugin_row, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "tasks.example.org"]
    plugin_row("todo", custom_domain="tasks.example.org")
    body = manifest(client, "/.well-known/ai-plugin.json", HTTP_HOST="tasks.example.org")
    assert body["api"]["url"] == "http://tasks.example.org/openapi.yaml"


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(client):
    body = manifest(client, HTTP_HOST="localhost", HTTP_X_FORWARDED_HOST="evil.example", HTTP_X_FORWARDED_PROTO="https")
    assert body["api"]["url"] == "http://localhost/plugins/todo/openapi.yaml"


def test_forwarded_headers_are_honoured_behind_a_trusted_proxy(client, settings):
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "plugins.example.com"]
    body = manifest(
        client, HTTP_HOST="10.0.0.5", HTTP_X_FORWARDED_HOST="plugins.example.com", HTTP_X_FORWARDED_PROTO="https"
    )
    assert body["api"]["url"] == "https://plugins.example.com/plugins/todo/openapi.yaml"


def test_operator_texts_take_effect_on_the_next_request(client, plugin_row):
    assert manifest(client)["name_for_human"] == "TODO List"
    plugin_row("todo", name_for_human="My Tasks", verification_token="tok-123", contact_email="ops@example.com")
    body = manifest(client)
    assert body["name_for_human"] == "My Tasks"
    assert body["contact_email"] == "ops@example.com"


@pytest.mark.parametrize(
    ("path", "host"),
    [
        ("/plugins/nosuch/.well-known/ai-plugin.json", "localhost"),
        ("/plugins/nosuch/todos/x", "localhost"),
        ("/.well-known/ai-plugin.json", "nosuch.localhost"),
        ("/.well-known/ai-plugin.json", "a.b.localhost"),
        ("/plugins/todo/no-such-endpoint", "localhost"),
        ("/no-such-endpoint", "todo.localhost"),
    ],
)
def test_unknown_plugin_host_or_path_is_a_json_404(client, path, host):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_disabled_plugin_is_404_everywhere(client, plugin_row):
    plugin_row("todo", enabled=False)
    for path, host in [
        ("/plugins/todo/.well-known/ai-plugin.json", "localhost"),
        ("/plugins/todo/todos/ann", "localhost"),
        ("/plugins/todo/openapi.json", "localhost"),
        ("/.well-known/ai-plugin.json", "todo.localhost"),
        ("/todos/ann", "todo.localhost"),
    ]:
        assert client.get(path, HTTP_HOST=host).status_code == 404, path
    plugin_row("todo", enabled=True)
    assert client.get("/todos/ann", HTTP_HOST="todo.localhost").status_code == 200


def test_logo_is_a_png(client):
    for path, host in [("/plugins/todo/logo.png", "localhost"), ("/logo.png", "todo.localhost")]:
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")


def test_home_page_lists_enabled_plugins_with_their_urls(client, plugin_row):
    plugin_row("weather", enabled=False)
    page = client.get("/", HTTP_HOST="localhost:8000").content.decode()
    assert "http://localhost:8000/plugins/todo/.well-known/ai-plugin.json" in page
    assert "http://todo.localhost:8000/" in page
    assert "/plugins/weather/" not in page


def test_a_foreign_host_is_refused(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_settings_rows_exist_for_every_installed_plugin():
    assert set(Plugin.objects.values_list("slug", flat=True)) == {"todo", "sportstats", "weather", "echo"}
