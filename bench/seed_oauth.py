"""Switch the todo and sportstats plugins to OAuth and print three real access tokens.

Run by bench/run.sh (BENCH_AUTH=oauth) against the bench database, before gunicorn starts. Prints
the todo reader's, the todo writer's and a sportstats reader's token, in that order. Tokens are
made with django-oauth-toolkit's models as the token endpoint would store them, each bound to its
own plugin's client.
"""

import os
import secrets
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.production")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402
from oauth2_provider.models import AccessToken  # noqa: E402

from gateway.models import Plugin  # noqa: E402
from gateway.services import oauth_client_create, plugin_update  # noqa: E402


def token_for(client, username: str, scope: str) -> str:
    user, _ = get_user_model().objects.get_or_create(username=username)
    value = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user, application=client, token=value, scope=scope, expires=timezone.now() + timedelta(days=1)
    )
    return value


tokens = []
for slug, usernames in (("todo", ("benchreader", "benchwriter")), ("sportstats", ("benchfan",))):
    plugin = plugin_update(plugin=Plugin.objects.get(slug=slug), auth_mode="oauth")
    client, _secret = oauth_client_create(
        plugin=plugin, redirect_uris=["https://bench.example/cb"], name="bench", pkce_exempt=True
    )
    scope = " ".join(plugin.config.scopes)
    tokens += [token_for(client, username, scope) for username in usernames]
print(" ".join(tokens))
