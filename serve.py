"""Serve the gateway in production with granian (WSGI): `python serve.py` from the project root.

The production server, chosen by measurement over gunicorn (bench/RESULTS.md, issue 12): the same
one-request-at-a-time workers as gunicorn's sync class, but HTTP parsing, keep-alive and the
accept loop run in Rust, costing a worker about a seventh of gunicorn's CPU per request.
Every value can be overridden from the environment, so one file serves the compose file, a plain
VM and the benchmark. gunicorn stays installed and `gunicorn -c gunicorn.conf.py
gateway.wsgi:application` still works (bench/servers.sh compares both).

Knobs (environment), defaults in brackets; the GUNICORN_* name of the same knob is read when the
SERVER_* one is unset, so an existing deployment keeps its settings:
  HOST [0.0.0.0], PORT [8000]
  SERVER_WORKERS [cores + 1]          processes, each running one request at a time
  SERVER_GRACEFUL_TIMEOUT [30] s      on SIGTERM/SIGHUP, how long a worker may finish its requests
  SERVER_KEEPALIVE [5] s              an idle keep-alive connection (or a client still sending
                                      its request headers) is closed after this
  SERVER_WORKER_LIFETIME [86400] s    replace each worker gracefully after this long (0: never),
                                      so a slow leak in any dependency cannot grow without bound
  SERVER_ACCESS_LOG [off], SERVER_LOG_LEVEL [info]
`kill -HUP <pid>` replaces the workers one by one (a graceful reload); a worker that dies is
respawned. Unlike gunicorn's `timeout` (60 s), granian has no watchdog that kills a worker stuck in
one request: upstream calls time out by themselves (10 s per read), a stuck database query does
not; the worker lifetime above is then the bound.
"""

import multiprocessing
import os
import shutil
import tempfile
from functools import cache

# This module's `application` below: the gateway's WSGI app without the process environment.
APP = "serve:application"
# Names a request's environ must keep even if the process environment has one of the same name.
CGI_NAMES = {"CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "QUERY_STRING", "SCRIPT_NAME"}
CGI_PREFIXES = ("HTTP_", "REMOTE_", "REQUEST_", "SERVER_", "wsgi.")


@cache
def process_names() -> frozenset[str]:
    return frozenset(name for name in os.environ if name not in CGI_NAMES and not name.startswith(CGI_PREFIXES))


if __name__ != "__main__":
    # In a worker, which imports this module as the server's target: Django is set up when the
    # worker loads its target, as with `gateway.wsgi:application`, not inside the first request.
    from gateway.wsgi import application as gateway_application


def application(environ, start_response):
    """Call gateway.wsgi.application without the process environment in the request's environ.

    granian starts every WSGI environ from a copy of os.environ (wsgiref does the same), so
    request.META would carry DJANGO_SECRET_KEY, DATABASE_URL and every other secret of the
    deployment into whatever reads META (error reports, tracing). gunicorn adds none of it.
    """
    for name in process_names():
        environ.pop(name, None)
    return gateway_application(environ, start_response)


def env_int(name: str, default: int, *, legacy: str | None = None) -> int:
    """Read a non-negative integer from the environment (or its legacy name), else the default."""
    for key in (name, legacy):
        value = os.environ.get(key, "").strip() if key else ""
        if value:
            return int(value)
    return default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip()
    return value.lower() in {"1", "true", "yes", "on"} if value else default


def server_options() -> dict:
    """Return granian's options for the gateway, from the environment."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    keepalive = env_int("SERVER_KEEPALIVE", 5, legacy="GUNICORN_KEEPALIVE")
    lifetime = env_int("SERVER_WORKER_LIFETIME", 86_400)
    return {
        "target": APP,
        "address": os.environ.get("HOST", "0.0.0.0"),  # noqa: S104 - inside its container, behind the proxy
        "port": env_int("PORT", 8000),
        "interface": Interfaces.WSGI,
        # Requests are CPU-bound in Python: one per core plus one covers a worker waiting on the
        # database or an upstream (bench/RESULTS.md).
        "workers": env_int("SERVER_WORKERS", multiprocessing.cpu_count() + 1, legacy="GUNICORN_WORKERS"),
        # One request at a time per worker, as gunicorn's sync workers: drf-spectacular's schema
        # generation is not thread-safe (its issues #1122, #1123), and threads gained nothing
        # reliable in the benchmark. granian's own WSGI default would be 256 threads per worker.
        "blocking_threads": 1,
        "http1_settings": HTTP1Settings(header_read_timeout=keepalive * 1000, keep_alive=True),
        "respawn_failed_workers": True,
        "workers_kill_timeout": env_int("SERVER_GRACEFUL_TIMEOUT", 30, legacy="GUNICORN_GRACEFUL_TIMEOUT"),
        "workers_lifetime": lifetime or None,
        "log_access": env_bool("SERVER_ACCESS_LOG", False),
        "log_level": LogLevels(os.environ.get("SERVER_LOG_LEVEL", "info")),
    }


def main() -> None:
    from granian import Granian

    # /metrics adds up every worker's counters (prometheus-client's multiprocess mode,
    # docs/deployment.md): each worker writes its values to files in this directory. Set before the
    # workers import the app; unless the operator names one, a fresh one per run, removed at exit.
    created = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shm = "/dev/shm"  # noqa: S108 - tmpfs where there is one
        created = tempfile.mkdtemp(prefix="gateway-metrics-", dir=shm if os.path.isdir(shm) else None)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = created
    try:
        Granian(**server_options()).serve()
    finally:
        if created:
            shutil.rmtree(created, ignore_errors=True)


if __name__ == "__main__":
    main()
