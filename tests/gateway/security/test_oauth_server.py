"""Attacks on the OAuth server (issue 11: findings 2, 5, 8, 10, 12 and the RFC 9700 gates), over real HTTP."""

import base64
import hashlib
import importlib
import json
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from oauth2_provider.checks import validate_bcp_configuration
from oauth2_provider.models import AccessToken, Grant, RefreshToken
from oauth2_provider.settings import DEFAULTS, oauth2_settings

from gateway.models import OAuthClient, Plugin, RedeemedCode
from gateway.services import oauth_client_create
from tests.gateway import test_oauth as round_trip
from tests.gateway.test_oauth import BASE, api, code_exchange, code_for, exchange, tokens_for
from tests.oauth_flow import CALLBACK, Browser, approve, authorize_url

pytestmark = pytest.mark.django_db(transaction=True)
LOOPBACK = "http://127.0.0.1:3030/callback"
# The round-trip tests' fixtures: the todo plugin in oauth mode with users ann and bob, and the platform's client.
oauth_plugin = round_trip.oauth_plugin
platform_client = round_trip.platform_client


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def refresh_body(client: dict, refresh_token: str) -> dict:
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
    }


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def signed_in_browser(live_server, base=BASE) -> Browser:
    browser = Browser(live_server.url)
    login = browser.get(f"{base}accounts/login/")
    browser.post_form(f"{base}accounts/login/", login.text, {"username": "ann", "password": "ann-password-1"})
    return browser


# RFC 9700 gates: all on, nothing silenced.


def test_every_rfc9700_gate_is_on_and_dot_reports_nothing():
    gates = [name for name in DEFAULTS if name.startswith("COMPLIANT_BCP_RFC9700_")]
    assert len(gates) == 10
    assert all(getattr(oauth2_settings, gate) is True for gate in gates)
    assert oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION is True
    assert oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES == ["https"]
    assert validate_bcp_configuration(None) == []


def test_user_passwords_keep_the_slow_default_hasher():
    from gateway.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert base.PASSWORD_HASHERS[-1] == "gateway.oauth.hashers.ClientSecretHasher"
    assert base.OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"] == "gateway_sha256"


# Loopback redirect URIs (RFC 8252) without `http` in ALLOWED_REDIRECT_URI_SCHEMES.


@pytest.mark.parametrize(
    "uris", [[LOOPBACK], ["http://localhost:8976/cb"], ["http://[::1]:9000/cb"], ["https://a.example/cb", LOOPBACK]]
)
def test_loopback_http_redirect_uris_register(live_server, oauth_plugin, uris):
    response = httpx.post(f"{live_server.url}{BASE}oauth/register", json={"redirect_uris": uris})
    assert response.status_code == 201, response.text
    assert OAuthClient.objects.get(client_id=response.json()["client_id"]).redirect_uris.split() == uris


@pytest.mark.parametrize("uris", ["http://evil.example/cb", f"{LOOPBACK} http://evil.example/cb"])
def test_plain_http_to_any_other_host_is_refused_by_the_model(uris):
    client = OAuthClient(
        plugin=Plugin.objects.get(slug="todo"),
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=uris,
    )
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "redirect_uris" in error.value.message_dict


def test_a_loopback_client_gets_its_error_redirect_on_any_port(live_server, oauth_plugin):
    """A validation error for a loopback client redirects (with iss) instead of failing on the http scheme."""
    client = OAuthClient.objects.create(
        plugin=Plugin.objects.get(slug="todo"),
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=LOOPBACK,
    )
    browser = signed_in_browser(live_server)
    # No PKCE: refused, back to the client's ephemeral port (RFC 8252 §7.3).
    response = browser.get(authorize_url(BASE, client.client_id, redirect_uri="http://127.0.0.1:49152/callback"))
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("http://127.0.0.1:49152/callback?")
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["invalid_request"]
    assert query["iss"] == [f"{live_server.url}/plugins/todo"]


# Finding 8: tokens and codes stored hashed.


def test_codes_and_tokens_are_stored_as_their_sha256_only(live_server, platform_client, admin_client):
    result = code_for(live_server, platform_client["client_id"])
    grant = Grant.objects.get()
    assert grant.code == sha256(result["code"])

    tokens = exchange(live_server, code_exchange(platform_client, result["code"]), as_json=True).json()
    access, refresh = AccessToken.objects.get(), RefreshToken.objects.get()
    assert (access.token, access.token_checksum) == ("", sha256(tokens["access_token"]))
    assert (refresh.token, refresh.token_checksum) == ("", sha256(tokens["refresh_token"]))
    assert RedeemedCode.objects.get().code_hash == sha256(result["code"])
    assert api(live_server, tokens["access_token"]).status_code == 200

    for page in ("accesstoken", "refreshtoken"):
        html = admin_client.get(f"/admin/oauth2_provider/{page}/").content.decode()
        assert tokens["access_token"] not in html and tokens["refresh_token"] not in html


def test_the_token_cache_works_with_hashed_tokens(live_server, platform_client, settings):
    settings.GATEWAY_TOKEN_CACHE_SECONDS = 60
    tokens = tokens_for(live_server, platform_client)
    assert api(live_server, tokens["access_token"]).status_code == 200
    assert api(live_server, tokens["access_token"]).status_code == 200  # from the cache
    revoke = {"token": tokens["access_token"], **{k: platform_client[k] for k in ("client_id", "client_secret")}}
    assert httpx.post(f"{live_server.url}{BASE}oauth/revoke", data=revoke).status_code == 200
    assert api(live_server, tokens["access_token"]).status_code == 401


def test_the_migration_blanks_clear_tokens_and_hashes_codes_and_they_keep_working(live_server, oauth_plugin):
    plugin = Plugin.objects.get(slug="todo")
    client, secret = oauth_client_create(plugin=plugin, redirect_uris=[CALLBACK], pkce_exempt=True)
    ann = get_user_model().objects.get(username="ann")
    expires = timezone.now() + timedelta(hours=1)
    # The old way: the clear value in `token` / `code` (DOT derives the checksum from it).
    access = AccessToken.objects.create(
        user=ann, application=client, token="old-access", scope="todos", expires=expires
    )
    RefreshToken.objects.create(user=ann, application=client, token="old-refresh", access_token=access)
    Grant.objects.create(
        user=ann, application=client, code="old-code", expires=expires, redirect_uri=CALLBACK, scope="todos"
    )

    migration = importlib.import_module("gateway.migrations.0006_hash_stored_tokens")
    with connection.schema_editor() as editor:
        migration.forward(apps, editor)

    assert set(AccessToken.objects.values_list("token", flat=True)) == {""}
    assert set(RefreshToken.objects.values_list("token", flat=True)) == {""}
    assert Grant.objects.get().code == sha256("old-code")
    assert api(live_server, "old-access").status_code == 200
    legacy = {"client_id": client.client_id, "client_secret": secret}
    refreshed = exchange(live_server, refresh_body(legacy, "old-refresh"), as_json=False)
    assert refreshed.status_code == 200, refreshed.text
    exchanged = exchange(live_server, code_exchange(legacy, "old-code"), as_json=False)
    assert exchanged.status_code == 200, exchanged.text


# Finding 10: replays revoke.


def test_a_replayed_code_is_refused_and_revokes_the_tokens_of_its_first_use(live_server, platform_client):
    result = code_for(live_server, platform_client["client_id"])
    body = code_exchange(platform_client, result["code"])
    tokens = exchange(live_server, body, as_json=True).json()
    assert api(live_server, tokens["access_token"]).status_code == 200

    replay = exchange(live_server, body, as_json=True)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert api(live_server, tokens["access_token"]).status_code == 401
    refreshed = exchange(live_server, refresh_body(platform_client, tokens["refresh_token"]), as_json=True)
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_redeemed_code_records_older_than_a_day_are_pruned(live_server, platform_client):
    client = OAuthClient.objects.get()
    RedeemedCode.objects.create(code_hash="0" * 64, client=client, redeemed_at=timezone.now() - timedelta(days=2))
    tokens_for(live_server, platform_client)
    assert list(RedeemedCode.objects.values_list("client_id", flat=True)) == [client.pk]
    assert RedeemedCode.objects.get().code_hash != "0" * 64


def test_a_replayed_rotated_refresh_token_revokes_the_whole_family(live_server, platform_client):
    first = tokens_for(live_server, platform_client)
    second = exchange(live_server, refresh_body(platform_client, first["refresh_token"]), as_json=True).json()
    third = exchange(live_server, refresh_body(platform_client, second["refresh_token"]), as_json=True).json()
    assert api(live_server, third["access_token"]).status_code == 200

    replay = exchange(live_server, refresh_body(platform_client, first["refresh_token"]), as_json=True)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert api(live_server, third["access_token"]).status_code == 401
    latest = exchange(live_server, refresh_body(platform_client, third["refresh_token"]), as_json=True)
    assert latest.status_code == 400
    assert not AccessToken.objects.exists()
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0


# RFC 9207: each plugin is the issuer of its authorization responses.


def test_iss_on_success_and_deny_redirects_is_the_plugins_issuer(live_server, platform_client):
    issuer = f"{live_server.url}/plugins/todo"
    metadata = httpx.get(f"{live_server.url}{BASE}.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == issuer
    assert metadata["authorization_response_iss_parameter_supported"] is True

    allowed = code_for(live_server, platform_client["client_id"])
    assert allowed["iss"] == issuer and allowed["code"]
    denied = approve(
        Browser(live_server.url),
        authorize_url(BASE, platform_client["client_id"]),
        username="ann",
        password="ann-password-1",
        allow=False,
    )
    assert (denied["error"], denied["iss"], denied["state"]) == ("access_denied", issuer, "xyz-state")


def test_iss_in_host_mode_is_the_plugins_own_host(live_server, platform_client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".localhost"]
    port = live_server.url.rsplit(":", 1)[1]
    host = f"todo.localhost:{port}"
    browser = Browser(live_server.url)
    browser.http.headers["Host"] = host
    result = approve(
        browser, authorize_url("/", platform_client["client_id"]), username="ann", password="ann-password-1"
    )
    assert result["iss"] == f"http://{host}"
    metadata = httpx.get(f"{live_server.url}/.well-known/oauth-authorization-server", headers={"Host": host}).json()
    assert metadata["issuer"] == result["iss"]


# PKCE required (S256) of every client but an operator's explicit exemption.


def register(live_server, **metadata) -> dict:
    response = httpx.post(f"{live_server.url}{BASE}oauth/register", json={"redirect_uris": [CALLBACK], **metadata})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "none"])
def test_a_self_registered_client_without_pkce_gets_no_code(live_server, oauth_plugin, auth_method):
    client = register(live_server, token_endpoint_auth_method=auth_method)
    response = signed_in_browser(live_server).get(authorize_url(BASE, client["client_id"]))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query and not Grant.objects.exists()


def test_a_self_registered_confidential_client_with_s256_gets_tokens(live_server, oauth_plugin):
    client = register(live_server, token_endpoint_auth_method="client_secret_post")
    verifier, challenge = pkce_pair()
    url = authorize_url(BASE, client["client_id"], code_challenge=challenge, code_challenge_method="S256")
    result = approve(Browser(live_server.url), url, username="ann", password="ann-password-1")
    body = {**code_exchange(client, result["code"]), "code_verifier": verifier}
    response = exchange(live_server, body, as_json=False)
    assert response.status_code == 200, response.text


def test_the_plain_pkce_method_is_refused(live_server, oauth_plugin):
    client = register(live_server, token_endpoint_auth_method="none")
    url = authorize_url(BASE, client["client_id"], code_challenge="x" * 43, code_challenge_method="plain")
    # Refused at once, before the sign-in page (test_oauth.py covers a signed-in user and no method).
    response = Browser(live_server.url).get(url)
    assert response.headers["location"].startswith(CALLBACK)
    result = parse_qs(urlsplit(response.headers["location"]).query)
    assert result["error"] == ["invalid_request"] and "code" not in result
    assert not Grant.objects.exists()


def test_an_operator_registered_client_needs_pkce_unless_exempted(live_server, oauth_plugin, capsys):
    call_command("plugin_oauth_client", "todo", "--redirect-uri", CALLBACK)
    strict = json.loads(capsys.readouterr().out)
    assert OAuthClient.objects.get(client_id=strict["client_id"]).pkce_exempt is False
    response = signed_in_browser(live_server).get(authorize_url(BASE, strict["client_id"]))
    assert parse_qs(urlsplit(response.headers["location"]).query)["error"] == ["invalid_request"]

    call_command("plugin_oauth_client", "todo", "--redirect-uri", CALLBACK, "--no-pkce")
    legacy = json.loads(capsys.readouterr().out)
    assert OAuthClient.objects.get(client_id=legacy["client_id"]).pkce_exempt is True
    assert tokens_for(live_server, legacy)["access_token"]


@pytest.mark.parametrize(
    ("client_type", "source"), [("public", "manual"), ("confidential", "dcr"), ("confidential", "cimd")]
)
def test_only_operator_registered_confidential_clients_may_be_exempt(client_type, source):
    client = OAuthClient(
        plugin=Plugin.objects.get(slug="todo"),
        client_type=client_type,
        registration_source=source,
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
        pkce_exempt=True,
    )
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert error.value.message_dict["pkce_exempt"] == [
        "Only a confidential client registered by an operator may be exempt from PKCE."
    ]
    # A row written around clean() is still not exempt.
    assert client.requires_pkce is True


def test_the_exemption_is_an_admin_checkbox_with_its_reason(admin_client):
    page = admin_client.get("/admin/gateway/oauthclient/add/").content.decode()
    assert 'name="pkce_exempt"' in page
    assert "legacy ChatGPT plugin and GPT Action flows send none" in page


# Finding 2: client secrets.


def test_a_wrong_secret_and_an_unknown_client_get_the_same_answer(live_server, platform_client):
    result = code_for(live_server, platform_client["client_id"])
    body = code_exchange(platform_client, result["code"])
    wrong = exchange(live_server, {**body, "client_secret": "x" * 128}, as_json=False)
    unknown = exchange(live_server, {**body, "client_id": "nobody"}, as_json=False)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"] == "invalid_client"
    # The code is not spent by a failed client authentication.
    assert exchange(live_server, body, as_json=False).status_code == 200


@pytest.mark.parametrize("basic", [False, True], ids=["body", "basic"])
def test_a_pbkdf2_secret_is_rehashed_on_its_next_success(live_server, oauth_plugin, settings, basic):
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    secret = "s" * 128
    client = OAuthClient.objects.create(
        plugin=Plugin.objects.get(slug="todo"),
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
        client_secret=make_password(secret, hasher="pbkdf2_sha256"),
        pkce_exempt=True,
    )
    credentials = {"client_id": client.client_id, "client_secret": secret}
    wrong = exchange(live_server, code_exchange({**credentials, "client_secret": "w" * 128}, "x"), as_json=False)
    assert wrong.status_code == 401
    client.refresh_from_db()
    assert client.client_secret.startswith("pbkdf2_sha256$")  # a wrong secret changes nothing

    code = code_for(live_server, client.client_id)["code"]
    if basic:
        body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
        response = exchange(live_server, body, as_json=False, auth=(client.client_id, secret))
    else:
        response = exchange(live_server, code_exchange(credentials, code), as_json=False)
    assert response.status_code == 200, response.text
    client.refresh_from_db()
    assert client.client_secret.startswith("gateway_sha256$")
    # ... and the same secret keeps working under the new hash.
    assert tokens_for(live_server, credentials)["access_token"]


# Finding 5 (part): grant types the gateway does not serve.


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
@pytest.mark.parametrize(
    "grant_type", ["urn:ietf:params:oauth:grant-type:device_code", "client_credentials", "password", "implicit"]
)
def test_other_grant_types_are_unsupported_not_500(live_server, platform_client, as_json, grant_type):
    body = {"grant_type": grant_type, **{k: platform_client[k] for k in ("client_id", "client_secret")}}
    response = exchange(live_server, body, as_json=as_json)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert "authorization_code" in response.json()["error_description"]
    assert not AccessToken.objects.exists()


# Finding 12: approval_prompt=auto never skips consent.


def test_approval_prompt_auto_still_shows_the_consent_page(live_server, platform_client):
    browser = Browser(live_server.url)
    url = authorize_url(BASE, platform_client["client_id"])
    first = approve(browser, url, username="ann", password="ann-password-1")
    assert exchange(live_server, code_exchange(platform_client, first["code"]), as_json=True).status_code == 200

    again = browser.get(authorize_url(BASE, platform_client["client_id"], approval_prompt="auto"))
    assert again.status_code == 200, again.headers.get("location")
    assert 'id="authorizationForm"' in again.text
    assert Grant.objects.count() == 0


def test_the_upgrade_exempts_only_existing_operator_registered_confidential_clients():
    plugin = Plugin.objects.get(slug="todo")
    clients = {
        (client_type, source): OAuthClient.objects.create(
            plugin=plugin,
            client_type=client_type,
            registration_source=source,
            authorization_grant_type="authorization-code",
            redirect_uris=CALLBACK,
        )
        for client_type, source in [("confidential", "manual"), ("confidential", "dcr"), ("public", "manual")]
    }
    migration = importlib.import_module("gateway.migrations.0005_oauth_client_pkce_exempt_and_redeemed_codes")
    with connection.schema_editor() as editor:
        migration.exempt_existing_platform_clients(apps, editor)
    exempt = {key for key, client in clients.items() if OAuthClient.objects.get(pk=client.pk).pkce_exempt}
    assert exempt == {("confidential", "manual")}
