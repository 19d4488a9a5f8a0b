"""Call the production WSGI app in-process, no HTTP server: CPU per request, a profile, or callgrind.

Against a database prepared as bench/run.sh prepares it (run.sh leaves gw_benchdb behind), with
the environment run.sh sets (production settings, DATABASE_URL, DJANGO_SECRET_KEY, REDIS_URL...):

    .venv/bin/python bench/inprocess.py --path /plugins/todo/todos/benchreader --token TOKEN
    .venv/bin/python bench/inprocess.py --profile cumulative       # cProfile, CPU clock
    # user-space instructions per request, repeatable on a noisy machine: run 30 and 130 requests
    # and divide the difference of callgrind's "Collected" totals by 100
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/inprocess.py \\
        --warmup 20 --requests 130 --rounds 1

The response is closed after each call, as gunicorn does, so the usage row is written too.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.production")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/plugins/todo/todos/benchreader")
    parser.add_argument("--query", default="", help="the query string, without '?'")
    parser.add_argument("--token", default="", help="sent as 'Authorization: Bearer <token>'")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="report the best round (least disturbed)")
    parser.add_argument("--profile", choices=["cumulative", "tottime"], help="print a cProfile of one round")
    args = parser.parse_args()

    from gateway.wsgi import application

    statuses = set()

    def start_response(status, headers, exc_info=None):
        statuses.add(status)

    def call() -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": args.path,
            "QUERY_STRING": args.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        if args.token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {args.token}"
        response = application(environ, start_response)
        b"".join(response)
        response.close()

    for _ in range(args.warmup):
        call()
    rounds = []
    for _ in range(args.rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.requests):
            call()
        rounds.append(((time.perf_counter() - wall), (time.process_time() - cpu)))
    best_wall, best_cpu = (min(values) * 1000 / args.requests for values in zip(*rounds, strict=True))
    print(f"{args.requests} x {args.rounds} requests, statuses {sorted(statuses)}")
    print(f"best round: {best_cpu:.3f} ms CPU, {best_wall:.3f} ms wall per request")
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.requests):
            call()
        profile.disable()
        pstats.Stats(profile).sort_stats(args.profile).print_stats(40)


if __name__ == "__main__":
    main()
