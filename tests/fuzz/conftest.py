"""Fixtures of the fuzz runs: the WSGI app schemathesis calls, and real OAuth tokens."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client

from gateway.services import oauth_client_create
from tests.oauth_flow import CALLBACK, authorize_url, hidden_fields


@pytest.fixture
def wsgi_app():
    """Return the WSGI app, kept from closing the test's DB connection per request (as Django's test Client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def oauth_token():
    """Return a callable giving an access token issued by the real authorize -> consent -> token exchange."""

    def oauth_access_token(plugin, user) -> str:
        client, secret = oauth_client_create(plugin=plugin, redirect_uris=[CALLBACK], name="fuzz", pkce_exempt=True)
        browser = Client()
        browser.force_login(user)
        url = authorize_url(f"/plugins/{plugin.slug}/", client.client_id)
        consent = browser.get(url)
        assert consent.status_code == 200, consent.content
        answer = browser.post(url.split("?")[0], {**hidden_fields(consent.content.decode()), "allow": "Authorize"})
        code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
        body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
        tokens = browser.post(
            f"/plugins/{plugin.slug}/oauth/token", {**body, "client_id": client.client_id, "client_secret": secret}
        )
        assert tokens.status_code == 200, tokens.content
        return tokens.json()["access_token"]

    return oauth_access_token
