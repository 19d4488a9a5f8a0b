"""Hostile dynamic client registration: platform names, smuggled redirect URIs, bad types, the limits.

Issue 11 findings 1, 4, 5 (registration), 9 and 13 (registration).
"""

import httpx
import pytest
from django.contrib.auth import get_user_model

from gateway.models import OAuthClient
from tests.oauth_flow import Browser, authorize_url, csrf_token

from .limits import fresh_window

pytestmark = pytest.mark.django_db
URL = "/plugins/todo/oauth/register"
CLAUDE_CALLBACK = "https://claude.ai/api/mcp/auth_callback"
# An S256 pair (RFC 7636 appendix B), so the flow holds whatever the PKCE policy for DCR clients.
PKCE = {"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}


@pytest.fixture
def oauth_todo(plugin_row):
    return plugin_row(auth_mode="oauth")


def register(client, address: str | None = None, **metadata):
    body = {"redirect_uris": [CLAUDE_CALLBACK], "client_name": "Agent X", **metadata}
    headers = {"HTTP_X_FORWARDED_FOR": address} if address else {}
    return client.post(URL, body, content_type="application/json", **headers)


def assert_refused(response, error: str, field: str):
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["error"] == error
    assert answer["error_description"].startswith(f"{field}:") or field in answer["error_description"]
    assert not OAuthClient.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "ChatGPT",
        "chatgpt",
        "My ChatGPT helper",
        "Open AI",
        "GPT-4 agent",
        "Claude",
        "claude.ai connector",
        "ANTHROPIC",
        "Google Gemini",
        "Microsoft Copilot",
        "ＣｈａｔＧＰＴ",
        "TODO List",
        "todo",
        "Plugin Gateway",
    ],
)
def test_platform_and_own_names_are_refused_for_self_registered_clients(client, oauth_todo, name):
    response = register(client, redirect_uris=["https://attacker.example/cb"], client_name=name)
    assert_refused(response, "invalid_client_metadata", "client_name")
    assert "reserved" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("name", "uris"),
    [("Claude", [CLAUDE_CALLBACK]), ("ChatGPT", ["https://chatgpt.com/connector_platform_oauth_redirect"])],
)
def test_a_platform_registering_its_own_callbacks_keeps_its_name(client, oauth_todo, name, uris):
    response = register(client, redirect_uris=uris, client_name=name)
    assert response.status_code == 201, response.content
    assert OAuthClient.objects.get().name == name


def test_a_platform_name_with_one_foreign_callback_is_refused(client, oauth_todo):
    uris = ["https://chatgpt.com/connector_platform_oauth_redirect", "https://attacker.example/cb"]
    assert_refused(
        register(client, redirect_uris=uris, client_name="ChatGPT"), "invalid_client_metadata", "client_name"
    )


@pytest.mark.parametrize(
    "uri",
    [
        "https://a.example/cb http://evil.com/cb",
        "https://a.example/cb\thttp://evil.com/cb",
        "https://a.example/cb\nhttp://evil.com/cb",
        "https://a.example/cb\x0bhttp://evil.com/cb",
        "https://a.example/cb\u00a0http://evil.com/cb",
        "https://a.example/cb\u2028http://evil.com/cb",
        "https://exämple.com/cb",
    ],
)
def test_redirect_uri_smuggling_is_refused(client, oauth_todo, uri):
    assert_refused(register(client, redirect_uris=[uri]), "invalid_redirect_uri", "redirect_uris")


@pytest.mark.parametrize(
    ("metadata", "error", "field"),
    [
        ({"response_types": 5}, "invalid_client_metadata", "response_types"),
        ({"response_types": ["token"]}, "invalid_client_metadata", "response_types"),
        ({"grant_types": [[]]}, "invalid_client_metadata", "grant_types"),
        ({"grant_types": "authorization_code"}, "invalid_client_metadata", "grant_types"),
        ({"token_endpoint_auth_method": {}}, "invalid_client_metadata", "token_endpoint_auth_method"),
        ({"client_name": 5}, "invalid_client_metadata", "client_name"),
        ({"client_name": "x" * 101}, "invalid_client_metadata", "client_name"),
        ({"client_name": "Agent \u202eX"}, "invalid_client_metadata", "client_name"),
        ({"scope": ["todos"]}, "invalid_client_metadata", "scope"),
        ({"redirect_uris": "https://a.example/cb"}, "invalid_redirect_uri", "redirect_uris"),
        ({"redirect_uris": ["http://[::1/cb"]}, "invalid_redirect_uri", "redirect_uris"),
        ({"redirect_uris": ["https://a.example:99999/cb"]}, "invalid_redirect_uri", "redirect_uris"),
        ({"redirect_uris": ["https://chatgpt.com@attacker.example/cb"]}, "invalid_redirect_uri", "redirect_uris"),
        ({"redirect_uris": [f"https://a.example/cb{n}" for n in range(11)]}, "invalid_redirect_uri", "redirect_uris"),
        ({"redirect_uris": ["https://a.example/" + "x" * 2000]}, "invalid_redirect_uri", "redirect_uris"),
    ],
)
def test_malformed_metadata_is_a_400_naming_the_field(client, oauth_todo, metadata, error, field):
    assert_refused(register(client, **metadata), error, field)


def test_ten_redirect_uris_are_accepted(client, oauth_todo):
    uris = [f"https://a.example/cb{n}" for n in range(10)]
    response = register(client, redirect_uris=uris)
    assert response.status_code == 201
    assert OAuthClient.objects.get().redirect_uris.split() == uris


def test_invalid_registrations_do_not_use_up_the_hour(client, oauth_todo, settings):
    settings.GATEWAY_DCR_PER_HOUR = 2
    fresh_window(3600)
    assert {register(client, redirect_uris=["http://junk.example/cb"]).status_code for _ in range(25)} == {400}
    assert [register(client).status_code for _ in range(2)] == [201, 201]
    refused = register(client)
    assert refused.status_code == 429
    assert refused.json()["error"] == "slow_down" and refused.json()["error_description"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert OAuthClient.objects.count() == 2


def test_registrations_are_counted_per_client_address_behind_the_proxy(client, oauth_todo, settings):
    settings.GATEWAY_DCR_PER_HOUR = 2
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    fresh_window(3600)
    # The proxy appends the address it saw; what the client put before it is not trusted.
    first = ["198.51.100.9, 203.0.113.1", "203.0.113.1", "198.51.100.10, 203.0.113.1"]
    assert [register(client, address).status_code for address in first] == [201, 201, 429]
    assert register(client, "203.0.113.2").status_code == 201
    assert OAuthClient.objects.count() == 3


def test_all_addresses_together_are_capped_per_plugin(client, oauth_todo, settings):
    settings.GATEWAY_DCR_PLUGIN_PER_HOUR = 3
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    fresh_window(3600)
    statuses = [register(client, f"203.0.113.{n}").status_code for n in range(1, 5)]
    assert statuses == [201, 201, 201, 429]
    assert OAuthClient.objects.count() == 3


def consent_page(live_server, client_id: str, redirect_uri: str) -> str:
    """Sign in through the authorize link and return the consent page's HTML."""
    get_user_model().objects.create_user("ann", password="ann-password-1")
    browser = Browser(live_server.url)
    login = browser.get(authorize_url("/plugins/todo/", client_id, redirect_uri=redirect_uri, **PKCE))
    login_url = login.headers["location"]
    page = browser.get(login_url)
    next_url = httpx.URL(login_url).params["next"]
    signed_in = browser.post_form(
        httpx.URL(login_url).path, page.text, {"username": "ann", "password": "ann-password-1", "next": next_url}
    )
    consent = browser.get(signed_in.headers["location"])
    assert consent.status_code == 200 and csrf_token(consent.text)
    return consent.text


@pytest.mark.django_db(transaction=True)
def test_consent_page_shows_the_redirect_host_and_that_the_app_is_unverified(live_server, oauth_todo):
    answer = httpx.post(
        f"{live_server.url}{URL}",
        json={"redirect_uris": ["https://attacker.example/cb"], "client_name": "Helpful Assistant"},
    ).json()
    html = consent_page(live_server, answer["client_id"], "https://attacker.example/cb")
    assert '<strong id="redirect-host">attacker.example</strong>' in html
    assert "Unverified app" in html and "“Helpful Assistant” is the name" in html


@pytest.mark.django_db(transaction=True)
def test_consent_page_of_an_operator_registered_client_shows_the_host_only(live_server, oauth_todo):
    client = OAuthClient.objects.create(
        plugin=oauth_todo,
        name="ChatGPT",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://chatgpt.com/aip/g-1/oauth/callback",
    )
    html = consent_page(live_server, client.client_id, "https://chatgpt.com/aip/g-1/oauth/callback")
    assert '<strong id="redirect-host">chatgpt.com</strong>' in html
    assert "Unverified app" not in html


@pytest.mark.parametrize(
    "metadata",
    [{"redirect_uris": ["https://a.example/cb\x00"]}, {"client_name": "Agent\x00X"}],
    ids=["uri", "name"],
)
def test_nul_bytes_are_refused_before_the_view(client, oauth_todo, metadata):
    response = register(client, **metadata)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request" and "NUL" in response.json()["error_description"]
    assert not OAuthClient.objects.exists()


def test_a_deeply_nested_body_is_a_400(client, oauth_todo):
    body = '{"redirect_uris": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "nests deeper" in response.json()["error_description"]
    assert not OAuthClient.objects.exists()


@pytest.mark.parametrize("name", ["\u0421laude", "ChatG\u0420\u0422", "Cl\u0430ude", "Cl\u0251ude", "0penAI", "OpenAl"])
def test_look_alike_platform_names_are_refused(client, oauth_todo, name):
    response = register(client, redirect_uris=["https://attacker.example/cb"], client_name=name)
    assert_refused(response, "invalid_client_metadata", "client_name")


@pytest.mark.parametrize("name", ["Agent X", "Café Müller", "Новости", "東京エージェント"])
def test_names_in_one_alphabet_are_kept(client, oauth_todo, name):
    response = register(client, client_name=name)
    assert response.status_code == 201, response.content
    assert OAuthClient.objects.get().name == name


def test_a_blank_name_reads_as_the_default_on_the_consent_page(client, oauth_todo):
    response = register(client, client_name="   ")
    assert response.status_code == 201
    assert response.json()["client_name"] == "MCP client" == OAuthClient.objects.get().name
