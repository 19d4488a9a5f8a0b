"""Two deployments sharing one Redis database never read each other's cached plugin rows (issue 11, finding 3).

Each "deployment" is the real settings module (gateway/settings/base.py) evaluated with its own
environment; the test switches CACHES to what it built and asks over HTTP as a client would.
"""

import runpy
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from gateway.models import Plugin

BASE_SETTINGS = Path(__file__).resolve().parents[3] / "gateway" / "settings" / "base.py"
REDIS_URL = "redis://127.0.0.1:6379/15"
URL = "/plugins/todo/todos/ann"


@pytest.fixture
def deployment_settings(monkeypatch):
    """Return a callable evaluating the settings module for a database name (and an optional prefix)."""

    def evaluate(database: str, prefix: str = "") -> dict:
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        monkeypatch.setenv("DATABASE_URL", f"postgres://gateway@db.internal:5432/{database}")
        monkeypatch.setenv("GATEWAY_CACHE_PREFIX", prefix)
        return runpy.run_path(str(BASE_SETTINGS))

    return evaluate


@pytest.fixture
def deploy(settings, deployment_settings):
    """Return a callable that makes this process serve as the deployment of a database, on the shared Redis."""
    used = []

    def activate(database: str) -> None:
        settings.CACHES = deployment_settings(database)["CACHES"]
        settings.GATEWAY_PLUGIN_CACHE_SECONDS = 300
        used.append(settings.CACHES)

    yield activate
    for caches in used:  # only this test's keys: never flush a database other runs share
        settings.CACHES = caches
        cache.delete_pattern("*")


def store_auth_mode(mode: str) -> None:
    # A queryset update sends no signal, so nothing is evicted: as when the other deployment's
    # own database changes, which this deployment's cache never hears about.
    Plugin.objects.filter(slug="todo").update(auth_mode=mode)


def test_the_derived_prefix_is_per_database_and_stable(deployment_settings):
    def prefix(database, explicit=""):
        return deployment_settings(database, explicit)["CACHES"]["default"]["KEY_PREFIX"]

    production, staging = prefix("gateway"), prefix("gateway_staging")

    assert production and staging and production != staging
    assert prefix("gateway") == production
    assert prefix("gateway", "prod-eu") == prefix("gateway_staging", "prod-eu") == "prod-eu"


def test_two_deployments_on_one_redis_keep_their_own_plugin_rows(client, db, deploy):
    run = uuid.uuid4().hex[:8]
    store_auth_mode("service_http")
    deploy(f"production_{run}")
    assert client.get(URL).status_code == 401  # production's row, now in its cache

    store_auth_mode("none")
    deploy(f"staging_{run}")
    assert client.get(URL).status_code == 200  # staging's own row, not production's cached one

    # Each reads its row from its own cache entries, whatever the database says now.
    store_auth_mode("oauth")
    deploy(f"production_{run}")
    production = client.get(URL)
    assert production.status_code == 401
    assert production.json()["error"]["code"] == "not_authenticated"
    deploy(f"staging_{run}")
    assert client.get(URL).status_code == 200
