"""The compose file and Dockerfile describe a deployable stack (no Docker engine needed to check)."""

import json
import os
import re
import runpy
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def instruction(dockerfile, keyword: str) -> list[str]:
    return [args for key, args in dockerfile if key == keyword]


def start_command(compose) -> str:
    command = compose["services"]["gateway"]["command"]
    return command if isinstance(command, str) else shlex.join(command)


def test_services_are_postgres_16_and_the_gateway(compose):
    assert set(compose["services"]) == {"postgres", "gateway", "redis", "proxy"}
    assert compose["services"]["postgres"]["image"] == "postgres:16"
    assert compose["services"]["gateway"]["build"] == "."


def test_postgres_keeps_its_data_in_a_named_volume(compose):
    volumes = compose["services"]["postgres"]["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in volumes
    assert "pgdata" in compose["volumes"]


def test_postgres_healthcheck_uses_pg_isready_on_the_gateway_database(compose):
    postgres = compose["services"]["postgres"]
    check = postgres["healthcheck"]
    assert check["test"][0] == "CMD-SHELL"
    assert "pg_isready" in check["test"][1]
    assert f"-d {postgres['environment']['POSTGRES_DB']}" in check["test"][1]
    assert f"-U {postgres['environment']['POSTGRES_USER']}" in check["test"][1]
    assert check["retries"] >= 3


def test_gateway_waits_for_a_healthy_postgres_and_redis(compose):
    assert compose["services"]["gateway"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_gateway_migrates_then_execs_the_server_with_its_config(compose):
    command = start_command(compose)
    migrate = command.index("manage.py migrate --no-input")
    server = command.index("exec python serve.py")
    assert migrate < server
    # `&&`: a failed migration must stop the start, not launch the server against an old schema.
    assert "&&" in command[migrate:server]


def test_gateway_environment_reaches_the_postgres_service(compose):
    environment = compose["services"]["gateway"]["environment"]
    postgres = compose["services"]["postgres"]["environment"]
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "GATEWAY_DOMAIN", "DJANGO_ALLOWED_HOSTS"} <= set(environment)
    assert environment["DATABASE_URL"].startswith(f"postgres://{postgres['POSTGRES_USER']}:")
    assert environment["DATABASE_URL"].endswith(f"@postgres:5432/{postgres['POSTGRES_DB']}")
    # No default secret key: compose refuses to start without one (${VAR:?message}).
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")


def test_only_the_proxy_is_published_and_it_reaches_gateway_port_8000(compose):
    # The gateway trusts X-Forwarded-For from its proxy, so no one else may reach port 8000.
    assert "ports" not in compose["services"]["gateway"]
    assert compose["services"]["gateway"]["expose"] == ["8000"]
    assert {"80:80", "443:443"} <= set(compose["services"]["proxy"]["ports"])
    assert compose["services"]["proxy"]["depends_on"] == {"gateway": {"condition": "service_healthy"}}


def test_dockerfile_builds_from_python_311_slim_and_installs_the_project(dockerfile):
    assert instruction(dockerfile, "FROM") == ["python:3.11-slim"]
    assert any(args.startswith("pip install .") for args in instruction(dockerfile, "RUN"))


def test_dockerfile_collects_static_at_build_time_with_throwaway_settings(dockerfile):
    collect = [args for args in instruction(dockerfile, "RUN") if "collectstatic --no-input" in args]
    assert len(collect) == 1
    assert "DJANGO_SECRET_KEY=" in collect[0]
    assert "DATABASE_URL=" in collect[0]


def test_dockerfile_runs_production_settings_as_a_non_root_user(dockerfile):
    env = " ".join(instruction(dockerfile, "ENV"))
    assert "DJANGO_SETTINGS_MODULE=gateway.settings.production" in env
    assert instruction(dockerfile, "USER") and instruction(dockerfile, "USER")[-1] != "root"
    assert instruction(dockerfile, "EXPOSE") == ["8000"]


def test_dockerfile_cmd_is_the_compose_start_command(dockerfile, compose):
    (cmd,) = instruction(dockerfile, "CMD")
    assert json.loads(cmd) == compose["services"]["gateway"]["command"]


def gunicorn_settings(monkeypatch, **env) -> dict:
    """Return the names gunicorn.conf.py defines when run with exactly these GUNICORN_*/PORT variables."""
    for name in ("PORT", "HOST", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_config_binds_port_8000_and_outlasts_a_platform_call(monkeypatch):
    config = gunicorn_settings(monkeypatch)
    assert config["bind"] == "0.0.0.0:8000"
    assert config["timeout"] > 45  # the AI platforms wait 45 s for a call
    assert config["accesslog"] is None


def test_gunicorn_config_reads_port_and_keeps_sync_workers_single_threaded(monkeypatch):
    config = gunicorn_settings(monkeypatch, PORT="9123", GUNICORN_WORKER_CLASS="sync")
    assert config["bind"] == "0.0.0.0:9123"
    # gunicorn silently switches a sync worker with threads > 1 to gthread.
    assert config["threads"] == 1


def server_options(monkeypatch, **env) -> dict:
    """Return the options serve.py gives granian when run with exactly these SERVER_*/GUNICORN_*/PORT variables."""
    for name in ("PORT", "HOST", "SERVER_WORKERS", "SERVER_KEEPALIVE", "SERVER_GRACEFUL_TIMEOUT", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "serve.py"))["server_options"]()


def test_server_serves_the_wsgi_app_on_port_8000_one_request_per_worker_at_a_time(monkeypatch):
    options = server_options(monkeypatch)
    assert (options["target"], options["interface"].value) == ("serve:application", "wsgi")
    assert (options["address"], options["port"]) == ("0.0.0.0", 8000)  # noqa: S104 - behind the proxy
    # drf-spectacular's schema generation is not thread-safe: no second thread in a worker.
    assert options["blocking_threads"] == 1
    assert options["respawn_failed_workers"] is True
    assert options["log_access"] is False


def test_server_reads_port_workers_and_timeouts_with_the_gunicorn_names_as_fallback(monkeypatch):
    options = server_options(monkeypatch, PORT="9123", GUNICORN_WORKERS="5", SERVER_KEEPALIVE="7")
    assert options["port"] == 9123
    assert options["workers"] == 5
    assert options["http1_settings"].header_read_timeout == 7000
    assert options["workers_kill_timeout"] == 30
    assert server_options(monkeypatch, SERVER_WORKERS="3", GUNICORN_WORKERS="5")["workers"] == 3


def test_server_keeps_the_process_environment_out_of_request_meta(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-process-secret")
    serve = runpy.run_path(str(ROOT / "serve.py"), run_name="serve_for_test")
    seen = {}
    application = serve["application"]
    monkeypatch.setitem(application.__globals__, "gateway_application", lambda environ, _: seen.update(environ))
    # As granian builds it: a copy of os.environ, then the request's own names on top.
    environ = {**os.environ, "PATH_INFO": "/x", "HTTP_HOST": "example.test", "CONTENT_TYPE": "application/json"}
    application(environ, None)
    assert "DJANGO_SECRET_KEY" not in seen
    assert {"PATH_INFO": "/x", "HTTP_HOST": "example.test", "CONTENT_TYPE": "application/json"}.items() <= seen.items()


def test_gateway_healthcheck_asks_readyz(compose):
    check = compose["services"]["gateway"]["healthcheck"]
    assert "http://127.0.0.1:8000/readyz" in " ".join(check["test"])
    assert check["retries"] >= 3


def test_the_gateway_shares_redis_and_trusts_only_its_proxy(compose):
    environment = compose["services"]["gateway"]["environment"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["GATEWAY_TRUST_PROXY"] == "1"
    assert compose["services"]["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


@pytest.fixture(scope="module")
def caddyfile() -> str:
    return (ROOT / "deploy" / "Caddyfile").read_text()


def test_caddy_routes_the_gateway_host_and_every_plugin_host_to_the_gateway(compose, caddyfile):
    mount = next(v for v in compose["services"]["proxy"]["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    assert mount.startswith("./deploy/Caddyfile:")
    site = next(line for line in caddyfile.splitlines() if line.rstrip().endswith("{") and "GATEWAY_DOMAIN" in line)
    assert "{$GATEWAY_DOMAIN:localhost}," in site and "*.{$GATEWAY_DOMAIN:localhost}" in site
    # The compose service by default; GATEWAY_UPSTREAM lets the same file front a server elsewhere.
    assert "reverse_proxy {$GATEWAY_UPSTREAM:gateway:8000}" in caddyfile
    assert "health_uri /readyz" in caddyfile


def test_caddy_bounds_how_long_a_client_may_take_to_send_its_request(caddyfile):
    # A stalled body would hold a one-request-at-a-time worker (docs/deployment.md, "Slow clients").
    assert re.search(r"timeouts \{\s*read_header 10s\s*read_body 30s\s*\}", caddyfile)
    assert re.search(r"request_body \{\s*max_size 2MB\s*\}", caddyfile)
