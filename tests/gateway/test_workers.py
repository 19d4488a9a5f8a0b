"""Two production workers (serve.py) on one Redis: what one changes or records, every worker sees.

An operator's change applies on the next request in every worker (nothing is cached per process),
and the usage rows of answered calls all reach the table, even when the workers are killed.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from gateway.models import Plugin
from gateway.usage.buffer import buffered_count
from gateway.usage.models import Call
from plugins.sportstats.models import Source, SportStatsSettings
from tests.gateway.test_production import database_url, free_port, production_env

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_redis(settings):
    """This process and the server's workers on one Redis, under a key prefix of this test's own."""
    prefix = f"test-workers-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    settings.GATEWAY_SHARED_CACHE = True
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = 300
    return prefix


@pytest.fixture
def workers(tmp_path, shared_redis):
    """Start `python serve.py` with two workers on the test database; yield (base URL, log file, pid)."""
    port = free_port()
    env = production_env(
        DJANGO_SECRET_KEY="a-production-secret-for-this-test-only-0123456789",
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        GATEWAY_CACHE_PREFIX=shared_redis,
        GATEWAY_DOMAIN="example.test",
        GATEWAY_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_LOG_LEVEL="INFO",
        # Drains only when asked (usage_drain), so the buffer is what a crash would hit.
        GATEWAY_USAGE_BATCH="100000",
        GATEWAY_USAGE_DRAIN_SECONDS="3600",
        HOST="127.0.0.1",
        PORT=str(port),
        SERVER_WORKERS="2",
        SERVER_GRACEFUL_TIMEOUT="3",
    )
    log = tmp_path / "server.log"
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "serve.py"], cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, log, server.pid, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def answered_by(log: Path, path: str) -> list[tuple[int, int]]:
    """Return (worker pid, status) of every logged request for `path`, in order."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [(line["pid"], line["status"]) for line in lines if line.get("path") == path]


def from_every_worker(base: str, log: Path, path: str, check) -> None:
    """GET `path` on fresh connections until both workers answered; check() every answer."""
    seen = set(pid for pid, _ in answered_by(log, path))
    before = len(answered_by(log, path))
    for _ in range(60):
        response = httpx.get(f"{base}{path}", headers={"Host": "example.test"}, timeout=10)
        check(response)
        time.sleep(0.02)  # the log line follows the answer
        seen = {pid for pid, _ in answered_by(log, path)[before:]}
        if len(seen) == 2:
            return
    pytest.fail(f"only workers {seen} answered {path}")


def test_an_operators_change_applies_on_the_next_request_in_every_worker(workers, fake_upstream):
    base, log, _pid, _env = workers
    manifest = "/plugins/todo/.well-known/ai-plugin.json"
    from_every_worker(base, log, manifest, lambda r: r.json()["description_for_human"] != "Changed by the operator")
    plugin = Plugin.objects.get(slug="todo")
    plugin.description_for_human = "Changed by the operator"
    plugin.save()  # as the admin saves it: the cached row is evicted for every worker
    from_every_worker(base, log, manifest, lambda r: r.json()["description_for_human"] == "Changed by the operator")

    # A plugin's own settings row (sportstats' data source) likewise.
    teams = "/plugins/sportstats/teams"
    from_every_worker(base, log, teams, lambda r: r.status_code == 200)
    fake_upstream.route("/v1/teams", lambda query: (200, {"data": [], "meta": {"per_page": 25}}, {}))
    SportStatsSettings(source=Source.UPSTREAM, upstream_url=fake_upstream.url + "/v1").save()
    from_every_worker(base, log, teams, lambda r: r.json()["data"] == [])
    assert fake_upstream.calls("/v1/teams")  # (its answer is cached for both workers for a minute)


def test_usage_rows_of_answered_calls_survive_killed_workers(workers):
    base, log, pid, env = workers
    todos = "/plugins/todo/todos/ann"
    answered = 0
    for number in range(30):
        response = httpx.post(f"{base}{todos}", json={"todo": f"t{number}"}, headers={"Host": "example.test"})
        assert response.status_code == 200
        answered += 1
    time.sleep(0.5)  # the rows are pushed when each answer has been sent
    children = [int(line) for line in subprocess.check_output(["pgrep", "-P", str(pid)], text=True).split()]
    assert len(children) == 2
    for child in children:
        os.kill(child, signal.SIGKILL)
    # Most rows were still in the buffer when the workers died (the first push of a fresh buffer drains).
    assert buffered_count() >= answered - 1
    call_command("usage_drain")
    assert Call.objects.filter(operation="addTodo", status=200).count() == answered
