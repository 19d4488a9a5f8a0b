"""The OAuth round trip as the platform performs it, over real HTTP against a live server."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from gateway.models import OAuthClient, Plugin
from plugins.todo.models import Todo
from tests.oauth_flow import CALLBACK, Browser, approve, authorize_url

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/plugins/todo/"


@pytest.fixture
def oauth_plugin():
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth", verification_token="verify-1")
    get_user_model().objects.create_user("ann", password="ann-password-1")
    get_user_model().objects.create_user("bob", password="bob-password-1")


@pytest.fixture
def platform_client(oauth_plugin, capsys):
    """Register the platform as the todo plugin's client with the CLI, as an operator would."""
    call_command("plugin_oauth_client", "todo", "--redirect-uri", CALLBACK, "--name", "ChatGPT", "--no-pkce")
    return json.loads(capsys.readouterr().out)


def code_exchange(client: dict, code: str) -> dict:
    """Return the platform's token request for an authorization code, credentials in the body."""
    return {
        "grant_type": "authorization_code",
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
        "code": code,
        "redirect_uri": CALLBACK,
    }


def exchange(live_server, body: dict, *, as_json: bool, auth=None, base=BASE):
    url = f"{live_server.url}{base}oauth/token"
    if as_json:
        return httpx.post(url, json=body, auth=auth, timeout=30)
    return httpx.post(url, data=body, auth=auth, timeout=30)


def code_for(live_server, client_id, username="ann", password="ann-password-1", **kwargs):
    browser = Browser(live_server.url)
    result = approve(browser, authorize_url(BASE, client_id, **kwargs), username=username, password=password)
    return result


def tokens_for(live_server, client, username="ann", password="ann-password-1", as_json=True):
    result = code_for(live_server, client["client_id"], username, password)
    body = code_exchange(client, result["code"])
    response = exchange(live_server, body, as_json=as_json)
    assert response.status_code == 200, response.text
    return response.json()


def api(live_server, token, method="GET", body=None, username="anyone", base=BASE):
    return httpx.request(
        method,
        f"{live_server.url}{base}todos/{username}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_manifest_auth_block_for_oauth(live_server, platform_client):
    manifest = httpx.get(f"{live_server.url}{BASE}.well-known/ai-plugin.json").json()
    assert manifest["auth"] == {
        "type": "oauth",
        "client_url": f"{live_server.url}{BASE}oauth/authorize",
        "scope": "todos",
        "authorization_url": f"{live_server.url}{BASE}oauth/token",
        "authorization_content_type": "application/json",
        "verification_tokens": {"openai": "verify-1"},
    }
    assert manifest["api"]["is_user_authenticated"] is True


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_full_round_trip_code_token_api_refresh_revoke(live_server, platform_client, as_json):
    result = code_for(live_server, platform_client["client_id"])
    assert result["location"].startswith(CALLBACK + "?")
    assert result["state"] == "xyz-state"

    body = code_exchange(platform_client, result["code"])
    response = exchange(live_server, body, as_json=as_json)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "todos"
    assert tokens["expires_in"] > 0 and tokens["refresh_token"]

    assert api(live_server, tokens["access_token"], "POST", {"todo": "from the platform"}).status_code == 200
    assert api(live_server, tokens["access_token"]).json() == {"todos": ["from the platform"]}
    assert Todo.objects.get().user.username == "ann"

    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": platform_client["client_id"],
        "client_secret": platform_client["client_secret"],
    }
    refreshed = exchange(live_server, refresh, as_json=as_json)
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]  # rotated
    assert api(live_server, new["access_token"]).status_code == 200
    # The old refresh token is spent.
    again = exchange(live_server, refresh, as_json=as_json)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    revoke_body = {
        "token": new["access_token"],
        "client_id": platform_client["client_id"],
        "client_secret": platform_client["client_secret"],
    }
    revoke_url = f"{live_server.url}{BASE}oauth/revoke"
    revoked = (
        httpx.post(revoke_url, json=revoke_body, timeout=30)
        if as_json
        else httpx.post(revoke_url, data=revoke_body, timeout=30)
    )
    assert revoked.status_code == 200
    response = api(live_server, new["access_token"])
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_client_credentials_by_http_basic(live_server, platform_client):
    result = code_for(live_server, platform_client["client_id"])
    body = {"grant_type": "authorization_code", "code": result["code"], "redirect_uri": CALLBACK}
    response = exchange(
        live_server, body, as_json=False, auth=(platform_client["client_id"], platform_client["client_secret"])
    )
    assert response.status_code == 200, response.text


def test_a_code_works_once(live_server, platform_client):
    result = code_for(live_server, platform_client["client_id"])
    body = code_exchange(platform_client, result["code"])
    assert exchange(live_server, body, as_json=True).status_code == 200
    reused = exchange(live_server, body, as_json=True)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("change", "error", "status"),
    [
        ({"client_secret": "wrong"}, "invalid_client", 401),
        # oauthlib answers a redirect_uri that differs from the authorize request's with invalid_request.
        ({"redirect_uri": "https://chat.openai.com/aip/plugin-other/oauth/callback"}, "invalid_request", 400),
        ({"code": "not-a-code"}, "invalid_grant", 400),
        ({"grant_type": "bogus"}, "unsupported_grant_type", 400),
        ({"client_id": "someone-else"}, "invalid_client", 401),
    ],
)
def test_token_exchange_failures_are_rfc6749_errors(live_server, platform_client, change, error, status):
    result = code_for(live_server, platform_client["client_id"])
    body = {**code_exchange(platform_client, result["code"]), **change}
    response = exchange(live_server, body, as_json=True)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


def test_a_non_object_json_body_is_a_clear_400(live_server, platform_client):
    response = httpx.post(
        f"{live_server.url}{BASE}oauth/token", content=b"[1]", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_deny_redirects_back_with_access_denied(live_server, platform_client):
    browser = Browser(live_server.url)
    result = approve(
        browser,
        authorize_url(BASE, platform_client["client_id"]),
        username="ann",
        password="ann-password-1",
        allow=False,
    )
    assert result["error"] == "access_denied"
    assert result["state"] == "xyz-state"
    assert "code" not in result


@pytest.mark.parametrize(
    "query",
    [
        {"client_id": "unknown-client"},
        {"redirect_uri": "https://evil.example/callback"},
    ],
)
def test_bad_client_or_redirect_shows_an_error_page_and_never_redirects(live_server, platform_client, query):
    browser = Browser(live_server.url)
    login = browser.get(f"{BASE}accounts/login/")
    browser.post_form(f"{BASE}accounts/login/", login.text, {"username": "ann", "password": "ann-password-1"})
    params = {"client_id": platform_client["client_id"], **query}
    response = browser.get(authorize_url(BASE, **params))
    assert response.status_code == 400
    assert "This sign-in link is not valid" in response.text
    assert "location" not in response.headers


@pytest.mark.parametrize(
    "pkce",
    [
        {},
        {"code_challenge": "a" * 43, "code_challenge_method": "plain"},
        {"code_challenge": "a" * 43},
        {"code_challenge": "", "code_challenge_method": "S256"},
        {"code_challenge": "x", "code_challenge_method": "S256"},
        {"code_challenge": "a" * 42 + "=", "code_challenge_method": "S256"},
    ],
    ids=["none", "plain", "no-method-means-plain", "empty", "one-character", "padded"],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_request_without_an_s256_challenge_is_refused_before_login_and_consent(
    live_server, oauth_plugin, pkce, signed_in
):
    client = OAuthClient.objects.create(
        plugin=Plugin.objects.get(slug="todo"),
        name="Agent",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
    )
    browser = Browser(live_server.url)
    if signed_in:
        login = browser.get(f"{BASE}accounts/login/")
        browser.post_form(f"{BASE}accounts/login/", login.text, {"username": "ann", "password": "ann-password-1"})
    response = browser.get(authorize_url(BASE, client.client_id, **pkce))
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(f"{CALLBACK}?")
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["xyz-state"]
    assert query["iss"] == [f"{live_server.url}{BASE.rstrip('/')}"]
    if pkce.get("code_challenge_method") == "S256":
        description = "code_challenge must be the 43-character base64url SHA-256 of the code_verifier."
        assert query["error_description"] == [description]
    elif pkce:
        assert query["error_description"] == ['Unsupported "plain" code_challenge_method; use "S256".']


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_resource_that_is_not_this_plugin_shows_an_error_page(live_server, platform_client, signed_in):
    browser = Browser(live_server.url)
    if signed_in:
        login = browser.get(f"{BASE}accounts/login/")
        browser.post_form(f"{BASE}accounts/login/", login.text, {"username": "ann", "password": "ann-password-1"})
    url = authorize_url(BASE, platform_client["client_id"], resource="https://evil.example/mcp")
    response = browser.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "This sign-in link is not valid" in response.text
    assert "The app asked for access to https://evil.example/mcp, which is not TODO List." in response.text
    assert "location" not in response.headers


def test_tokens_are_bound_to_their_plugin(live_server, platform_client):
    Plugin.objects.filter(slug="echo").update(auth_mode="service_http")
    Plugin.objects.filter(slug="sportstats").update(auth_mode="oauth")
    token = tokens_for(live_server, platform_client)["access_token"]
    echo = httpx.get(f"{live_server.url}/plugins/echo/echo/hi", headers={"Authorization": f"Bearer {token}"})
    assert echo.status_code == 401
    manifest = httpx.get(f"{live_server.url}/plugins/sportstats/openapi.json").json()
    for path in manifest["paths"]:
        if "{" not in path:
            response = httpx.get(
                f"{live_server.url}/plugins/sportstats{path}", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 401, path
    # The todo client is unknown to another plugin's authorize and token endpoints.
    browser = Browser(live_server.url)
    login = browser.get("/plugins/sportstats/accounts/login/")
    browser.post_form(
        "/plugins/sportstats/accounts/login/", login.text, {"username": "ann", "password": "ann-password-1"}
    )
    page = browser.get(authorize_url("/plugins/sportstats/", platform_client["client_id"]))
    assert page.status_code == 400


def test_a_client_of_one_plugin_cannot_get_tokens_from_another(live_server, platform_client):
    Plugin.objects.filter(slug="sportstats").update(auth_mode="oauth")
    result = code_for(live_server, platform_client["client_id"])
    body = code_exchange(platform_client, result["code"])
    response = exchange(live_server, body, as_json=True, base="/plugins/sportstats/")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("header", [None, "Bearer garbage", "Basic YW5uOmFubi1wYXNzd29yZC0x"])
def test_missing_or_garbage_tokens_are_401(live_server, oauth_plugin, header):
    headers = {"Authorization": header} if header else {}
    response = httpx.get(f"{live_server.url}{BASE}todos/ann", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["message"]


def test_an_expired_token_is_401(live_server, platform_client):
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    token = tokens_for(live_server, platform_client)["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timezone.timedelta(seconds=1))
    assert api(live_server, token).status_code == 401


def test_each_user_sees_only_their_own_todos_whatever_the_path_says(live_server, platform_client):
    ann = tokens_for(live_server, platform_client)["access_token"]
    bob = tokens_for(live_server, platform_client, "bob", "bob-password-1")["access_token"]
    api(live_server, ann, "POST", {"todo": "ann's secret"}, username="bob")
    api(live_server, bob, "POST", {"todo": "bob's"}, username="ann")
    assert api(live_server, ann, username="bob").json() == {"todos": ["ann's secret"]}
    assert api(live_server, bob, username="ann").json() == {"todos": ["bob's"]}
    assert api(live_server, bob, "DELETE", {"todo_idx": 1}, username="ann").status_code == 404
    assert Todo.objects.filter(user__username="ann").count() == 1


def test_host_mode_round_trip(live_server, platform_client, settings):
    """The platform on todo.<domain>: every OAuth URL is on the API's own host."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".localhost"]
    port = live_server.url.rsplit(":", 1)[1]
    host_base = f"http://todo.localhost:{port}"
    manifest = httpx.get(
        f"{live_server.url}/.well-known/ai-plugin.json", headers={"Host": f"todo.localhost:{port}"}
    ).json()
    assert manifest["auth"]["client_url"] == f"{host_base}/oauth/authorize"
    browser = Browser(live_server.url)
    browser.http.headers["Host"] = f"todo.localhost:{port}"
    result = approve(
        browser, authorize_url("/", platform_client["client_id"]), username="ann", password="ann-password-1"
    )
    token = httpx.post(
        f"{live_server.url}/oauth/token",
        headers={"Host": f"todo.localhost:{port}"},
        data={"grant_type": "authorization_code", "code": result["code"], "redirect_uri": CALLBACK},
        auth=(platform_client["client_id"], platform_client["client_secret"]),
    )
    assert token.status_code == 200, token.text


def test_sign_up_during_the_flow(live_server, platform_client):
    browser = Browser(live_server.url)
    result = approve(
        browser,
        authorize_url(BASE, platform_client["client_id"]),
        username="newcomer",
        password="a-Long-pass-9",
        sign_up=True,
    )
    assert result["code"]
    assert get_user_model().objects.filter(username="newcomer").exists()


def test_the_client_secret_is_stored_hashed(platform_client):
    stored = OAuthClient.objects.get(client_id=platform_client["client_id"]).client_secret
    assert stored != platform_client["client_secret"]
    # The fast client-secret hasher (gateway.oauth.hashers): a random 128-character secret needs no KDF.
    assert stored.startswith("gateway_sha256$")
    assert platform_client["client_secret"] not in stored


def test_spec_has_the_oauth2_scheme(live_server, platform_client):
    spec = httpx.get(f"{live_server.url}{BASE}openapi.json").json()
    flow = spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == f"{live_server.url}{BASE}oauth/authorize"
    assert flow["tokenUrl"] == f"{live_server.url}{BASE}oauth/token"
    assert spec["security"] == [{"oauth2": ["todos"]}]


def test_basic_auth_header_encoding_helper_sanity():
    # The platform's "basic authorization header" option: base64(client_id:secret).
    assert base64.b64encode(b"id:secret").decode() == "aWQ6c2VjcmV0"
