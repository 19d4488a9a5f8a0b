import re

import pytest

from gateway.models import Plugin
from gateway.services import secret_matches

pytestmark = pytest.mark.django_db
CHANGE = "/admin/gateway/plugin/{}/change/"


@pytest.fixture
def todo_plugin():
    return Plugin.objects.get(slug="todo")


def form_data(plugin, **changes):
    data = {
        "enabled": "on" if plugin.enabled else "",
        "auth_mode": plugin.auth_mode,
        "name_for_human": plugin.name_for_human,
        "name_for_model": plugin.name_for_model,
        "description_for_human": plugin.description_for_human,
        "description_for_model": plugin.description_for_model,
        "contact_email": plugin.contact_email,
        "legal_info_url": plugin.legal_info_url,
        "verification_token": plugin.verification_token,
        "custom_domain": plugin.custom_domain,
        "oauth_token_content_type": plugin.oauth_token_content_type,
        "rate_limit_per_minute": plugin.rate_limit_per_minute,
        "total_rate_limit_per_minute": plugin.total_rate_limit_per_minute,
    }
    for prefix in ("oauth_clients", "user_keys"):  # the inlines' management forms
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_change_list_shows_every_plugin(admin_client):
    page = admin_client.get("/admin/gateway/plugin/").content.decode()
    for slug in ["todo", "sportstats", "weather"]:
        assert f">{slug}<" in page


def test_change_form_renders_with_defaults_as_placeholders(admin_client, todo_plugin):
    page = admin_client.get(CHANGE.format(todo_plugin.pk)).content.decode()
    assert 'placeholder="TODO List"' in page
    assert 'href="/admin/usage/call/plugin/todo/"' in page
    assert "Service key" in page


def test_an_operator_edit_takes_effect_on_the_next_request(admin_client, client, todo_plugin):
    data = form_data(todo_plugin, name_for_human="Tasks", verification_token="verify-xyz", auth_mode="service_http")
    response = admin_client.post(CHANGE.format(todo_plugin.pk), data)
    assert response.status_code == 302
    manifest = client.get("/plugins/todo/.well-known/ai-plugin.json").json()
    assert manifest["name_for_human"] == "Tasks"
    assert manifest["auth"]["verification_tokens"] == {"openai": "verify-xyz"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_for_human", "x" * 21, "at most 20 characters"),
        ("name_for_model", "has spaces", "letters, digits and underscores"),
        ("name_for_model", "x" * 51, "at most 50 characters"),
        ("description_for_human", "x" * 101, "at most 100 characters"),
        ("description_for_model", "x" * 8001, "at most 8000 characters"),
        ("custom_domain", "http://x.example", "Enter a host name"),
        ("legal_info_url", "not a url", "Enter a valid URL"),
    ],
)
def test_manifest_limits_are_refused_with_a_clear_message(admin_client, todo_plugin, field, value, message):
    response = admin_client.post(CHANGE.format(todo_plugin.pk), form_data(todo_plugin, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    todo_plugin.refresh_from_db()
    assert getattr(todo_plugin, field) == ""


def test_an_auth_mode_the_plugin_does_not_support_is_refused(admin_client):
    echo = Plugin.objects.get(slug="echo")
    response = admin_client.post(CHANGE.format(echo.pk), form_data(echo, auth_mode="oauth"))
    assert response.status_code == 200
    assert "supports only: none, service_http, user_http" in response.content.decode()


def test_rotating_the_service_key_shows_it_once(admin_client, todo_plugin):
    response = admin_client.post(
        "/admin/gateway/plugin/", {"action": "rotate_service_key", "_selected_action": [todo_plugin.pk]}
    )
    assert response.status_code == 200
    key = re.search(r'<code class="service-key">([^<]+)</code>', response.content.decode()).group(1)
    todo_plugin.refresh_from_db()
    assert secret_matches(key, todo_plugin.service_key_hash)
    assert key not in admin_client.get(CHANGE.format(todo_plugin.pk)).content.decode()


def test_admin_is_staff_only(client):
    response = client.get("/admin/gateway/plugin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
