# ruff: noqa: S603, S607 - a bench script: it runs gcc and valgrind from PATH and this checkout's Python.
"""Instructions per request, in-process under callgrind: repeatable on a shared, noisy machine.

    /work/main/.venv/bin/python bench/callgrind.py            # fresh h4_bench database, all cases
    /work/main/.venv/bin/python bench/callgrind.py --requests 200 --cases oauth_get mcp_get

Runs the production WSGI app (gateway.settings.production, its middleware, PostgreSQL, the Redis
cache of REDIS_URL on) in one Python process under `valgrind --tool=callgrind`, no HTTP server.
The database is made fresh by bench/fixture.py (DATABASE_URL, default .../h4_bench; REDIS_URL,
default redis://127.0.0.1:6379/5). Per case: switch the todo plugin's auth mode, warm up, then
zero callgrind's counters, send --requests requests and dump the counters under the case's name
(callgrind client requests, through a ten-line C helper built with gcc and loaded with ctypes), so
only the measured requests are counted: not Django's start, not the warm-up, not the mode switch.
Instrumentation starts after Django's setup (--instr-atstart=no), which keeps the run short.

Counted: user-space instructions of this process, all threads, including the JSON request log
line (to /dev/null) and the usage row written when the response is closed (as gunicorn does).
Not counted: PostgreSQL, Redis and the kernel. The cache lifetimes are raised to an hour so a
slow run under valgrind never sees an expired token or plugin row (in production a miss per
minute is amortised over thousands of requests).
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HELPER_C = r"""
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""
MCP_BODY = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "getTodos", "arguments": {"username": "benchreader"}},
    }
).encode()
# name: (todo plugin's auth mode, method, path, credential, body)
CASES = {
    "oauth_get": ("oauth", "GET", "/plugins/todo/todos/benchreader", "oauth_reader", b""),
    "service_get": ("service_http", "GET", "/plugins/todo/todos/benchreader", "service_key", b""),
    "manifest": ("oauth", "GET", "/plugins/todo/.well-known/ai-plugin.json", None, b""),
    "mcp_get": ("oauth", "POST", "/plugins/todo/mcp", "oauth_reader", MCP_BODY),
}
LABELS = {
    "oauth_get": "GET todos, OAuth token",
    "service_get": "GET todos, service key",
    "manifest": "manifest",
    "mcp_get": "MCP tools/call getTodos, OAuth",
}


def build_helper(directory: Path) -> Path:
    source, library = directory / "cgclient.c", directory / "cgclient.so"
    source.write_text(HELPER_C)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def measure(args) -> None:
    """Run inside valgrind: warm each case up, then count --requests of it between zero and dump."""
    import ctypes

    from bench.fixture import bench_environment

    bench_environment()
    credentials = json.loads(os.environ["BENCH_CREDENTIALS"])
    helper = ctypes.CDLL(args.helper)
    from bench.fixture import set_mode
    from gateway.wsgi import application

    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call(method, path, credential, body) -> None:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
        }
        if body:
            environ.update(
                CONTENT_TYPE="application/json",
                CONTENT_LENGTH=str(len(body)),
                HTTP_ACCEPT="application/json, text/event-stream",
                HTTP_MCP_PROTOCOL_VERSION="2025-11-25",
            )
        if credential:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {credentials[credential]}"
        response = application(environ, start_response)
        b"".join(response)
        response.close()

    helper.cg_start()
    for name in args.cases:
        mode, method, path, credential, body = CASES[name]
        set_mode(mode)
        for _ in range(args.warmup):
            call(method, path, credential, body)
        for round_number in range(args.rounds):
            statuses.clear()
            helper.cg_zero()
            for _ in range(args.requests):
                call(method, path, credential, body)
            helper.cg_dump(f"{name} round {round_number}".encode())
            if set(statuses) != {"200 OK"}:
                sys.exit(f"{name}: statuses {sorted(set(statuses))}")


def dumped_totals(directory: Path) -> dict[str, list[int]]:
    """Return {case: [instructions of each round]} from callgrind's dump files."""
    totals: dict[str, list[int]] = {}
    for path in sorted(directory.glob("callgrind.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[-1])):
        text = path.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (\S+) round", text, re.M)
        # `totals`, not `summary`: the dumps' totals add up to the "Collected" valgrind prints at exit.
        total = re.search(r"^totals: (\d+)", text, re.M)
        if trigger and total:
            totals.setdefault(trigger[1], []).append(int(total[1]))
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="measured rounds per case, each reported")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--helper", help=argparse.SUPPRESS)
    parser.add_argument("--report", metavar="DIR", help="only print the figures of an earlier run's dumps")
    args = parser.parse_args()
    if args.measure:
        measure(args)
        return
    if args.report:
        report(args, Path(args.report))
        return

    from bench.fixture import create

    credentials = create()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="callgrind-", dir=ROOT / "bench" / "out"))
    helper = build_helper(out)
    env = dict(
        os.environ,
        BENCH_CREDENTIALS=json.dumps(credentials),
        GATEWAY_TOKEN_CACHE_SECONDS="3600",  # noqa: S106 - a lifetime, not a secret
        GATEWAY_PLUGIN_CACHE_SECONDS="3600",
        # The usage buffer drains every GATEWAY_USAGE_BATCH rows or on the first call after this many
        # seconds: under valgrind (50x slower) the clock would drain every few requests; in service
        # at any real rate a drain comes every batch (500 rows), a bulk insert amortised to ~nothing.
        GATEWAY_USAGE_DRAIN_SECONDS="3600",
    )
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}/callgrind.out",
        sys.executable,
        __file__,
        "--measure",
        f"--helper={helper}",
        f"--warmup={args.warmup}",
        f"--requests={args.requests}",
        f"--rounds={args.rounds}",
        "--cases",
        *args.cases,
    ]
    with open(out / "valgrind.log", "w") as log:
        # The request log goes to stderr: to the log file, out of the way, as a log collector takes it.
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if result.returncode:
        sys.exit(f"valgrind failed ({result.returncode}); see {out}/valgrind.log")
    report(args, out)
    print(f"dumps (callgrind_annotate FILE) and log: {out}", file=sys.stderr)


def report(args, out: Path) -> None:
    totals = dumped_totals(out)
    per_request = {name: [total / args.requests for total in rounds] for name, rounds in totals.items()}
    print(f"instructions per request, {args.requests} requests x {args.rounds} rounds after {args.warmup} warm-up")
    print(f"  {'case':<12} {'':<32} {'best':>8}   each round")
    for name in args.cases:
        rounds = per_request.get(name, [])
        figures = "  ".join(f"{value / 1e6:6.3f} M" for value in rounds)
        # The best round: the first after a mode switch can carry a little of the switch (~0.1 M/request
        # at 100 requests); later rounds of one case agree to within 0.5 %.
        print(f"  {name:<12} {LABELS[name]:<32} {min(rounds, default=0) / 1e6:6.3f} M   {figures}")
    if "mcp_get" in per_request and "oauth_get" in per_request:
        ratio = min(per_request["mcp_get"]) / min(per_request["oauth_get"])
        print(f"  MCP tools/call getTodos / direct OAuth GET todos: {ratio:.2f}x")


if __name__ == "__main__":
    main()
