"""Gunicorn settings for the gateway: `gunicorn gateway.wsgi:application` from the project root.

Every value can be overridden from the environment, so one file serves the compose file, a plain
VM and the benchmark. The defaults are what bench/RESULTS.md measured best on a 2-core machine.
"""

import multiprocessing
import os
import shutil
import tempfile


def env_int(name: str, default: int) -> int:
    """Read a positive integer from the environment, or the default when unset or blank."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '0.0.0.0')}:{env_int('PORT', 8000)}"  # noqa: S104

# Requests are CPU-bound in Python (~1.5 ms each): 2 to 5 workers gave the same throughput on 2
# cores (bench/RESULTS.md). One per core plus one covers a worker waiting on the DB or an upstream.
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
# sync, not gthread: drf-spectacular's schema generation is not thread-safe (its issues #1122,
# #1123), and concurrent first requests for openapi.json failed with 500s under gthread in the
# benchmark. gthread would let a worker keep serving while a thread waits on a slow upstream.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# Gunicorn silently turns `sync` into `gthread` when threads > 1, so threads default to 1 for sync.
threads = env_int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)

# The AI platforms give up on a call after 45 s, and upstream calls time out after 10 s per read:
# a worker still silent after 60 s is stuck, and is replaced.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer that reuses connections this should exceed its idle timeout; 5 s suits
# direct clients and most proxies.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak in any dependency can never grow without bound, but
# rarely: a worker serves ~300 req/s, and each restart costs about a second of CPU (bench/RESULTS.md).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
# Import Django once in the master and fork: workers start in milliseconds and share memory. Safe
# because nothing opens a database connection at import time.
preload_app = env_bool("GUNICORN_PRELOAD", True)

# Off by default: the reverse proxy in front logs requests, and each line costs a worker CPU.
accesslog = "-" if env_bool("GUNICORN_ACCESS_LOG", False) else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The worker heartbeat file: on tmpfs where there is one, as disk-backed /tmp can stall in containers.
# gunicorn only creates short-lived unlinked files there, so a shared tmpfs is fine.
SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

# Trust X-Forwarded-* only from the proxy in front (Django decides separately: GATEWAY_TRUST_PROXY).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# /metrics adds up every worker's counters (prometheus-client's multiprocess mode, docs/deployment.md):
# each worker writes its values to files in this directory. Set here, before the app (and with it
# prometheus-client) is imported; unless the operator names one, a fresh one per gunicorn run, so
# no earlier run's counters are added in, removed when gunicorn exits.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    METRICS_DIR = tempfile.mkdtemp(prefix="gateway-metrics-", dir=SHM if os.path.isdir(SHM) else None)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = METRICS_DIR

    def on_exit(server):
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
