# ruff: noqa: S603, S607 - a bench script: it runs manage.py, gunicorn and wrk from this checkout and PATH.
"""What recording usage adds to a plugin API call, with and without the usage middleware, on PostgreSQL.

1. In-process: N todos GETs (and POSTs) through Django's test client per configuration, interleaved in
   blocks. The test client calls response.close() inside the timed call, so this includes the deferred
   insert: it is the worker time each recorded call costs.
2. Through gunicorn (gunicorn.conf.py, production settings): `wrk -c1 --latency` for the latency one
   client sees, and `wrk -c32` for throughput, with GATEWAY_USAGE_ENABLED=0 and =1.

    .venv/bin/python bench/usage_latency.py [--requests 2000] [--skip-gunicorn]

The database named by --database-url (default gw_usage_bench) is dropped and recreated.
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from serverenv import use_production_settings

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True)


def summary(samples: list[float]) -> str:
    ms = sorted(sample * 1000 for sample in samples)
    p90 = ms[int(len(ms) * 0.9)]
    return f"n={len(ms)} median={statistics.median(ms):.3f} ms p90={p90:.3f} ms mean={statistics.fmean(ms):.3f} ms"


def in_process(requests: int, blocks: int = 10) -> None:
    import django

    django.setup()
    from django.test import Client, override_settings

    from gateway.usage.models import Call

    clients = {"recording on": Client(HTTP_HOST="localhost"), "recording off": Client(HTTP_HOST="localhost")}
    with override_settings(GATEWAY_USAGE_ENABLED=False):  # middleware is loaded on a client's first request
        clients["recording off"].get("/plugins/todo/todos/warmup")
    clients["recording on"].get("/plugins/todo/todos/warmup")
    for i in range(5):
        clients["recording off"].post("/plugins/todo/todos/benchreader", {"todo": f"t{i}"}, "application/json")
    calls = {
        "GET /todos/benchreader": lambda client: client.get("/plugins/todo/todos/benchreader"),
        "POST /todos/benchwriter": lambda client: client.post(
            "/plugins/todo/todos/benchwriter", {"todo": "x"}, "application/json"
        ),
    }
    for label, call in calls.items():
        samples = {name: [] for name in clients}
        for block in range(blocks):
            order = list(clients) if block % 2 == 0 else list(reversed(clients))
            for name in order:
                for _ in range(requests // blocks):
                    started = time.perf_counter()
                    response = call(clients[name])
                    samples[name].append(time.perf_counter() - started)
                    assert response.status_code == 200, response.content
        medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
        print(f"in-process {label}")
        for name, values in samples.items():
            print(f"  {name:14} {summary(values)}")
        print(f"  added at the median: {medians['recording on'] - medians['recording off']:.3f} ms")
    print(f"rows recorded: {Call.objects.count()}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, connections: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": float(p50.group(1)) * scale,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def through_gunicorn(seconds: int) -> None:
    for enabled in ("0", "1", "0", "1"):
        port = free_port()
        env = {**os.environ, "GATEWAY_USAGE_ENABLED": enabled, "PORT": str(port), "HOST": "127.0.0.1"}
        server = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "-c", "gunicorn.conf.py", "gateway.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/plugins/todo/todos/benchreader"
        try:
            for _ in range(60):
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            wrk(url, 4, 2)  # warm every worker
            one = wrk(url, 1, seconds)
            many = wrk(url, 32, seconds)
        finally:
            server.terminate()
            server.wait()
        print(
            f"gunicorn recording {'on ' if enabled == '1' else 'off'}: 1 connection p50 {one['p50_ms']:.3f} ms "
            f"({one['requests']} requests, {one['rps']:.0f} req/s); 32 connections {many['rps']:.0f} req/s, "
            f"p50 {many['p50_ms']:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/gw_usage_bench")
    parser.add_argument("--skip-gunicorn", action="store_true")
    args = parser.parse_args()
    use_production_settings(args.database_url)
    sys.path.insert(0, str(ROOT))
    fresh_database(args.database_url)
    in_process(args.requests)
    if not args.skip_gunicorn:
        through_gunicorn(args.seconds)


if __name__ == "__main__":
    main()
