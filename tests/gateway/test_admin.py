import re
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model, set_token_value

from gateway.models import Plugin
from gateway.services import oauth_client_create, secret_matches

pytestmark = pytest.mark.django_db
CHANGE = "/admin/gateway/plugin/{}/change/"


@pytest.fixture
def todo_plugin():
    return Plugin.objects.get(slug="todo")


def page_post(admin_client, plugin, **changes):
    """Return what a browser posts from the plugin's page as rendered, with some fields changed."""
    response = admin_client.get(CHANGE.format(plugin.pk))
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {form.add_prefix(name): form[name].value() for form in forms for name in form.fields}
    data.update(changes)
    # As a browser does: a ticked box sends "on", an unticked one and an empty value nothing.
    return {
        key: "on" if value is True else value
        for key, value in data.items()
        if value is not False and value not in ("", None)
    }


def field_names(page: str) -> set[str]:
    return set(re.findall(r'name="(\w+)"', page))


def test_change_list_shows_every_plugin(admin_client):
    page = admin_client.get("/admin/gateway/plugin/").content.decode()
    for slug in ["todo", "sportstats", "weather"]:
        assert f">{slug}<" in page


def test_the_admin_reads_as_the_gateways(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "<title>Plugins, OAuth clients and usage | Plugin gateway admin</title>" in page
    assert re.search(r'<div id="site-name"><a href="/admin/">Plugin gateway</a></div>', page)
    assert "Django administration" not in page and "Django site admin" not in page


def test_change_form_renders_with_defaults_as_placeholders(admin_client, todo_plugin):
    page = admin_client.get(CHANGE.format(todo_plugin.pk)).content.decode()
    assert 'placeholder="TODO List"' in page
    assert 'href="/admin/usage/call/plugin/todo/"' in page


COMMON = {"enabled", "auth_mode", "name_for_human", "custom_domain", "rate_limit_per_minute"}


@pytest.mark.parametrize(
    ("mode", "fields", "absent", "rows"),
    [
        ("none", set(), {"verification_token", "oauth_token_content_type"}, set()),
        ("service_http", {"verification_token"}, {"oauth_token_content_type"}, {"Service key"}),
        ("user_http", set(), {"verification_token", "oauth_token_content_type"}, {"User keys"}),
        ("oauth", {"verification_token", "oauth_token_content_type"}, set(), {"OAuth clients"}),
    ],
)
def test_the_plugin_page_shows_what_its_auth_mode_uses(admin_client, plugin_row, mode, fields, absent, rows):
    plugin = plugin_row("todo", auth_mode=mode)
    page = admin_client.get(CHANGE.format(plugin.pk)).content.decode()
    assert COMMON | fields <= field_names(page)
    assert not absent & field_names(page)
    shown = {
        "Service key": "Service key:" in page,
        "User keys": 'id="user_keys-group"' in page,
        "OAuth clients": 'id="oauth_clients-group"' in page,
    }
    assert {row for row, present in shown.items() if present} == rows


def test_the_plugin_list_shows_a_service_key_only_where_one_applies(admin_client, plugin_row):
    plugin_row("todo", auth_mode="service_http")
    plugin_row("weather", auth_mode="oauth")
    page = admin_client.get("/admin/gateway/plugin/").content.decode()
    cells = dict(re.findall(r'>(\w+)</a></th>.*?<td class="field-service_key_column">([^<]*)</td>', page, re.S))
    assert cells == {"echo": "-", "sportstats": "-", "todo": "none yet", "weather": "-"}


def test_an_operator_edit_takes_effect_on_the_next_request(admin_client, client, todo_plugin):
    # none -> service_http: the save brings the operator back to the page, which now asks for the token.
    data = page_post(admin_client, todo_plugin, name_for_human="Tasks", auth_mode="service_http")
    response = admin_client.post(CHANGE.format(todo_plugin.pk), data, follow=True)
    assert response.redirect_chain == [(CHANGE.format(todo_plugin.pk), 302)]
    page = response.content.decode()
    assert "Saved: todo now uses “Service key (one key for the platform)”. Set it up below." in page
    assert "verification_token" in field_names(page)
    assert "none yet: tick this plugin" in page
    todo_plugin.refresh_from_db()

    response = admin_client.post(
        CHANGE.format(todo_plugin.pk), page_post(admin_client, todo_plugin, verification_token="verify-xyz")
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/gateway/plugin/"  # no mode change: back to the list as usual
    manifest = client.get("/plugins/todo/.well-known/ai-plugin.json").json()
    assert manifest["name_for_human"] == "Tasks"
    assert manifest["auth"]["verification_tokens"] == {"openai": "verify-xyz"}


def test_changing_the_mode_keeps_what_the_page_no_longer_shows(admin_client, plugin_row):
    plugin = plugin_row("todo", auth_mode="oauth", verification_token="verify-xyz")
    oauth_client_create(plugin=plugin, redirect_uris=["https://platform.example/cb"])  # posted as an inline row
    response = admin_client.post(CHANGE.format(plugin.pk), page_post(admin_client, plugin, auth_mode="user_http"))
    assert response.status_code == 302
    plugin.refresh_from_db()
    assert (plugin.auth_mode, plugin.verification_token) == ("user_http", "verify-xyz")
    assert plugin.oauth_clients.count() == 1
    page = admin_client.get(CHANGE.format(plugin.pk)).content.decode()
    assert "verification_token" not in field_names(page) and 'id="user_keys-group"' in page


def test_a_mode_change_with_an_error_elsewhere_shows_the_error_and_saves_nothing(admin_client, todo_plugin):
    data = page_post(admin_client, todo_plugin, auth_mode="oauth", name_for_model="has spaces")
    response = admin_client.post(CHANGE.format(todo_plugin.pk), data)
    assert response.status_code == 200
    assert "letters, digits and underscores" in response.content.decode()
    todo_plugin.refresh_from_db()
    assert todo_plugin.auth_mode == "none"


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
    response = admin_client.post(CHANGE.format(todo_plugin.pk), page_post(admin_client, todo_plugin, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    todo_plugin.refresh_from_db()
    assert getattr(todo_plugin, field) == ""


def test_an_auth_mode_the_plugin_does_not_support_is_refused(admin_client):
    echo = Plugin.objects.get(slug="echo")
    response = admin_client.post(CHANGE.format(echo.pk), page_post(admin_client, echo, auth_mode="oauth"))
    assert response.status_code == 200
    assert "supports only: none, service_http, user_http" in response.content.decode()


def rotate(admin_client, *plugins):
    return admin_client.post(
        "/admin/gateway/plugin/", {"action": "rotate_service_key", "_selected_action": [p.pk for p in plugins]}
    )


def test_rotating_the_service_key_shows_it_once(admin_client, plugin_row):
    todo = plugin_row("todo", auth_mode="service_http")
    response = rotate(admin_client, todo)
    assert response.status_code == 200
    key = re.search(r'<code class="service-key">([^<]+)</code>', response.content.decode()).group(1)
    todo.refresh_from_db()
    assert secret_matches(key, todo.service_key_hash)
    page = admin_client.get(CHANGE.format(todo.pk)).content.decode()
    assert key not in page and f"{key[:7]}… (only its hash is stored)" in page


def test_the_key_action_skips_plugins_in_other_modes(admin_client, plugin_row):
    todo = plugin_row("todo", auth_mode="service_http")
    weather = plugin_row("weather", auth_mode="oauth")
    page = rotate(admin_client, todo, weather).content.decode()
    assert page.count('class="service-key"') == 1
    assert "No key was made for weather: only a plugin in service_http mode uses one." in page
    weather.refresh_from_db()
    assert not weather.has_service_key


def test_the_key_action_is_offered_only_while_a_plugin_uses_service_keys(admin_client, todo_plugin):
    assert 'value="rotate_service_key"' not in admin_client.get("/admin/gateway/plugin/").content.decode()
    rotate(admin_client, todo_plugin)
    todo_plugin.refresh_from_db()
    assert not todo_plugin.has_service_key
    Plugin.objects.filter(slug="weather").update(auth_mode="service_http")
    assert 'value="rotate_service_key"' in admin_client.get("/admin/gateway/plugin/").content.decode()


def test_admin_is_staff_only(client):
    response = client.get("/admin/gateway/plugin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_only_the_oauth_models_the_gateway_uses_are_listed(admin_client):
    page = admin_client.get("/admin/").content.decode()
    for listed in ("OAuth clients", "Access tokens", "Refresh tokens"):
        assert f">{listed}</a>" in page
    for hidden, path in (("Id tokens", "idtoken"), ("Grants", "grant")):
        assert hidden not in page
        assert admin_client.get(f"/admin/oauth2_provider/{path}/").status_code == 404


@pytest.mark.parametrize("kind", ["accesstoken", "refreshtoken"])
def test_token_pages_show_no_blank_or_hashed_token(admin_client, django_user_model, todo_plugin, kind):
    client, _secret = oauth_client_create(
        plugin=todo_plugin, redirect_uris=["https://platform.example/cb"], name="ChatGPT"
    )
    ann = django_user_model.objects.create_user("ann", password="ann-pw-12345")
    token = get_access_token_model()(user=ann, application=client, expires=timezone.now() + timedelta(hours=1))
    set_token_value(token, "raw-access-token-value")
    token.save()
    if kind == "refreshtoken":
        token = get_refresh_token_model()(user=ann, application=client, access_token=token)
        set_token_value(token, "raw-refresh-token-value")
        token.save()
    assert token.token == "" and len(token.token_checksum) == 64  # what the pages must not pass off as a token
    for url in (f"/admin/oauth2_provider/{kind}/", f"/admin/oauth2_provider/{kind}/{token.pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert "ann" in page and client.name in page
        assert token.token_checksum not in page and token.token_checksum[-4:] not in page
        assert not re.search(r"masked_token|token_checksum|>Token<|>Token:<", page)


def test_oauth_client_pages_link_to_no_missing_page(admin_client, plugin_row):
    plugin = plugin_row("todo", auth_mode="oauth")
    client, _secret = oauth_client_create(plugin=plugin, redirect_uris=["https://platform.example/cb"], name="ChatGPT")
    for url in (CHANGE.format(plugin.pk), f"/admin/gateway/oauthclient/{client.pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert "ChatGPT" in page and "View on site" not in page
