"""A fresh bench database with the todo plugin's callers, shared by bench/callgrind.py and bench/peer.sh.

    python bench/fixture.py create          # prints the credentials as one JSON object
    python bench/fixture.py mode service_http

`create` drops and recreates the database of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
h4_bench), migrates, collects static files, deletes this database's entries from the cache (REDIS_URL),
and seeds the todo plugin as bench/run.sh does: five todos for `benchreader` in every auth mode
(the owner is the token's user under OAuth, the path's username otherwise), an OAuth client with
a real access token for `benchreader` and one for `benchwriter` (django-oauth-toolkit's models,
as the token endpoint stores them), and a service key. It leaves the plugin in OAuth mode.
`mode` switches the todo plugin's auth mode; saving the row evicts it from the shared cache, so
a running server sees the change on its next request.
"""

import json
import logging
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/h4_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
READER, WRITER = "benchreader", "benchwriter"


def bench_environment() -> None:
    """Production settings on the bench database and cache, plain HTTP on 127.0.0.1."""
    from bench.serverenv import use_production_settings

    use_production_settings(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        GATEWAY_DOMAIN=os.environ.get("GATEWAY_DOMAIN", "localhost"),
        GATEWAY_SSL_REDIRECT="0",
    )


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def set_mode(mode: str):
    from gateway.models import Plugin
    from gateway.services import plugin_update

    return plugin_update(plugin=Plugin.objects.get(slug="todo"), auth_mode=mode)


def create() -> dict:
    bench_environment()
    from bench.usage_latency import fresh_database

    fresh_database(os.environ["DATABASE_URL"])  # dropped, recreated and migrated
    manage("collectstatic", "--no-input")

    import django

    django.setup()
    logging.getLogger("gateway.request").setLevel(logging.WARNING)  # no line per seeding request
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from gateway.services import oauth_client_create, plugin_rotate_service_key

    # This database's entries only (the key prefix names the database): an earlier run's rows and
    # tokens would be stale, and other benches may share the Redis database.
    cache.delete_pattern("*")
    plugin = set_mode("oauth")
    client, _secret = oauth_client_create(
        plugin=plugin, redirect_uris=["https://bench.example/cb"], name="bench", pkce_exempt=True
    )
    tokens = {}
    for username in (READER, WRITER):
        user, _ = get_user_model().objects.get_or_create(username=username)
        tokens[username] = secrets.token_urlsafe(30)
        AccessToken.objects.create(
            user=user,
            application=client,
            token=tokens[username],
            scope=" ".join(plugin.config.scopes),
            expires=timezone.now() + timedelta(days=1),
        )
    service_key = plugin_rotate_service_key(plugin=plugin)

    http = Client(HTTP_HOST="127.0.0.1")
    for mode, key in (("oauth", tokens[READER]), ("service_http", service_key)):
        set_mode(mode)
        for i in range(1, 6):
            response = http.post(
                f"/plugins/todo/todos/{READER}",
                {"todo": f"Seeded todo {i}"},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {key}",
            )
            assert response.status_code == 200, response.content
    set_mode("oauth")
    return {"oauth_reader": tokens[READER], "oauth_writer": tokens[WRITER], "service_key": service_key}


def main() -> None:
    if sys.argv[1:2] == ["create"]:
        print(json.dumps(create()))
    elif sys.argv[1:2] == ["mode"] and len(sys.argv) == 3:
        bench_environment()
        import django

        django.setup()
        set_mode(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
