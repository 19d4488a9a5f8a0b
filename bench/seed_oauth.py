"""Switch the todo plugin to OAuth and print two real access tokens: reader, then writer.

Run by bench/run.sh (BENCH_AUTH=oauth) against the bench database, before gunicorn starts.
Tokens are made with django-oauth-toolkit's models as the token endpoint would store them.
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

plugin = plugin_update(plugin=Plugin.objects.get(slug="todo"), auth_mode="oauth")
client, _secret = oauth_client_create(plugin=plugin, redirect_uris=["https://bench.example/cb"], name="bench")
tokens = []
for username in ("benchreader", "benchwriter"):
    user, _ = get_user_model().objects.get_or_create(username=username)
    value = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user, application=client, token=value, scope="todos", expires=timezone.now() + timedelta(days=1)
    )
    tokens.append(value)
print(" ".join(tokens))
