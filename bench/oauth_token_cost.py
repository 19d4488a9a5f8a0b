# ruff: noqa: S603 - a bench script: it runs manage.py and gunicorn from this checkout.
"""What one request to the token endpoint costs a worker: wrong secret, unknown client, good code.

Against the gateway as deployed: gunicorn (gunicorn.conf.py) with gateway.settings.production on
PostgreSQL, over real HTTP from one sequential client. For each kind of request it prints the
median and p95 latency and the worker CPU seconds per request (user+system ticks of the gunicorn
workers from /proc/<pid>/stat, read just before and after each timed request, as bench/cpu.py does).

1. wrong secret: a real confidential client's id with a wrong 128-character secret (401);
2. unknown client: a random client_id (401);
3. code exchange: a code from the real authorize -> sign-in -> consent flow, exchanged with the
   right secret (200); only the token request is timed and counted.

    .venv/bin/python bench/oauth_token_cost.py [--requests 30] [--server-env NAME=VALUE ...]

The database named by --database-url (default gw_oauth_token_bench) is dropped and recreated.
The bench measures hashing cost, not refusals: it starts the server with generous token-endpoint
throttles (LIMITS below, overridable with --server-env) and stops with an error on any 429.
"""

import argparse
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from cpu import process_parent, process_ticks  # noqa: E402
from serverenv import use_production_settings  # noqa: E402
from usage_latency import fresh_database  # noqa: E402

from tests.oauth_flow import CALLBACK, Browser, approve, authorize_url, csrf_token, hidden_fields  # noqa: E402

PY = sys.executable
BASE = "/plugins/todo/"
USERNAME, PASSWORD = "benchuser", "bench-password-1"
# Throttles on /oauth/token and /oauth/revoke (issue 11) are read from these settings; raised far
# above what a sequential client sends so the bench times the work, not 429s. Names not (yet) read
# by the settings are harmless.
LIMITS = {
    "GATEWAY_OAUTH_PER_MINUTE": "1000000",
    "GATEWAY_OAUTH_FAILURES_PER_CLIENT": "1000000",
    "GATEWAY_SIGNIN_FAILURES_PER_ACCOUNT": "1000000",
    "GATEWAY_SIGNIN_FAILURES_PER_ADDRESS": "1000000",
}


def send_secure_cookies(http: httpx.Client):
    """Return a request hook sending the Secure session and CSRF cookies over the bench's plain HTTP."""

    def hook(request: httpx.Request) -> None:
        request.headers["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies.jar)

    return hook


def seed() -> tuple[str, str]:
    """Put the todo plugin in OAuth mode with one user and one platform client; return its id and secret."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from gateway.models import Plugin
    from gateway.services import oauth_client_create, plugin_update

    get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    plugin = plugin_update(plugin=Plugin.objects.get(slug="todo"), auth_mode="oauth")
    client, secret = oauth_client_create(
        plugin=plugin, redirect_uris=[CALLBACK], name="bench platform", pkce_exempt=True
    )
    return client.client_id, secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_ticks(master: int) -> int:
    """Return the CPU ticks used so far by the gunicorn master's workers."""
    return sum(
        process_ticks(pid) for pid in os.listdir("/proc") if pid.isdigit() and process_parent(pid) == str(master)
    )


class Code:
    """Authorization codes from the real flow: one sign-in, then authorize -> consent per code."""

    def __init__(self, base_url: str, client_id: str):
        self.browser = Browser(base_url)
        self.browser.http.event_hooks["request"].append(send_secure_cookies(self.browser.http))
        self.client_id = client_id
        self.signed_in = False

    def __call__(self) -> str:
        url = authorize_url(BASE, self.client_id)
        if not self.signed_in:
            self.signed_in = True
            return approve(self.browser, url, username=USERNAME, password=PASSWORD)["code"]
        consent = self.browser.get(url)
        assert consent.status_code == 200, consent.text
        fields = {**hidden_fields(consent.text), "allow": "Authorize", "csrfmiddlewaretoken": csrf_token(consent.text)}
        answer = self.browser.http.post(url.split("?")[0], data=fields)
        assert answer.status_code == 302, answer.text
        time.sleep(0.02)  # the consent request's CPU belongs to no timed token request
        return httpx.URL(answer.headers["location"]).params["code"]


def measure(http: httpx.Client, master: int, label: str, bodies, expect: int) -> str:
    """Send each token request, timing it and the workers' CPU around it; return a result line."""
    latencies, cpu_ticks = [], 0
    for body in bodies:
        before = worker_ticks(master)
        started = time.perf_counter()
        response = http.post(f"{BASE}oauth/token", data=body)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.02)  # let the worker finish the request's bookkeeping before its ticks are read
        cpu_ticks += worker_ticks(master) - before
        if response.status_code == 429:
            sys.exit(f"{label}: 429 from the token endpoint; raise its throttle with --server-env")
        assert response.status_code == expect, (label, response.status_code, response.text)
    ms = sorted(latency * 1000 for latency in latencies)
    p95 = ms[min(len(ms) - 1, round(len(ms) * 0.95) - 1)]
    cpu = cpu_ticks / os.sysconf("SC_CLK_TCK") / len(ms)
    return f"{label:16} n={len(ms):<4} median={statistics.median(ms):8.1f} ms  p95={p95:8.1f} ms  cpu={cpu:.4f} s/req"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/gw_oauth_token_bench")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    use_production_settings(
        args.database_url,
        GATEWAY_REQUEST_LOG_LEVEL="WARNING",
        # Plain HTTP on 127.0.0.1: production settings would redirect every request to https.
        GATEWAY_SSL_REDIRECT="0",
        **LIMITS,
        **dict(item.split("=", 1) for item in args.server_env),
    )
    fresh_database(args.database_url)
    subprocess.run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, check=True)
    client_id, secret = seed()

    port = free_port()
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "-c", "gunicorn.conf.py", "gateway.wsgi:application"],
        cwd=ROOT,
        env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        http = httpx.Client(base_url=base_url, timeout=60)
        for _ in range(60):
            try:
                if http.get("/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        workers = sum(1 for pid in os.listdir("/proc") if pid.isdigit() and process_parent(pid) == str(server.pid))
        print(
            f"machine: {platform.node()} {os.cpu_count()} cpus, {platform.processor() or platform.machine()}, "
            f"load {' '.join(f'{load:.2f}' for load in os.getloadavg())}; python {platform.python_version()}; "
            f"gunicorn workers={workers}; requests per kind={args.requests}"
        )
        grant = {"grant_type": "authorization_code", "redirect_uri": CALLBACK}
        wrong = ({**grant, "code": "x", "client_id": client_id, "client_secret": secrets.token_urlsafe(96)[:128]},)
        unknown = ({**grant, "code": "x", "client_id": secrets.token_urlsafe(30), "client_secret": secret},)
        code = Code(base_url, client_id)
        # One untimed request of each kind warms every import and connection first.
        measure(http, server.pid, "warm-up", [wrong[0], unknown[0]], 401)
        print(measure(http, server.pid, "wrong secret", wrong * args.requests, 401))
        print(measure(http, server.pid, "unknown client", unknown * args.requests, 401))
        exchanges = (
            {**grant, "code": code(), "client_id": client_id, "client_secret": secret} for _ in range(args.requests)
        )
        print(measure(http, server.pid, "code exchange", exchanges, 200))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
