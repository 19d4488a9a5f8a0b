"""/metrics: what an operator's Prometheus reads after real calls, and what the public is refused."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.services import plugin_rotate_service_key
from tests.gateway.test_oauth import code_exchange, code_for, exchange, oauth_plugin, platform_client  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "scrape-token-123"


@pytest.fixture
def scrape(client, settings):
    """Turn metrics on (the token) and return a callable reading one sample from /metrics (0 when absent)."""
    settings.GATEWAY_METRICS_TOKEN = TOKEN

    def value(name: str, **labels) -> float:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.content
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                if sample.name == name and sample.labels == labels:
                    return sample.value
        return 0.0

    return value


def calls(**labels) -> dict:
    return {"plugin": "todo", "operation": "getTodos", "client": "none", "status": "200", **labels}


def test_two_todo_gets_grow_the_call_counter_and_the_latency_histogram_by_two(client, db, scrape):
    before = scrape("gateway_requests_total", **calls())
    observed_before = scrape("gateway_request_duration_seconds_count", **calls())
    assert client.get("/plugins/todo/todos/ann").status_code == 200
    assert client.get("/plugins/todo/todos/ann").status_code == 200
    assert scrape("gateway_requests_total", **calls()) == before + 2
    assert scrape("gateway_request_duration_seconds_count", **calls()) == observed_before + 2
    assert scrape("gateway_request_duration_seconds_bucket", **calls(), le="+Inf") == observed_before + 2


def test_an_error_is_counted_with_its_status_and_client_kind(client, db, plugin_row, scrape):
    plugin = plugin_row("todo", auth_mode="service_http")
    key = plugin_rotate_service_key(plugin=plugin)
    refused, served = calls(status="401"), calls(client="service_key")
    before = [
        scrape(name, **labels)
        for name in ("gateway_requests_total", "gateway_request_errors_total")
        for labels in (refused, served)
    ]
    assert client.get("/plugins/todo/todos/ann").status_code == 401
    assert client.get("/plugins/todo/todos/ann", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    after = [
        scrape(name, **labels)
        for name in ("gateway_requests_total", "gateway_request_errors_total")
        for labels in (refused, served)
    ]
    # Both are calls; only the 401 is an error.
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 0]


def test_an_invented_method_is_one_series_not_one_per_word(client, db, scrape):
    labels = calls(operation="OTHER /todos/{username}", status="405")
    before = scrape("gateway_requests_total", **labels)
    assert client.generic("BREW", "/plugins/todo/todos/ann").status_code == 405
    assert client.generic("SPAM", "/plugins/todo/todos/ann").status_code == 405
    assert scrape("gateway_requests_total", **labels) == before + 2


def test_plugin_row_cache_lookups_are_counted_as_hits_and_misses(client, db, settings, scrape):
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = 300
    hits, misses = (
        scrape("gateway_cache_lookups_total", cache="plugin", result="hit"),
        scrape("gateway_cache_lookups_total", cache="plugin", result="miss"),
    )
    for _ in range(3):
        assert client.get("/plugins/todo/todos/ann").status_code == 200
    assert scrape("gateway_cache_lookups_total", cache="plugin", result="miss") == misses + 1
    assert scrape("gateway_cache_lookups_total", cache="plugin", result="hit") == hits + 2


@pytest.mark.django_db(transaction=True)
def test_token_exchanges_are_counted_as_grants_refreshes_and_failures(live_server, platform_client, scrape):  # noqa: F811
    def token_count(grant_type, result):
        return scrape("gateway_oauth_token_requests_total", plugin="todo", grant_type=grant_type, result=result)

    cases = [
        ("authorization_code", "issued"),
        ("refresh_token", "issued"),
        ("refresh_token", "invalid_grant"),
        ("authorization_code", "invalid_client"),
    ]
    before = [token_count(*case) for case in cases]
    code = code_for(live_server, platform_client["client_id"])["code"]
    tokens = exchange(live_server, code_exchange(platform_client, code), as_json=True).json()
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": platform_client["client_id"],
        "client_secret": platform_client["client_secret"],
    }
    assert exchange(live_server, refresh, as_json=False).status_code == 200
    assert exchange(live_server, refresh, as_json=False).status_code == 400  # rotated out
    wrong = {**code_exchange(platform_client, "any-code"), "client_secret": "wrong"}
    assert exchange(live_server, wrong, as_json=True).status_code == 401
    assert [token_count(*case) - b for case, b in zip(cases, before, strict=True)] == [1, 1, 1, 1]


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_without_the_token_metrics_are_refused_with_401(client, db, settings, header):
    settings.GATEWAY_METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"gateway_requests" not in response.content


def test_with_the_token_metrics_are_served_in_the_prometheus_format(client, db, settings):
    settings.GATEWAY_METRICS_TOKEN = TOKEN
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert b"# TYPE gateway_requests_total counter" in response.content
    assert "no-cache" in response["Cache-Control"]


def test_the_address_list_admits_its_networks_only(client, db, settings):
    settings.GATEWAY_METRICS_ALLOW_IPS = ["10.0.0.0/8", "192.168.1.7"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.8").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer x").status_code == 403


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(client, db, settings):
    settings.GATEWAY_METRICS_ALLOW_IPS = ["10.0.0.0/8"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # behind the trusted proxy
    # The public sends its own X-Forwarded-For; the proxy appends the address it really saw.
    forged = client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")
    assert forged.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 200


def test_either_credential_is_enough_when_both_are_configured(client, db, settings):
    settings.GATEWAY_METRICS_TOKEN = TOKEN
    settings.GATEWAY_METRICS_ALLOW_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 401


def test_unconfigured_metrics_are_not_served_and_nothing_is_counted(client, db, settings):
    from prometheus_client import REGISTRY

    assert (settings.GATEWAY_METRICS_TOKEN, settings.GATEWAY_METRICS_ALLOW_IPS) == ("", [])
    before = REGISTRY.get_sample_value("gateway_requests_total", calls())
    assert client.get("/plugins/todo/todos/ann").status_code == 200
    assert REGISTRY.get_sample_value("gateway_requests_total", calls()) == before
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize(("path", "host"), [("/metrics", "todo.localhost"), ("/plugins/todo/metrics", "localhost")])
def test_metrics_are_not_on_plugin_hosts_or_paths(client, db, settings, path, host):
    settings.GATEWAY_METRICS_TOKEN = TOKEN
    assert client.get(path, HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


CALL_HEALTHZ = """
import django
django.setup()
from django.test import Client
assert Client().get("/healthz").status_code == 200
"""


@pytest.mark.server
def test_with_several_workers_the_scrape_adds_up_every_process(client, db, settings, tmp_path, monkeypatch):
    """Two worker processes count a request each; the scrape, from a third, answers 2."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CALL_HEALTHZ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
                "GATEWAY_METRICS_TOKEN": TOKEN,
            },
        )
        for _ in range(2)
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per process
    settings.GATEWAY_METRICS_TOKEN = TOKEN
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }
    healthz = (("client", "none"), ("operation", ""), ("plugin", ""), ("status", "200"))
    assert samples[("gateway_requests_total", healthz)] == 2
    # The scrape is counted after it answers, and only this process's registry is left out.
    assert not any(name.startswith("process_") for name, _ in samples)


def test_gunicorn_gives_its_workers_a_fresh_metrics_directory_and_removes_it(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert directory.is_dir() and not any(directory.iterdir())
    config["on_exit"](None)
    assert not directory.exists()


def test_an_operators_metrics_directory_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)
    assert "on_exit" not in config


LOAD_WSGI = """
import sys
import gateway.wsgi
print(sorted({name.split(".")[0] for name in sys.modules if name.startswith("opentelemetry")}))
"""


@pytest.mark.server
def test_without_a_collector_opentelemetry_is_not_even_imported():
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_WSGI],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


SERVE_ONE_REQUEST = """
import gateway.wsgi
from django.test import Client
assert Client().get("/healthz").status_code == 200
from opentelemetry import trace
trace.get_tracer_provider().force_flush()
"""


@pytest.mark.server
def test_with_a_collector_each_request_is_sent_as_a_span(fake_collector):
    result = run_python(SERVE_ONE_REQUEST, OTEL_EXPORTER_OTLP_ENDPOINT=fake_collector.url, OTEL_SERVICE_NAME="gw-test")
    assert result.returncode == 0, result.stderr
    (body,) = fake_collector.bodies("/v1/traces")
    # The OTLP protobuf carries the service's name and the route as plain strings.
    assert b"gw-test" in body and b"healthz" in body


@pytest.fixture
def fake_collector():
    """A local HTTP server that plays an OTLP/HTTP collector and keeps every body it is sent."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[tuple[str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    class Collector:
        url = f"http://127.0.0.1:{server.server_address[1]}"

        @staticmethod
        def bodies(path):
            return [body for where, body in received if where == path]

    yield Collector
    server.shutdown()
