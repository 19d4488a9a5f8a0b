"""/healthz says the process is up (no DB); /readyz says whether requests can be served."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def test_healthz_answers_without_touching_the_database(client):
    # No `db` fixture: pytest-django makes any query in this test raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_on_a_migrated_database_with_a_cache(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_is_503_naming_an_unapplied_migration(client, db):
    ((app, name),) = MigrationLoader(connection).graph.leaf_nodes("gateway")
    MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "ok"
    assert f"gateway.{name}" in body["error"]["message"]
    assert body["error"]["code"] == "not_ready"


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_database_is_unreachable(client):
    connection.close()
    saved_port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved_port
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "database unreachable: OperationalError"
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_cache_is_unreachable(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "cache unreachable: ConnectionError"}


def test_health_endpoints_live_on_the_gateway_host_only(client, db):
    assert client.get("/healthz", HTTP_HOST="todo.localhost").status_code == 404
