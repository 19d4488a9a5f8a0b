"""Is the OpenAPI document still unsafe to build in two threads of one worker? (bench/RESULTS.md, issue 12)

    python bench/schema_threads.py http://127.0.0.1:PORT [--requests 200] [--concurrency 16]

drf-spectacular's schema generation is not thread-safe (its issues #1122, #1123, #1368). The
gateway caches the rendered document per plugin, settings version, base URL and format, so a
threaded worker builds it only on a cache miss. Every distinct Host header (a port included) is a
distinct base URL and so a miss: this sends `openapi.json` requests, each with its own port in
the Host header, `--concurrency` at a time, and counts the answers by status. Any 500 means two
threads built the document at once and one failed. Against a server with one request per worker
at a time (gunicorn sync, granian with one blocking thread) there is nothing to race.
"""

import argparse
import collections
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--path", default="/plugins/todo/openapi.json")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    def fetch(n: int) -> int:
        host = f"127.0.0.1:{20000 + n}"
        with httpx.Client(timeout=60) as http:
            return http.get(args.base + args.path, headers={"Host": host}).status_code

    with ThreadPoolExecutor(args.concurrency) as pool:
        statuses = collections.Counter(pool.map(fetch, range(args.requests)))
    print(dict(sorted(statuses.items())))
    sys.exit(1 if statuses.get(500) else 0)


if __name__ == "__main__":
    main()
