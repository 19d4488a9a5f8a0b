"""Brute force: passwords at the sign-in pages and the admin, client secrets at the token endpoint.

Issue 11 findings 2 (throttle part) and 7.
"""

import uuid

import httpx
import pytest
from django.contrib.auth import get_user_model

from gateway.models import OAuthClient
from tests.gateway.ops.conftest import REDIS_CACHE
from tests.gateway.test_oauth import BASE, code_exchange, code_for, exchange, oauth_plugin, platform_client
from tests.oauth_flow import CALLBACK

from .limits import fresh_window

__all__ = ["oauth_plugin", "platform_client"]  # fixtures shared with the OAuth round-trip tests

SIGN_IN = "/plugins/todo/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def sign_in(client, password: str, username: str = "ann", address: str | None = None, url: str = SIGN_IN):
    headers = {"HTTP_X_FORWARDED_FOR": address} if address else {}
    return client.post(url, {"username": username, "password": password}, **headers)


def assert_paused(response, client):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    page = response.content.decode()
    assert "Too many sign-in attempts" in page and "try again in" in page
    assert "_auth_user_id" not in client.session


@pytest.fixture(params=["locmem", "redis"])
def counters_in(request, settings):
    """Count in the memory cache, then in a real Redis (db 15, a key prefix of its own)."""
    if request.param == "redis":
        settings.CACHES = {"default": {**REDIS_CACHE, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SIGN_IN, ADMIN_LOGIN], ids=["plugin", "admin"])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, url, counters_in):
    get_user_model().objects.create_superuser("ann", password="ann-password-1")
    fresh_window(900)
    wrong = [sign_in(client, f"guess-{n}", url=url).status_code for n in range(30)]
    assert wrong[:5] == [200] * 5 and set(wrong[5:]) == {429}
    assert_paused(sign_in(client, "ann-password-1", url=url), client)


@pytest.mark.django_db
def test_the_account_limit_leaves_other_accounts_alone(client):
    get_user_model().objects.create_user("ann", password="ann-password-1")
    get_user_model().objects.create_user("bob", password="bob-password-1")
    fresh_window(900)
    for n in range(5):
        sign_in(client, f"guess-{n}", username="ANN")  # case does not buy a fresh budget
    assert_paused(sign_in(client, "ann-password-1"), client)
    response = sign_in(client, "bob-password-1", username="bob")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="bob").pk)


@pytest.mark.django_db
def test_failures_are_limited_per_client_address_behind_the_proxy(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    settings.GATEWAY_SIGNIN_FAILURES_PER_ADDRESS = 3
    get_user_model().objects.create_user("ann", password="ann-password-1")
    fresh_window(900)
    for name in ["x1", "x2", "x3"]:  # three accounts, one address: spraying
        assert sign_in(client, "guess", username=name, address="198.51.100.7, 203.0.113.1").status_code == 200
    assert_paused(sign_in(client, "ann-password-1", address="203.0.113.1"), client)
    assert sign_in(client, "ann-password-1", address="203.0.113.2").status_code == 302


def token_request(live_server, body: dict, address: str, path: str = "token"):
    return httpx.post(f"{live_server.url}{BASE}oauth/{path}", data=body, headers={"X-Forwarded-For": address})


def assert_throttled(response):
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "slow_down" and response.json()["error_description"]
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.django_db(transaction=True)
def test_wrong_client_secrets_are_limited_per_client_and_address(live_server, platform_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    fresh_window(900)
    result = code_for(live_server, platform_client["client_id"])
    body = code_exchange(platform_client, result["code"])
    wrong = {**body, "client_secret": "wrong"}
    answers = [token_request(live_server, wrong, "203.0.113.1") for _ in range(12)]
    assert [answer.status_code for answer in answers[:10]] == [401] * 10
    assert answers[0].json()["error"] == "invalid_client"
    assert_throttled(answers[10])
    assert_throttled(answers[11])
    # Refused before the secret is checked: even the right one waits, from that address...
    assert_throttled(token_request(live_server, body, "203.0.113.1"))
    assert_throttled(
        httpx.post(f"{live_server.url}{BASE}oauth/token", json=body, headers={"X-Forwarded-For": "203.0.113.1"})
    )
    # ... while the platform, calling from its own address, is not locked out by them.
    tokens = token_request(live_server, body, "198.51.100.20")
    assert tokens.status_code == 200, tokens.text
    assert OAuthClient.objects.get(client_id=platform_client["client_id"]).accesstoken_set.count() == 1


@pytest.mark.django_db(transaction=True)
def test_wrong_secrets_by_http_basic_are_counted_too(live_server, platform_client, settings):
    settings.GATEWAY_OAUTH_FAILURES_PER_CLIENT = 2
    fresh_window(900)
    body = {"grant_type": "refresh_token", "refresh_token": "nope"}
    auth = (platform_client["client_id"], "wrong")
    statuses = [exchange(live_server, body, as_json=False, auth=auth).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["token", "revoke"])
def test_token_and_revoke_are_limited_per_client_address(live_server, platform_client, settings, path):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    settings.GATEWAY_OAUTH_PER_MINUTE = 3
    fresh_window(60)
    body = {"client_id": platform_client["client_id"], "client_secret": platform_client["client_secret"]}
    body |= {"grant_type": "refresh_token", "refresh_token": "nope"} if path == "token" else {"token": "nope"}
    statuses = [token_request(live_server, body, "203.0.113.1", path).status_code for _ in range(3)]
    assert 429 not in statuses
    assert_throttled(token_request(live_server, body, "203.0.113.1", path))
    assert token_request(live_server, body, "203.0.113.2", path).status_code != 429


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SIGN_IN, ADMIN_LOGIN], ids=["plugin", "admin"])
@pytest.mark.parametrize("spelling", [" ann", "ann ", "ann\t", "ａｎｎ", "ANN"])
def test_every_spelling_that_signs_in_as_the_account_shares_its_budget(client, url, spelling):
    # Django's sign-in form strips and NFKC-folds the username before authenticating: the limiter must too.
    get_user_model().objects.create_superuser("ann", password="ann-password-1")
    fresh_window(900)
    for n in range(5):
        sign_in(client, f"guess-{n}", url=url)
    assert_paused(sign_in(client, "ann-password-1", username=spelling, url=url), client)


@pytest.mark.django_db(transaction=True)
def test_a_client_id_sent_as_a_json_list_is_refused_before_any_secret_check(live_server, platform_client):
    fresh_window(900)
    body = {"grant_type": "authorization_code", "code": "x", "redirect_uri": CALLBACK}
    decoyed = {**body, "client_id": ["decoy", platform_client["client_id"]]}
    for secret in ("wrong", platform_client["client_secret"]):
        response = httpx.post(f"{live_server.url}{BASE}oauth/token", json={**decoyed, "client_secret": secret})
        assert response.status_code == 400
        assert response.json() == {"error": "invalid_request", "error_description": "client_id: give one string value."}
    assert not OAuthClient.objects.get(client_id=platform_client["client_id"]).accesstoken_set.exists()
