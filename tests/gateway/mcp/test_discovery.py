"""OAuth discovery documents and dynamic registration for an OAuth plugin, in path and host mode."""

import pytest

from gateway.models import OAuthClient

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "todo.localhost"}


@pytest.fixture
def oauth_todo(plugin_row):
    return plugin_row(auth_mode="oauth")


def test_401_names_the_protected_resource_metadata(client, oauth_todo):
    response = client.post("/plugins/todo/mcp", {}, content_type="application/json")
    assert response.status_code == 401
    metadata = 'resource_metadata="http://testserver/.well-known/oauth-protected-resource/plugins/todo/mcp"'
    assert response["WWW-Authenticate"] == f'Bearer scope="todos",{metadata}'
    bad = client.post("/plugins/todo/mcp", {}, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope")
    assert bad["WWW-Authenticate"] == f'Bearer error="invalid_token",scope="todos",{metadata}'
    # The plugin's API challenges the same way (one authentication class for both).
    api = client.get("/plugins/todo/todos/ann", HTTP_AUTHORIZATION="Bearer nope")
    assert (api.status_code, api["WWW-Authenticate"]) == (401, bad["WWW-Authenticate"])


def test_protected_resource_metadata_path_mode(client, oauth_todo):
    document = client.get("/.well-known/oauth-protected-resource/plugins/todo/mcp").json()
    assert document["resource"] == "http://testserver/plugins/todo/mcp"
    assert document["authorization_servers"] == ["http://testserver/plugins/todo"]
    assert document["scopes_supported"] == ["todos"]
    assert client.get("/plugins/todo/.well-known/oauth-protected-resource").json() == document


@pytest.mark.parametrize("path", ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"])
def test_protected_resource_metadata_host_mode_root_and_path_forms(client, oauth_todo, path):
    document = client.get(path, **HOST).json()
    assert document["resource"] == "http://todo.localhost/mcp"
    assert document["authorization_servers"] == ["http://todo.localhost"]


def test_authorization_server_metadata(client, oauth_todo):
    document = client.get("/.well-known/oauth-authorization-server/plugins/todo").json()
    assert document["issuer"] == "http://testserver/plugins/todo"
    assert document["authorization_endpoint"] == "http://testserver/plugins/todo/oauth/authorize"
    assert document["registration_endpoint"] == "http://testserver/plugins/todo/oauth/register"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "none" in document["token_endpoint_auth_methods_supported"]
    host = client.get("/.well-known/oauth-authorization-server", **HOST).json()
    assert host["issuer"] == "http://todo.localhost"
    assert host["token_endpoint"] == "http://todo.localhost/oauth/token"


def test_documents_are_404_for_a_plugin_without_oauth(client):
    assert client.get("/.well-known/oauth-protected-resource/plugins/todo/mcp").status_code == 404
    assert client.get("/.well-known/oauth-authorization-server", **HOST).status_code == 404
    assert client.post("/plugins/todo/oauth/register", {}, content_type="application/json").status_code == 404


def register(client, **metadata):
    body = {"redirect_uris": ["https://claude.ai/api/mcp/auth_callback"], **metadata}
    return client.post("/plugins/todo/oauth/register", body, content_type="application/json")


def test_registration_creates_a_public_client_of_the_plugin(client, oauth_todo):
    response = register(client, client_name="Claude", token_endpoint_auth_method="none")
    assert response.status_code == 201
    answer = response.json()
    assert "client_secret" not in answer
    registered = OAuthClient.objects.get(client_id=answer["client_id"])
    assert (registered.plugin, registered.client_type, registered.name) == (oauth_todo, "public", "Claude")
    assert registered.registration_source == "dcr"


def test_confidential_registration_shows_the_secret_once(client, oauth_todo):
    answer = register(client, token_endpoint_auth_method="client_secret_post").json()
    registered = OAuthClient.objects.get(client_id=answer["client_id"])
    assert answer["client_secret"] and registered.client_secret != answer["client_secret"]


@pytest.mark.parametrize(
    ("uris", "word"),
    [(["http://evil.example/cb"], "https"), (["javascript:alert(1)"], "absolute"), ([], "at least one")],
)
def test_registration_refuses_bad_redirect_uris(client, oauth_todo, uris, word):
    response = register(client, redirect_uris=uris)
    assert response.status_code == 400
    assert word in response.json()["error_description"]
    assert not OAuthClient.objects.exists()


def test_localhost_redirect_is_allowed(client, oauth_todo):
    assert register(client, redirect_uris=["http://127.0.0.1:33418/callback"]).status_code == 201


def test_registration_is_rate_limited(client, oauth_todo, settings):
    settings.GATEWAY_DCR_PER_HOUR = 2
    assert [register(client).status_code for _ in range(3)] == [201, 201, 429]
    assert OAuthClient.objects.count() == 2


def test_registered_clients_are_listed_under_their_plugin_and_revocable_in_admin(admin_client, oauth_todo):
    client_id = register(admin_client, client_name="Agent X", token_endpoint_auth_method="none").json()["client_id"]
    registered = OAuthClient.objects.get(client_id=client_id)
    page = admin_client.get(f"/admin/gateway/plugin/{oauth_todo.pk}/change/").content.decode()
    assert "Agent X" in page and client_id in page
    response = admin_client.post(f"/admin/gateway/oauthclient/{registered.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not OAuthClient.objects.filter(client_id=client_id).exists()
