"""Registering OAuth clients (CLI and admin) and PKCE rules."""

import base64
import hashlib
import json
import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gateway.models import OAuthClient, Plugin
from tests.oauth_flow import CALLBACK, approve, authorize_url

pytestmark = pytest.mark.django_db


def test_cli_prints_the_client_id_and_secret_once(capsys):
    call_command(
        "plugin_oauth_client",
        "todo",
        "--redirect-uri",
        CALLBACK,
        "--redirect-uri",
        "https://chatgpt.com/aip/g-1/oauth/callback",
    )
    printed = json.loads(capsys.readouterr().out)
    client = OAuthClient.objects.get(client_id=printed["client_id"])
    assert client.plugin.slug == "todo"
    assert client.redirect_uris.split() == [CALLBACK, "https://chatgpt.com/aip/g-1/oauth/callback"]
    assert client.client_secret != printed["client_secret"]


@pytest.mark.parametrize(
    "args",
    [
        ("nosuch", "--redirect-uri", CALLBACK),
        ("todo", "--redirect-uri", "not a uri"),
        ("todo", "--redirect-uri", "ftp://example.com/cb"),
    ],
)
def test_cli_refuses_bad_arguments_with_exit_2(args):
    with pytest.raises(CommandError) as error:
        call_command("plugin_oauth_client", *args)
    assert error.value.returncode == 2
    assert not OAuthClient.objects.exists()


def test_admin_lists_and_adds_clients(admin_client):
    # The plugin page lists OAuth clients only while the plugin is in oauth mode.
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
    plugin = Plugin.objects.get(slug="todo")
    add_page = admin_client.get("/admin/gateway/oauthclient/add/")
    assert add_page.status_code == 200
    assert 'name="plugin"' in add_page.content.decode()
    OAuthClient.objects.create(
        plugin=plugin,
        name="ChatGPT",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=CALLBACK,
    )
    assert "ChatGPT" in admin_client.get("/admin/gateway/oauthclient/").content.decode()
    assert "ChatGPT" in admin_client.get(f"/admin/gateway/plugin/{plugin.pk}/change/").content.decode()


@pytest.mark.django_db(transaction=True)
class TestPKCE:
    @pytest.fixture
    def public_client(self, django_user_model):
        Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
        django_user_model.objects.create_user("ann", password="ann-password-1")
        return OAuthClient.objects.create(
            plugin=Plugin.objects.get(slug="todo"),
            name="Agent",
            client_type="public",
            authorization_grant_type="authorization-code",
            redirect_uris=CALLBACK,
        )

    def test_a_public_client_without_pkce_is_refused(self, live_server, public_client):
        from tests.oauth_flow import Browser

        browser = Browser(live_server.url)
        login = browser.get("/plugins/todo/accounts/login/")
        browser.post_form(
            "/plugins/todo/accounts/login/", login.text, {"username": "ann", "password": "ann-password-1"}
        )
        response = browser.get(authorize_url("/plugins/todo/", public_client.client_id))
        assert response.status_code == 302
        assert "error=invalid_request" in response.headers["location"]
        assert "code=" not in response.headers["location"]

    def test_a_public_client_with_s256_gets_a_token_only_with_the_verifier(self, live_server, public_client):
        import httpx

        from tests.oauth_flow import Browser

        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        url = authorize_url(
            "/plugins/todo/", public_client.client_id, code_challenge=challenge, code_challenge_method="S256"
        )
        result = approve(Browser(live_server.url), url, username="ann", password="ann-password-1")
        body = {
            "grant_type": "authorization_code",
            "client_id": public_client.client_id,
            "code": result["code"],
            "redirect_uri": CALLBACK,
        }
        token_url = f"{live_server.url}/plugins/todo/oauth/token"
        wrong = httpx.post(token_url, data={**body, "code_verifier": secrets.token_urlsafe(48)})
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
        # A failed verifier spends the code (oauthlib invalidates it), so run the flow again.
        result = approve(Browser(live_server.url), url, username="ann", password="ann-password-1")
        right = httpx.post(token_url, data={**body, "code": result["code"], "code_verifier": verifier})
        assert right.status_code == 200, right.text
