"""user_http mode: end users make personal keys on their account page; a key acts for its user only."""

import re

import pytest
from django.contrib.auth import get_user_model

from gateway.models import Plugin, UserKey
from plugins.todo.models import Todo

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_http(plugin_row):
    plugin_row("todo", auth_mode="user_http")


def make_key(client, username, plugin="todo", name="laptop"):
    user = get_user_model().objects.create_user(username, password=f"{username}-pw-12345")
    client.force_login(user)
    page = client.post("/account/", {"plugin": plugin, "name": name})
    assert page.status_code == 200
    return re.search(r'<code id="new-key">([^<]+)</code>', page.content.decode()).group(1)


def test_manifest_says_user_http(client, user_http):
    body = client.get("/plugins/todo/.well-known/ai-plugin.json").json()
    assert body["auth"] == {"type": "user_http", "authorization_type": "bearer"}
    assert body["api"]["is_user_authenticated"] is True


def test_a_key_is_shown_once_and_stored_hashed(client, user_http):
    key = make_key(client, "ann")
    stored = UserKey.objects.get()
    assert stored.key_hash != key and stored.hint == key[:7]
    assert key not in client.get("/account/").content.decode()


def test_a_key_acts_for_its_user_whatever_the_path(client, user_http):
    ann_key = make_key(client, "ann")
    bob_key = make_key(client, "bob")
    client.logout()
    ann = {"HTTP_AUTHORIZATION": f"Bearer {ann_key}"}
    bob = {"HTTP_AUTHORIZATION": f"Bearer {bob_key}"}
    client.post("/plugins/todo/todos/bob", {"todo": "ann's"}, content_type="application/json", **ann)
    assert client.get("/plugins/todo/todos/bob", **bob).json() == {"todos": []}
    assert client.get("/plugins/todo/todos/whatever", **ann).json() == {"todos": ["ann's"]}
    assert Todo.objects.get().user.username == "ann"


def test_revoked_or_wrong_keys_are_401(client, user_http):
    key = make_key(client, "ann")
    client.post("/account/", {"revoke": UserKey.objects.get().pk})
    assert not UserKey.objects.exists()
    client.logout()
    for header in (f"Bearer {key}", "Bearer uk-not-a-key", None):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.get("/plugins/todo/todos/ann", **extra)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_key_for_one_plugin_does_not_open_another(client, user_http, plugin_row):
    plugin_row("echo", auth_mode="user_http")
    key = make_key(client, "ann", plugin="todo")
    client.logout()
    assert client.get("/plugins/echo/echo/hi", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_user_cannot_revoke_someone_elses_key(client, user_http):
    make_key(client, "ann")
    ann_key_id = UserKey.objects.get().pk
    make_key(client, "bob")  # now signed in as bob
    response = client.post("/account/", {"revoke": ann_key_id})
    assert response.status_code == 400
    assert UserKey.objects.filter(pk=ann_key_id).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"plugin": "todo", "name": ""}, "Give the key a name."),
        ({"plugin": "todo", "name": "x" * 101}, "at most 100 characters"),
        ({"plugin": "nosuch", "name": "x"}, "Choose one of the plugins listed"),
        ({"plugin": "weather", "name": "x"}, "Choose one of the plugins listed"),  # installed, but in none mode
        ({"name": "x"}, "Choose one of the plugins listed"),
    ],
)
def test_bad_key_requests_are_400_and_change_nothing(client, user_http, data, message):
    user = get_user_model().objects.create_user("ann", password="pw-ann-12345")
    client.force_login(user)
    response = client.post("/account/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UserKey.objects.exists()


def test_the_picker_lists_enabled_user_http_plugins_by_name(client, user_http, plugin_row):
    plugin_row("sportstats", auth_mode="user_http")
    plugin_row("echo", auth_mode="user_http", enabled=False)
    plugin_row("weather", auth_mode="none")  # supports user_http, but is not in that mode
    client.force_login(get_user_model().objects.create_user("ann", password="pw-ann-12345"))
    page = client.get("/account/").content.decode()
    sportstats = Plugin.objects.get(slug="sportstats").display_name
    assert re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', page) == [
        ("sportstats", sportstats),
        ("todo", "TODO List"),
    ]


def test_without_a_user_http_plugin_the_page_says_so(client):
    client.force_login(get_user_model().objects.create_user("ann", password="pw-ann-12345"))
    page = client.get("/account/").content.decode()
    assert "No plugin takes personal keys at the moment" in page
    assert "<select" not in page
    assert client.post("/account/", {"plugin": "todo", "name": "laptop"}).status_code == 400
    assert not UserKey.objects.exists()


def test_the_key_list_names_the_plugin(client, user_http):
    make_key(client, "ann")
    page = client.get("/account/").content.decode()
    assert "<td>TODO List</td><td>laptop</td>" in page


def test_the_account_page_needs_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admin_shows_a_plugins_keys(admin_client, user_http):
    make_key(admin_client, "ann")  # signs in as ann; sign the admin back in
    admin = get_user_model().objects.create_superuser("root", password="root-pw-12345")
    admin_client.force_login(admin)
    page = admin_client.get(f"/admin/gateway/plugin/{Plugin.objects.get(slug='todo').pk}/change/").content.decode()
    assert 'id="user_keys-group"' in page and "laptop" in page
    assert 'id="oauth_clients-group"' not in page  # user_http mode has no use for OAuth clients
