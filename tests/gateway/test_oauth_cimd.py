"""Client ID Metadata Documents: an https client_id is fetched, checked, kept per plugin; hostile ones fail."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from gateway.models import OAuthClient, Plugin
from plugins.todo.models import Todo
from tests.gateway.cimd_server import CALLBACK, authorize_path, document, pkce_pair, running_document_server
from tests.oauth_flow import Browser, approve, hidden_fields

BASE = "/plugins/todo/"


@pytest.fixture
def ann(db):
    Plugin.objects.filter(slug__in=["todo", "weather"]).update(auth_mode="oauth")
    return get_user_model().objects.create_user("ann", password="ann-password-1")


@pytest.fixture
def documents(settings, monkeypatch, tmp_path):
    yield from running_document_server(settings, monkeypatch, tmp_path)


@pytest.fixture
def signed_in(client, ann):
    client.force_login(ann)
    return client


def consent(client, client_id, *, base=BASE, **kwargs):
    _verifier, challenge = pkce_pair()
    return client.get(authorize_path(base, client_id, challenge, **kwargs))


def refused(response, *words):
    """Assert a refusal on the page (no redirect to a callback nobody vouched for) naming the problem."""
    page = response.content.decode()
    assert response.status_code == 400, page
    assert "This sign-in link is not valid" in page
    for word in words:
        assert word in page, page
    assert OAuthClient.objects.count() == 0


def test_authorization_server_metadata_advertises_cimd(client, ann):
    metadata = client.get("/.well-known/oauth-authorization-server/plugins/todo").json()
    assert metadata["client_id_metadata_document_supported"] is True
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "none" in metadata["token_endpoint_auth_methods_supported"]


def test_a_document_becomes_a_public_client_of_the_plugin_shown_by_its_domain(signed_in, documents):
    url = documents.serve("/oauth/client.json", None)
    documents.serve("/oauth/client.json", document(url), headers={"Cache-Control": "max-age=600"})
    response = consent(signed_in, url)
    page = response.content.decode()
    assert response.status_code == 200, page
    client = OAuthClient.objects.get()
    assert (client.plugin.slug, client.metadata_url, client.name) == ("todo", url, "Example Assistant")
    assert client.client_type == "public" and client.registration_source == "cimd" and client.requires_pkce
    # Public: it has no secret of its own (DOT's unused random one is stored hashed, as for every client).
    assert client.redirect_uris == CALLBACK and client.client_secret.startswith("gateway_sha256$")
    assert 600 - 5 < (client.cimd_expires_at - timezone.now()).total_seconds() <= 600
    # The consent page names the domain that published the document, and where the access goes.
    assert '<span id="client-domain">(localhost)</span>' in page and "app.example" in page
    assert hidden_fields(page)["client_id"] == client.client_id != url
    # A revocation is one click away, as the page promises.
    assert 'href="/plugins/todo/account/"' in page


def test_the_document_is_cached_then_fetched_again_when_stale(signed_in, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    consent(signed_in, url)
    consent(signed_in, url)
    assert documents.hits["/c.json"] == 1
    documents.serve("/c.json", document(url, client_name="Example Assistant 2"))
    OAuthClient.objects.update(cimd_expires_at=timezone.now() - timedelta(seconds=1))
    assert consent(signed_in, url).status_code == 200
    assert documents.hits["/c.json"] == 2
    assert OAuthClient.objects.get().name == "Example Assistant 2"


def test_one_url_is_one_client_per_plugin(signed_in, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    assert consent(signed_in, url).status_code == 200
    assert consent(signed_in, url, base="/plugins/weather/").status_code == 200
    clients = OAuthClient.objects.order_by("plugin__slug")
    assert [c.plugin.slug for c in clients] == ["todo", "weather"]
    assert clients[0].client_id != clients[1].client_id


def test_no_fetch_before_sign_in(client, ann, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    response = consent(client, url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert documents.hits == {}


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"client_id": "https://other.example/c.json"}, ["another client_id"]),
        ({"client_secret": "s3cret"}, ["client secret"]),
        ({"token_endpoint_auth_method": "client_secret_basic"}, ["token_endpoint_auth_method none"]),
        ({"redirect_uris": None}, ["redirect_uris"]),
        ({"redirect_uris": ["http://app.example/cb"]}, ["use https"]),
        ({"client_name": "ChatGPT"}, ["reserved"]),
        ({"grant_types": ["client_credentials"]}, ["grant_types"]),
    ],
    ids=["wrong-client-id", "secret", "auth-method", "no-redirect-uris", "http-redirect", "platform-name", "grant"],
)
def test_an_invalid_document_is_refused_with_its_reason(signed_in, documents, fields, words):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url, **fields))
    refused(consent(signed_in, url), *words)


def test_a_document_too_big_is_refused(signed_in, documents):
    url = documents.url + "/big.json"
    documents.serve("/big.json", document(url, software_statement="x" * 20_000))
    refused(consent(signed_in, url), "larger than 16384 bytes")


def test_a_slow_document_is_refused_within_the_timeout(signed_in, documents, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "CIMD_FETCH_TIMEOUT_SECONDS": 1}
    url = documents.url + "/slow.json"
    documents.serve("/slow.json", document(url), delay=3)
    started = timezone.now()
    refused(consent(signed_in, url), "no answer within 1 seconds")
    assert timezone.now() - started < timedelta(seconds=3)


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "status-and-headers"])
def test_a_document_dripped_byte_by_byte_is_cut_off(signed_in, documents, settings, headers_too):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "CIMD_FETCH_TIMEOUT_SECONDS": 1}
    url = documents.url + "/drip.json"
    body = b'{"client_id": "' + url.encode() + b'"' + b" " * 200 + b"}"
    documents.drip("/drip.json", body, every=0.05, headers_too=headers_too)
    started = timezone.now()
    refused(consent(signed_in, url), "within 1 seconds")
    assert timezone.now() - started < timedelta(seconds=3)


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:8000/internal", "http://169.254.169.254/latest/meta-data/", "https://app.example/c"]
)
def test_a_redirect_is_never_followed(signed_in, documents, target):
    url = documents.serve("/moved.json", b"", status=302, headers={"Location": target})
    refused(consent(signed_in, url), "redirect (302); none is followed")
    assert documents.hits == {"/moved.json": 1}


@pytest.mark.parametrize(
    ("client_id", "words"),
    [
        ("http://localhost/c.json", ["absolute https URL"]),
        ("https://10.0.0.7/c.json", ["private or reserved address"]),
        ("https://169.254.169.254/latest/meta-data/", ["private or reserved address"]),
        ("https://[::ffff:127.0.0.1]/c.json", ["private or reserved address"]),
        ("https://app.example/", ["must have a path"]),
        ("https://user:pw@app.example/c.json", ["user name"]),
        ("https://app.example/" + "a" * 300, ["longer than 255"]),
    ],
)
def test_a_client_id_url_that_cannot_be_fetched_safely_is_refused(signed_in, client_id, words):
    refused(consent(signed_in, client_id), *words)


def test_loopback_is_refused_outside_tests(signed_in, documents, settings):
    settings.GATEWAY_CIMD_ALLOW_LOOPBACK = False
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    refused(consent(signed_in, url), "private or reserved address")
    assert documents.hits == {}


def test_a_refused_document_is_not_fetched_again_at_once(signed_in, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url, client_secret="x"))
    refused(consent(signed_in, url), "client secret")
    documents.serve("/c.json", document(url))
    refused(consent(signed_in, url), "client secret", "try again in a minute")
    assert documents.hits == {"/c.json": 1}


def test_a_failed_refetch_keeps_the_client_as_it_was(signed_in, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    consent(signed_in, url)
    OAuthClient.objects.update(cimd_expires_at=timezone.now() - timedelta(seconds=1))
    documents.serve("/c.json", document(url, redirect_uris=["https://evil.example/cb"], client_secret="x"))
    response = consent(signed_in, url)
    assert response.status_code == 400
    assert OAuthClient.objects.get().redirect_uris == CALLBACK


def test_cimd_round_trip_sign_in_consent_token_api_refresh(live_server, ann, documents):
    """The platform's whole flow over HTTP with a URL as client_id and PKCE, as an MCP client runs it."""
    url = documents.url + "/client.json"
    documents.serve("/client.json", document(url))
    verifier, challenge = pkce_pair()
    browser = Browser(live_server.url)
    redirect = approve(browser, authorize_path(BASE, url, challenge), username="ann", password="ann-password-1")
    assert redirect["location"].startswith(CALLBACK) and redirect["state"] == "s-1"
    assert redirect["iss"] == f"{live_server.url}/plugins/todo"
    token_url = f"{live_server.url}{BASE}oauth/token"
    exchange = {"grant_type": "authorization_code", "code": redirect["code"], "redirect_uri": CALLBACK}
    response = httpx.post(token_url, data={**exchange, "client_id": url, "code_verifier": verifier}, timeout=30)
    assert response.status_code == 200, response.text
    tokens = response.json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    created = httpx.post(f"{live_server.url}{BASE}todos/ann", json={"todo": "via CIMD"}, headers=headers, timeout=30)
    assert created.status_code == 200, created.text
    assert list(Todo.objects.values_list("user__username", "text")) == [("ann", "via CIMD")]
    # The same URL refreshes (a public client: no secret, and the refresh token rotates).
    refreshed = httpx.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": url},
        timeout=30,
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
    # The token is the todo plugin's: another plugin refuses it.
    other = httpx.get(f"{live_server.url}/plugins/weather/current?lat=1&lon=2", headers=headers, timeout=30)
    assert other.status_code == 401, other.text


def test_the_token_endpoint_does_not_fetch_documents(client, ann, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    body = {"grant_type": "authorization_code", "code": "x", "redirect_uri": CALLBACK, "client_id": url}
    response = client.post(f"{BASE}oauth/token", body)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert documents.hits == {} and OAuthClient.objects.count() == 0


def test_consent_posts_the_plugins_own_client_id(signed_in, documents):
    url = documents.url + "/c.json"
    documents.serve("/c.json", document(url))
    page = consent(signed_in, url).content.decode()
    fields = {**hidden_fields(page), "allow": "Authorize"}
    answer = signed_in.post(f"{BASE}oauth/authorize", fields)
    assert answer.status_code == 302
    assert "code" in parse_qs(urlsplit(answer["Location"]).query)


def test_the_official_mcp_client_connects_with_its_metadata_document(live_server, ann, documents):
    """The MCP SDK sees client_id_metadata_document_supported and sends its document's URL, not a registration."""
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

    from tests.gateway.mcp.mcp_client import run_client
    from tests.gateway.mcp.test_oauth import CALLBACK as SDK_CALLBACK
    from tests.gateway.mcp.test_oauth import MemoryStorage

    url = documents.url + "/mcp-client.json"
    documents.serve("/mcp-client.json", document(url, client_name="SDK client", redirect_uris=[SDK_CALLBACK]))
    mcp_url = f"{live_server.url}/plugins/todo/mcp"
    browser, seen, storage = Browser(live_server.url), {}, MemoryStorage()

    async def redirect_handler(authorization_url: str):
        seen["redirect"] = approve(browser, authorization_url, username="ann", password="ann-password-1")

    async def callback_handler():
        redirect = seen["redirect"]
        return AuthorizationCodeResult(code=redirect["code"], state=redirect["state"], iss=redirect.get("iss"))

    metadata = OAuthClientMetadata(
        client_name="SDK client", redirect_uris=[SDK_CALLBACK], token_endpoint_auth_method="none"
    )
    auth = OAuthClientProvider(mcp_url, metadata, storage, redirect_handler, callback_handler, client_metadata_url=url)

    async def add(client):
        return await client.call_tool("addTodo", {"username": "ignored", "todo": "via the SDK and CIMD"})

    assert run_client(mcp_url, add, auth=auth).is_error is False
    assert storage.client_info.client_id == url
    client = OAuthClient.objects.get()
    assert (client.metadata_url, client.registration_source, client.name) == (url, "cimd", "SDK client")
    assert Todo.objects.get(user=ann).text == "via the SDK and CIMD"


def test_an_operator_cannot_give_a_client_a_url_as_client_id(ann):
    client = OAuthClient(
        plugin=Plugin.objects.get(slug="todo"),
        client_id="https://app.example/c.json",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
    )
    with pytest.raises(ValidationError, match="kept for client metadata documents"):
        client.full_clean()
