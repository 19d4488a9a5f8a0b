"""Connected apps on /account/: a user sees the OAuth clients they approved and revokes any of them at once."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from gateway.models import Plugin
from gateway.oauth.tokencache import checksum_of, token_key
from gateway.services import oauth_client_create
from tests.gateway.cimd_server import CALLBACK, authorize_path, pkce_pair
from tests.oauth_flow import hidden_fields

TODO = "/plugins/todo/"
WEATHER = "/plugins/weather/"


@pytest.fixture
def users(db):
    Plugin.objects.filter(slug__in=["todo", "weather"]).update(auth_mode="oauth")
    make = get_user_model().objects.create_user
    return make("ann", password="ann-password-1"), make("bob", password="bob-password-1")


def connect(user, oauth_client, base=TODO) -> dict:
    """Run authorize -> consent -> token for `user` with the test client; return the token answer."""
    browser = Client()
    browser.force_login(user)
    verifier, challenge = pkce_pair()
    page = browser.get(authorize_path(base, oauth_client.client_id, challenge))
    assert page.status_code == 200, page.content
    answer = browser.post(f"{base}oauth/authorize", {**hidden_fields(page.content.decode()), "allow": "Authorize"})
    code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    token = Client().post(f"{base}oauth/token", {**body, "client_id": oauth_client.client_id})
    assert token.status_code == 200, token.content
    return token.json()


@pytest.fixture
def public_client(users):
    plugin = Plugin.objects.get(slug="todo")
    client, _secret = oauth_client_create(plugin=plugin, redirect_uris=[CALLBACK], name="Helper")
    client.client_type = client.CLIENT_PUBLIC
    client.save()
    return client


def todos(token, username="ann", base=TODO):
    return Client().get(f"{base}todos/{username}", headers={"Authorization": f"Bearer {token}"})


def mcp_tools(token, base=TODO):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2025-11-25"}
    return Client().post(f"{base}mcp", body, content_type="application/json", headers=headers)


def account_page(user, path="/account/"):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser, browser.get(path)


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_account_page_lists_the_apps_a_user_approved(users, public_client):
    ann, bob = users
    connect(ann, public_client)
    _browser, page = account_page(ann)
    html = page.content.decode()
    assert page.status_code == 200
    row = re.search(r'<section class="card" id="connected-apps">.*?</section>', html, re.S).group(0)
    assert (
        "TODO List" in row
        and "Helper" in row
        and "<code>app.example</code>" in row
        and 'Read, add and delete your TODOs <span class="muted">(todos)</span>' in row
    )
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", row)
    # Bob approved nothing: his page lists nothing of Ann's.
    _browser, page = account_page(bob)
    assert "Helper" not in page.content.decode() and "No app has access" in page.content.decode()


def test_a_plugins_own_account_page_lists_its_apps_only(users, public_client):
    ann, _bob = users
    connect(ann, public_client)
    _browser, page = account_page(ann, f"{WEATHER}account/")
    assert page.status_code == 200 and "Helper" not in page.content.decode()
    _browser, page = account_page(ann, f"{TODO}account/")
    assert "Helper" in page.content.decode()


def test_a_plugins_account_page_sends_a_stranger_to_its_own_sign_in(client, users):
    response = client.get(f"{TODO}account/")
    assert response.status_code == 302 and response["Location"].startswith(f"{TODO}accounts/login/?next=")


def test_revoking_ends_api_and_mcp_calls_at_once_even_from_the_token_cache(users, public_client, settings):
    settings.GATEWAY_TOKEN_CACHE_SECONDS = 60  # the cached path is the one that must be evicted
    ann, _bob = users
    tokens = connect(ann, public_client)
    browser, page = account_page(ann)  # signing in saves the user, which evicts their tokens: do it first
    assert todos(tokens["access_token"]).status_code == 200
    assert mcp_tools(tokens["access_token"]).status_code == 200
    assert cache.get(token_key(checksum_of(tokens["access_token"]))) is not None
    response = browser.post(
        "/account/", {"csrfmiddlewaretoken": csrf(page.content.decode()), "disconnect": public_client.pk}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert "Access revoked" in browser.get("/account/").content.decode()
    assert todos(tokens["access_token"]).status_code == 401
    assert mcp_tools(tokens["access_token"]).status_code == 401
    # The refresh token went too: the app cannot get a new access token without asking again.
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": public_client.client_id,
    }
    assert Client().post(f"{TODO}oauth/token", refresh).json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists() and not get_refresh_token_model().objects.exists()


def test_nobody_revokes_someone_elses_app_by_its_id(users, public_client):
    ann, bob = users
    tokens = connect(ann, public_client)
    browser, page = account_page(bob)
    response = browser.post(
        "/account/", {"csrfmiddlewaretoken": csrf(page.content.decode()), "disconnect": public_client.pk}
    )
    assert response.status_code == 400
    assert "no such app among those you connected" in response.content.decode()
    assert todos(tokens["access_token"]).status_code == 200
    assert get_refresh_token_model().objects.filter(user=ann, revoked__isnull=True).count() == 1


@pytest.mark.parametrize("value", ["", "x", "²", "99999", "1 OR 1=1"])
def test_a_bad_app_id_is_a_clear_400_that_changes_nothing(users, public_client, value):
    ann, _bob = users
    tokens = connect(ann, public_client)
    browser, page = account_page(ann)
    response = browser.post("/account/", {"csrfmiddlewaretoken": csrf(page.content.decode()), "disconnect": value})
    assert response.status_code == 400 and "nothing was revoked" in response.content.decode()
    assert todos(tokens["access_token"]).status_code == 200


def test_revoking_needs_the_csrf_token(users, public_client):
    ann, _bob = users
    tokens = connect(ann, public_client)
    browser, _page = account_page(ann)
    assert browser.post("/account/", {"disconnect": public_client.pk}).status_code == 403
    assert todos(tokens["access_token"]).status_code == 200


def test_revoking_one_app_leaves_the_others(users, public_client):
    ann, _bob = users
    other, _secret = oauth_client_create(
        plugin=Plugin.objects.get(slug="todo"), redirect_uris=[CALLBACK], name="Other app"
    )
    other.client_type = other.CLIENT_PUBLIC
    other.save()
    first, second = connect(ann, public_client), connect(ann, other)
    browser, page = account_page(ann)
    browser.post("/account/", {"csrfmiddlewaretoken": csrf(page.content.decode()), "disconnect": public_client.pk})
    assert todos(first["access_token"]).status_code == 401
    assert todos(second["access_token"]).status_code == 200


def test_the_admin_revokes_a_clients_access_for_everyone(users, public_client, admin_client):
    ann, bob = users
    tokens = [connect(user, public_client)["access_token"] for user in (ann, bob)]
    response = admin_client.post(
        "/admin/gateway/oauthclient/",
        {"action": "revoke_access", "_selected_action": [public_client.pk]},
        follow=True,
    )
    assert "Revoked the access of 1 client(s)" in response.content.decode()
    assert [todos(token).status_code for token in tokens] == [401, 401]


def test_host_mode_has_the_account_page_on_the_plugins_own_host(users, public_client):
    ann, _bob = users
    connect(ann, public_client)
    browser = Client(HTTP_HOST="todo.localhost")
    assert browser.get("/account/")["Location"].startswith("/accounts/login/?next=/account/")
    browser.force_login(ann)
    verifier, challenge = pkce_pair()
    consent = browser.get(authorize_path("/", public_client.client_id, challenge))
    assert 'href="/account/"' in consent.content.decode()
    page = browser.get("/account/").content.decode()
    assert "Helper" in page and "Sign out" not in page  # the gateway's sign-out lives on its own host


def test_an_app_whose_tokens_all_ended_is_no_longer_listed(users, public_client):
    ann, _bob = users
    connect(ann, public_client)
    get_refresh_token_model().objects.update(revoked=timezone.now())
    get_access_token_model().objects.update(expires=timezone.now())
    _browser, page = account_page(ann)
    assert "Helper" not in page.content.decode()
