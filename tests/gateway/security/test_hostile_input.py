"""Hostile input at every endpoint the gateway serves (issue 11, findings 5 and 13).

Each attack goes to every URL of gateway/urls.py (path mode) and of a plugin host (host mode): the
answer is never a 5xx but the right 4xx, in the shape that endpoint's clients read (the JSON
envelope, the OAuth error, or a page), and the database holds what it held before.
"""

import base64
import json
import re
from urllib.parse import urlencode

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from gateway.hosting import host_urlconf
from gateway.models import OAuthClient, Plugin, UserKey
from gateway.services import oauth_client_create, user_key_create
from plugins.todo.models import Todo
from tests.oauth_flow import CALLBACK

pytestmark = pytest.mark.django_db(transaction=False)

DEEP = b"[" * 100_000 + b"]" * 100_000
SAMPLES = {"int": "1", "slug": "todo", "str": "ann", "path": "1/change"}
FORM = {"name": "k\x00", "client_id": "a\x00", "code": "a\x00", "username": "a\x00", "revoke": "1\x00"}
NUL_JSON = {"todo": "a\x00b", "client_name": "x\x00", "redirect_uris": ["https://a.example/cb\x00"]}
OAUTH_TAILS = {"oauth/token", "oauth/revoke", "oauth/register"}
PAGE_TAILS = {"oauth/authorize", "accounts/login/", "accounts/signup/", "legal"}


def routes(resolver, prefix: str = ""):
    """Yield every concrete path of a URLconf, its converters filled with sample values."""
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's regex catch-alls: covered by its other URLs
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def endpoints() -> list[tuple[str, str]]:
    """Return (host, path) for every URL: the gateway's host in path mode, then todo's own host."""
    gateway = sorted({"/" + route for route in routes(get_resolver("gateway.urls"))})
    todo_host = sorted({"/" + route for route in routes(get_resolver(host_urlconf("todo")))})
    return [("testserver", path) for path in gateway] + [("todo.localhost", path) for path in todo_host]


def expected_shape(host: str, path: str) -> str:
    """Return the error shape the endpoint's clients read: "oauth", "json" or "html"."""
    if host == "testserver" and not path.startswith("/plugins/"):
        documents = path in ("/healthz", "/readyz") or path.startswith("/.well-known/")
        return "json" if documents else "html"
    tail = re.sub(r"^/plugins/[^/]+/", "", path) if host == "testserver" else path[1:]
    if tail in OAUTH_TAILS:
        return "oauth"
    return "html" if tail in PAGE_TAILS else "json"


def shape_of(response) -> str:
    if response["Content-Type"].startswith("text/html"):
        return "html"
    body = response.json()
    if isinstance(body.get("error"), dict) and set(body["error"]) == {"code", "message"}:
        return "json"
    if body.get("error") == "invalid_request" and body.get("error_description"):
        return "oauth"
    return f"unknown: {body}"


def db_rows() -> dict:
    models = (Todo, OAuthClient, AccessToken, RefreshToken, Grant, UserKey, get_user_model(), Plugin)
    return {model.__name__: model.objects.count() for model in models} | {
        "plugin rows": list(Plugin.objects.order_by("slug").values_list("slug", "auth_mode", "enabled"))
    }


@pytest.fixture
def world(plugin_row):
    """Plugins in oauth, user_http and service_http modes, a client, a key and a token."""
    # No demo data: the guard refuses before a view reads a row (without the guard the same tests fail
    # with and without it), and loading its ~19k generated box scores took 5 s per test.
    plugin_row("todo", auth_mode="oauth")
    plugin_row("sportstats", auth_mode="user_http")
    plugin_row("weather", auth_mode="service_http")
    ann = get_user_model().objects.create_user("ann", password="ann-pw-12345")
    todo = Plugin.objects.get(slug="todo")
    client, secret = oauth_client_create(plugin=todo, redirect_uris=[CALLBACK], name="ChatGPT")
    key = user_key_create(user=ann, plugin=Plugin.objects.get(slug="sportstats"), name="laptop")
    Todo.objects.create(user=ann, text="milk")
    return {"user": ann, "client": client, "secret": secret, "key": key}


def basic(client_id: str, secret: str = "x") -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


# name -> (method, extra query, request kwargs, status)
ATTACKS = {
    "NUL in a query parameter": ("get", "?client_id=a%00b&next=%00&code=%00", {}, 400),
    "NUL in a query parameter of a POST": ("post", "?client_id=a%00b", {}, 400),
    "C0 control in a query parameter": ("get", "?state=a%01b", {}, 400),
    "NUL in multipart form fields": ("post", "", {"data": FORM}, 400),
    "NUL in urlencoded form fields": (
        "post",
        "",
        {"data": urlencode(FORM), "content_type": "application/x-www-form-urlencoded"},
        400,
    ),
    "NUL in a JSON value": ("post", "", {"data": NUL_JSON, "content_type": "application/json"}, 400),
    "NUL in a JSON key": ("post", "", {"data": {"a\x00": 1}, "content_type": "application/json"}, 400),
    "lone surrogate in JSON": ("post", "", {"data": b'{"todo": "\\ud800"}', "content_type": "application/json"}, 400),
    "JSON nested 100,000 deep": ("post", "", {"data": DEEP, "content_type": "application/json"}, 400),
    "JSON nested 65 deep": ("post", "", {"data": b"[" * 65 + b"]" * 65, "content_type": "application/json"}, 400),
    "deep JSON declared a form": (
        "post",
        "",
        {"data": DEEP, "content_type": "application/x-www-form-urlencoded"},
        400,
    ),
    "deep JSON in UTF-16 declared UTF-8": (
        "post",
        "",
        {"data": DEEP.decode().encode("utf-16"), "content_type": "application/json; charset=utf-8"},
        400,
    ),
    "NUL in the session cookie": ("get", "", {"HTTP_COOKIE": 'sessionid="abcdefgh\\000ijklmnop"'}, 400),
    "NUL in a Basic client_id": ("post", "", {"HTTP_AUTHORIZATION": basic("abc\x00def")}, 400),
    "%00 in a Basic client_id": ("post", "", {"HTTP_AUTHORIZATION": basic("abc%00def")}, 400),
    "NUL in a Bearer token": ("get", "", {"HTTP_AUTHORIZATION": "Bearer abc\x00def"}, 400),
}


def send(client: Client, host: str, path: str, attack: str):
    method, query, kwargs, _status = ATTACKS[attack]
    return getattr(client, method)(path + query, HTTP_HOST=host, **kwargs)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_every_endpoint_refuses_the_attack_in_its_own_shape(world, attack):
    client = Client(raise_request_exception=False)
    before = db_rows()
    wrong = []
    for host, path in endpoints():
        response = send(client, host, path, attack)
        note_if_not(wrong, f"{host}{path}", response, (ATTACKS[attack][3], expected_shape(host, path)))
    assert not wrong, "\n".join(wrong)
    assert db_rows() == before


def note_if_not(wrong: list[str], label: str, response, want: tuple[int, str]) -> None:
    """Add a line to `wrong` unless the answer has the wanted (status, shape)."""
    got = (response.status_code, shape_of(response) if response.status_code < 500 else "-")
    if got != want:
        wrong.append(f"{label}: {got} != {want} {response.content[:120]!r}")


def test_every_endpoint_refuses_nul_in_its_path(world):
    client = Client(raise_request_exception=False)
    before = db_rows()
    wrong = []
    for host, path in endpoints():
        for method in ("get", "post"):
            response = getattr(client, method)(path + "%00", HTTP_HOST=host)
            # The NUL makes it a path nothing serves: a plugin answers the envelope, the gateway a
            # page, but for its discovery documents.
            documents = host != "testserver" or path.startswith(("/plugins/", "/.well-known/"))
            note_if_not(wrong, f"{method} {host}{path}%00", response, (400, "json" if documents else "html"))
    assert not wrong, "\n".join(wrong)
    assert db_rows() == before


def test_every_endpoint_refuses_a_body_over_the_limit(world, settings):
    settings.GATEWAY_MAX_REQUEST_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    client = Client(raise_request_exception=False)
    before = db_rows()
    wrong = []
    body = json.dumps({"todo": "x" * 5000})
    for host, path in endpoints():
        response = client.post(path, body, content_type="application/json", HTTP_HOST=host)
        note_if_not(wrong, f"{host}{path}", response, (413, expected_shape(host, path)))
    assert not wrong, "\n".join(wrong)
    assert db_rows() == before


def test_ordinary_requests_still_pass(world):
    """Tabs and newlines in a todo, 64 levels of JSON and a long query are not hostile."""
    client = Client()
    token = "Bearer " + world["key"]
    body = {"todo": "buy\tmilk\nand bread", "nested": json.loads("[" * 62 + "]" * 62)}
    response = client.post("/plugins/sportstats/players?search=" + "a" * 500, HTTP_AUTHORIZATION=token)
    assert response.status_code == 405
    response = client.post("/plugins/todo/todos/ann", body, content_type="application/json")
    assert response.status_code == 401  # oauth mode: the guard let it through to authentication
    Plugin.objects.filter(slug="todo").update(auth_mode="none")
    response = client.post("/plugins/todo/todos/ann", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Todo.objects.filter(text="buy\tmilk\nand bread").exists()


# The exact attacks of the issue, each at its endpoint, as the attacker sent them.


def token_form(world, **fields) -> dict:
    return {
        "grant_type": "authorization_code",
        "code": "abc",
        "redirect_uri": CALLBACK,
        "client_id": world["client"].client_id,
        "client_secret": world["secret"],
        **fields,
    }


def test_nul_in_the_code_at_the_token_endpoint(world):
    before = db_rows()
    response = Client().post("/plugins/todo/oauth/token", token_form(world, code="abc\x00def"))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "NUL" in response.json()["error_description"]
    assert db_rows() == before


def test_nul_in_the_basic_client_id_at_the_token_endpoint(world):
    form = token_form(world)
    del form["client_id"], form["client_secret"]
    response = Client().post("/plugins/todo/oauth/token", form, HTTP_AUTHORIZATION=basic("abc%00", world["secret"]))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_nul_in_the_authorize_client_id(world):
    client = Client()
    client.force_login(world["user"])
    response = client.get("/plugins/todo/oauth/authorize?response_type=code&client_id=abc%00&redirect_uri=x")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "metadata",
    [
        {"client_name": "Chat\x00GPT", "redirect_uris": ["https://a.example/cb"]},
        {"redirect_uris": ["https://a.example/c\x00b"]},
    ],
)
def test_nul_in_a_registration(world, metadata):
    before = db_rows()
    response = Client().post("/plugins/todo/oauth/register", metadata, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert db_rows() == before


def test_nul_in_a_key_name_on_the_account_page(world):
    client = Client()
    client.force_login(world["user"])
    before = db_rows()
    response = client.post("/account/", {"plugin": "sportstats", "name": "lap\x00top"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert db_rows() == before


@pytest.mark.parametrize(
    "path", ["oauth/token", "oauth/revoke", "oauth/register", "mcp", "todos/ann"], ids=lambda path: path
)
def test_json_nested_100000_deep(world, path):
    Plugin.objects.filter(slug="todo").update(auth_mode="none")
    before = db_rows()
    response = Client().post(f"/plugins/todo/{path}", DEEP, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    message = body["error_description"] if path.startswith("oauth/") else body["error"]["message"]
    assert message == "The JSON body nests deeper than 64 levels."
    assert db_rows() == before


@pytest.mark.parametrize("resource", ["https://[::1/mcp", "http://[::1", "https://[x]/mcp"])
def test_a_malformed_resource_is_invalid_target(world, resource):
    client = Client()
    client.force_login(world["user"])
    query = {"response_type": "code", "client_id": world["client"].client_id, "redirect_uri": CALLBACK}
    response = client.get("/plugins/todo/oauth/authorize", {**query, "resource": resource})
    assert response.status_code == 400
    assert "This sign-in link is not valid" in response.content.decode()
    response = Client().post("/plugins/todo/oauth/token", token_form(world, resource=resource))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"


@pytest.mark.parametrize("key_id", ["²", "١", "9" * 30, "-1", "", "1.0"])
def test_revoking_a_key_by_a_strange_id_revokes_nothing(world, key_id):
    client = Client()
    client.force_login(world["user"])
    response = client.post("/account/", {"revoke": key_id})
    assert response.status_code == 400
    assert "There is no such key among yours; nothing was revoked." in response.content.decode()
    assert UserKey.objects.count() == 1


def test_a_nul_slug_never_reaches_the_database(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/plugins/to%00do/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# Fixed at their causes (the token view, the registration view); sent here as the guard's tests send everything.


def test_device_code_grant_is_a_4xx(world):
    form = token_form(world, grant_type="urn:ietf:params:oauth:grant-type:device_code")
    response = Client(raise_request_exception=False).post("/plugins/todo/oauth/token", form)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "metadata",
    [
        {"response_types": 5},
        {"grant_types": [[]]},
        {"token_endpoint_auth_method": {}},
        {"redirect_uris": ["http://[::1/cb"]},
    ],
    ids=["response_types", "grant_types", "auth_method", "redirect_uri"],
)
def test_registration_field_types_are_a_4xx(world, metadata):
    body = {"redirect_uris": ["https://a.example/cb"], **metadata}
    response = Client(raise_request_exception=False).post(
        "/plugins/todo/oauth/register", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert not OAuthClient.objects.filter(name="MCP client").exists()


# Over real HTTP: what the attacker sent to the server itself.


@pytest.fixture
def live(live_server, world):
    return httpx.Client(base_url=live_server.url, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_10_mb_body_is_413_in_the_envelope(live):
    body = b'{"todo": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = live.post("/plugins/todo/todos/ann", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert "10,485,772 bytes" in response.json()["error"]["message"]
    assert not Todo.objects.filter(text__startswith="xxx").exists()


@pytest.mark.django_db(transaction=True)
def test_a_raw_nul_in_the_query_over_http(live):
    response = live.get("/plugins/todo/oauth/authorize?client_id=a%00b&response_type=code")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    response = live.post("/plugins/todo/oauth/token?code=%00", data={"grant_type": "authorization_code"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.django_db(transaction=True)
def test_deep_json_over_http(live):
    before = db_rows()
    for path in ("/plugins/todo/oauth/register", "/plugins/todo/mcp", "/plugins/todo/todos/ann"):
        response = live.post(path, content=DEEP, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, path
    assert db_rows() == before


def test_djangos_own_400_is_the_same_readable_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_a_resource_with_a_query_is_invalid_target(world):
    # RFC 8707 §2: no query; a token bound to such a URL would work nowhere.
    client = Client()
    client.force_login(world["user"])
    resource = "http://testserver/plugins/todo/mcp?x=1"
    query = {"response_type": "code", "client_id": world["client"].client_id, "redirect_uri": CALLBACK}
    response = client.get("/plugins/todo/oauth/authorize", {**query, "resource": resource})
    assert response.status_code == 400
    assert "This sign-in link is not valid" in response.content.decode()
