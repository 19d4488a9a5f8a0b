"""Fault tests of the deployed stack (gunicorn + production settings + PostgreSQL); not unit tests.

  python bench/faults.py pg-restart   # PostgreSQL restarted under write load
  python bench/faults.py two-servers  # two gunicorn servers, one database, concurrent POST/DELETE

Each run uses a fresh database (FAULT_DATABASE_URL, default .../gw_faults on 127.0.0.1:5432),
prints a JSON summary and exits non-zero when an invariant fails. pg-restart restarts the cluster
named by FAULT_PG_CLUSTER ("15 main" by default): every client of that server sees the outage.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB_URL = os.environ.get("FAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gw_faults")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "gateway.settings.production",
    "DATABASE_URL": DB_URL,
    "DJANGO_SECRET_KEY": "faults-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "GATEWAY_SSL_REDIRECT": "0",
    "GATEWAY_REQUEST_LOG_LEVEL": "WARNING",
    "DJANGO_LOG_LEVEL": "CRITICAL",
}


def fresh_database() -> None:
    url = urlsplit(DB_URL)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=ENV, check=True)  # noqa: S603


def start_gunicorn(workers: int = 3) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(PY).with_name("gunicorn")
    env = {**ENV, "HOST": "127.0.0.1", "PORT": str(port), "GUNICORN_WORKERS": str(workers)}
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [str(gunicorn), "-c", "gunicorn.conf.py", "gateway.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not become ready")


def stored_texts(username: str) -> list[str]:
    with psycopg.connect(DB_URL) as conn:
        rows = conn.execute("SELECT text FROM todo_todo WHERE username = %s ORDER BY id", [username]).fetchall()
    return [row[0] for row in rows]


def pg_restart(seconds: float = 20, threads: int = 8) -> dict:
    """Write under load, restart PostgreSQL mid-run; every acknowledged write must be stored."""
    fresh_database()
    server, base = start_gunicorn()
    acknowledged: list[str] = []
    statuses: Counter = Counter()
    bodies: dict[int, str] = {}
    timeline: list[tuple[float, int]] = []
    lock = threading.Lock()
    started = time.monotonic()
    stop = started + seconds

    def writer(worker: int) -> None:
        with httpx.Client(timeout=10) as http:
            number = 0
            while time.monotonic() < stop:
                number += 1
                text = f"w{worker}-{number}"
                try:
                    response = http.post(f"{base}/plugins/todo/todos/faults", json={"todo": text})
                    status = response.status_code
                except httpx.TransportError:
                    status = 0  # connection refused or reset: no answer, so nothing acknowledged
                with lock:
                    statuses[status] += 1
                    timeline.append((time.monotonic() - started, status))
                    if 200 <= status < 300:
                        acknowledged.append(text)
                    elif status not in bodies and status:
                        bodies[status] = response.text[:300]

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    time.sleep(5)
    cluster = os.environ.get("FAULT_PG_CLUSTER", "15 main").split()
    restart_at = time.monotonic() - started
    restart = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"]
    subprocess.run(restart, check=True)  # noqa: S603 - Debian's cluster tool, from PATH
    restarted_at = time.monotonic() - started
    for thread in workers:
        thread.join()
    server.terminate()
    server.wait(timeout=30)

    stored = stored_texts("faults")
    lost = sorted(set(acknowledged) - set(stored))
    failures = [t for t, status in timeline if not 200 <= status < 300]
    return {
        "test": "pg-restart",
        # From the restart command to its return (it waits for the server to accept connections).
        "restart_command_s": [round(restart_at, 2), round(restarted_at, 2)],
        "statuses": dict(sorted(statuses.items())),
        "error_bodies": bodies,
        # Answers other than 2xx (all 503s when healthy) fall between these times; 2xx before and after.
        "non_2xx_between_s": [round(min(failures), 2), round(max(failures), 2)] if failures else None,
        "acknowledged_posts": len(acknowledged),
        "rows": len(stored),
        "acknowledged_but_lost": lost[:20],
        "ok": not lost and statuses.get(500, 0) == 0,
    }


def two_servers(seconds: float = 15, threads: int = 8) -> dict:
    """Two gunicorn servers on one database: concurrent adds and deletes must add up exactly."""
    fresh_database()
    (server_a, base_a), (server_b, base_b) = start_gunicorn(2), start_gunicorn(2)
    posted: list[str] = []
    deleted: list[str] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(worker: int) -> None:
        base = (base_a, base_b)[worker % 2]
        url = f"{base}/plugins/todo/todos/pair"
        with httpx.Client(timeout=10) as http:
            number = 0
            while time.monotonic() < stop:
                number += 1
                if worker % 4 < 2 or number % 3:  # half the clients write; the rest mostly delete
                    text = f"c{worker}-{number}"
                    response = http.post(url, json={"todo": text})
                    kind, value = "POST", text
                else:
                    response = http.request("DELETE", url, json={"todo_idx": 0})
                    kind, value = "DELETE", response.json().get("deleted") if response.status_code == 200 else None
                with lock:
                    statuses[f"{kind} {response.status_code}"] += 1
                    if response.status_code == 200:
                        (posted if kind == "POST" else deleted).append(value)

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    view_a = httpx.get(f"{base_a}/plugins/todo/todos/pair", timeout=10).json().get("todos", [])
    view_b = httpx.get(f"{base_b}/plugins/todo/todos/pair", timeout=10).json().get("todos", [])
    for server in (server_a, server_b):
        server.terminate()
        server.wait(timeout=30)
    stored = stored_texts("pair")
    expected = Counter(posted) - Counter(deleted)
    return {
        "test": "two-servers",
        "statuses": dict(sorted(statuses.items())),
        "posts_acknowledged": len(posted),
        "deletes_acknowledged": len(deleted),
        "rows": len(stored),
        "deleted_twice": [text for text, count in Counter(deleted).items() if count > 1],
        "deleted_but_never_posted": sorted(set(deleted) - set(posted))[:20],
        "servers_agree": view_a == view_b == stored,
        "ok": Counter(stored) == expected and view_a == view_b == stored and len(set(deleted)) == len(deleted),
    }


if __name__ == "__main__":
    tests = {"pg-restart": pg_restart, "two-servers": two_servers}
    if len(sys.argv) != 2 or sys.argv[1] not in tests:
        raise SystemExit(f"usage: {sys.argv[0]} {{{'|'.join(tests)}}}")
    result = tests[sys.argv[1]]()
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)
