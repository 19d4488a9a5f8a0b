"""An OAuth plugin as an MCP server: the official SDK's whole OAuth chain over real HTTP, then binding."""

from urllib.parse import quote, unquote

import httpx
import pytest
from django.contrib.auth import get_user_model
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from gateway.models import OAuthClient, Plugin
from plugins.todo.models import Todo
from tests.gateway.mcp.mcp_client import run_client
from tests.oauth_flow import Browser, approve, hidden_fields

pytestmark = pytest.mark.django_db(transaction=True)
CALLBACK = "http://localhost:3030/callback"


class MemoryStorage:
    """The SDK's TokenStorage protocol, in memory."""

    def __init__(self):
        self.tokens = self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


def sdk_auth(live_server, url: str, storage: MemoryStorage, seen: dict) -> OAuthClientProvider:
    """The SDK's OAuth provider; its browser step signs in and approves on the gateway's real pages."""
    browser = Browser(live_server.url)

    async def redirect_handler(authorization_url: str):
        seen["authorization_url"] = authorization_url
        seen["redirect"] = approve(browser, authorization_url, username="ann", password="ann-password-1")

    async def callback_handler():
        redirect = seen["redirect"]
        return AuthorizationCodeResult(code=redirect["code"], state=redirect["state"], iss=redirect.get("iss"))

    metadata = OAuthClientMetadata(
        client_name="Test MCP client",
        redirect_uris=[CALLBACK],
        grant_types=["authorization_code", "refresh_token"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(url, metadata, storage, redirect_handler, callback_handler)


@pytest.fixture
def oauth_todo():
    Plugin.objects.filter(slug__in=["todo", "weather"]).update(auth_mode="oauth")
    return get_user_model().objects.create_user("ann", password="ann-password-1")


def test_sdk_oauth_chain_from_401_to_tool_call(live_server, oauth_todo):
    url = f"{live_server.url}/plugins/todo/mcp"
    storage, seen = MemoryStorage(), {}

    async def add(client):
        return await client.call_tool("addTodo", {"username": "ignored", "todo": "via OAuth"})

    result = run_client(url, add, auth=sdk_auth(live_server, url, storage, seen))

    assert result.is_error is False
    # The owner is the signed-in user, not the path's username.
    assert Todo.objects.get(user=oauth_todo).text == "via OAuth"
    assert "code_challenge_method=S256" in seen["authorization_url"]
    assert "resource=" in seen["authorization_url"]
    client = OAuthClient.objects.get(client_id=storage.client_info.client_id)
    assert (client.plugin.slug, client.client_type, client.registration_source) == ("todo", "public", "dcr")
    token = client.accesstoken_set.get()
    assert token.resource == [url]
    assert token.user == oauth_todo

    access = storage.tokens.access_token
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Authorization": f"Bearer {access}", "MCP-Protocol-Version": "2025-11-25"}
    assert httpx.post(url, json=body, headers=headers).status_code == 200
    # The same token at another plugin, or at this plugin under another host (another resource): refused.
    assert httpx.post(f"{live_server.url}/plugins/weather/mcp", json=body, headers=headers).status_code == 401
    port = live_server.url.rsplit(":", 1)[1]
    other_host = {**headers, "Host": f"todo.localhost:{port}"}
    assert httpx.post(f"{live_server.url}/mcp", json=body, headers=other_host).status_code == 401
    # ... while the plugin's own API accepts it (the MCP tools run through those views).
    api = httpx.get(f"{live_server.url}/plugins/todo/todos/x", headers={"Authorization": f"Bearer {access}"})
    assert api.json() == {"todos": ["via OAuth"]}

    # Refresh tokens rotate: the new one works once, the old one no more.
    token_url = f"{live_server.url}/plugins/todo/oauth/token"
    refresh = {
        "grant_type": "refresh_token",
        "client_id": client.client_id,
        "refresh_token": storage.tokens.refresh_token,
    }
    rotated = httpx.post(token_url, data=refresh)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["refresh_token"] != storage.tokens.refresh_token
    assert httpx.post(token_url, data=refresh).status_code == 400


def public_todo_client() -> OAuthClient:
    """A public client of the todo plugin, registered by hand, calling back to CALLBACK."""
    return OAuthClient.objects.create(
        plugin=Plugin.objects.get(slug="todo"),
        name="x",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
    )


def test_resource_of_another_plugin_is_refused_at_authorize_and_token(live_server, oauth_todo):
    client = public_todo_client()
    base = f"{live_server.url}/plugins/todo/oauth/"
    foreign = f"{live_server.url}/plugins/weather/mcp"
    authorize = httpx.get(f"{base}authorize", params={"client_id": client.client_id, "resource": foreign})
    assert authorize.status_code == 400
    assert "This sign-in link is not valid" in authorize.text
    token = httpx.post(f"{base}token", data={"grant_type": "authorization_code", "code": "x", "resource": foreign})
    assert token.json()["error"] == "invalid_target"


def test_consent_form_without_a_resource_still_approves(live_server, oauth_todo):
    """A browser posts the consent form's empty hidden `resource` field; that asks for no resource."""
    client = OAuthClient.objects.create(
        plugin=Plugin.objects.get(slug="todo"),
        name="x",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
        pkce_exempt=True,  # this test's request carries no PKCE
    )
    browser = Browser(live_server.url)
    url = f"/plugins/todo/oauth/authorize?response_type=code&client_id={client.client_id}&redirect_uri={CALLBACK}"
    response = browser.get(url)
    login = browser.get(response.headers["location"])
    next_url = response.headers["location"].split("next=", 1)[1]
    signed_in = browser.post_form(
        "/plugins/todo/accounts/login/",
        login.text,
        {"username": "ann", "password": "ann-password-1", "next": unquote(next_url)},
    )
    consent = browser.get(signed_in.headers["location"])
    fields = {**hidden_fields(consent.text), "resource": "", "allow": "Authorize"}
    answer = browser.post_form("/plugins/todo/oauth/authorize", consent.text, fields)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(CALLBACK + "?code=")


def test_authorize_without_pkce_is_refused_before_the_sign_in(live_server, oauth_todo):
    """A public client's request without code_challenge can never be approved: no login page for it."""
    client = public_todo_client()
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": CALLBACK, "state": "s1"}
    answer = httpx.get(f"{live_server.url}/plugins/todo/oauth/authorize", params=query)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "?") and "error=invalid_request" in location and "state=s1" in location
    assert f"iss={quote(live_server.url + '/plugins/todo', safe='')}" in location
    # With PKCE the same request goes on to the sign-in page.
    pkce = {**query, "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}
    answer = httpx.get(f"{live_server.url}/plugins/todo/oauth/authorize", params=pkce)
    assert answer.status_code == 302 and "/accounts/login/" in answer.headers["location"]
