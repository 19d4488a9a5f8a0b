"""A small HTTP load generator for machines without wrk (bench/run.sh falls back to it).

It keeps `--connections` requests in flight for `--duration` seconds and prints the lines of
`wrk --latency` that bench/run.sh reads (Requests/sec, the 50% and 99% latencies, non-2xx).
Being Python, it needs far more CPU per request than wrk: its numbers are a floor, not a match.
"""

import argparse
import asyncio
import time

import httpx


async def worker(client, args, deadline, latencies, counts):
    """Send requests one after another until the deadline, recording each latency."""
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            if args.body is None:
                response = await client.get(args.url)
            else:
                response = await client.post(args.url, content=args.body, headers={"Content-Type": "application/json"})
        except httpx.HTTPError:
            counts["errors"] += 1
            continue
        latencies.append(time.perf_counter() - started)
        if not 200 <= response.status_code < 300:
            counts["non2xx"] += 1


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(int(fraction * len(sorted_values)), len(sorted_values) - 1)]


async def run(args) -> None:
    latencies: list[float] = []
    counts = {"errors": 0, "non2xx": 0}
    limits = httpx.Limits(max_connections=args.connections, max_keepalive_connections=args.connections)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:
        started = time.monotonic()
        deadline = started + args.duration
        await asyncio.gather(*(worker(client, args, deadline, latencies, counts) for _ in range(args.connections)))
        elapsed = time.monotonic() - started
    latencies.sort()
    print(f"Running {args.duration}s test @ {args.url} (bench/loadgen.py, {args.connections} connections)")
    print("  Latency Distribution")
    for label, fraction in (("50%", 0.50), ("75%", 0.75), ("90%", 0.90), ("99%", 0.99)):
        print(f"     {label}  {percentile(latencies, fraction) * 1000:.2f}ms")
    print(f"  {len(latencies)} requests in {elapsed:.2f}s")
    if counts["errors"]:
        print(f"  Socket errors: {counts['errors']}")
    if counts["non2xx"]:
        print(f"  Non-2xx or 3xx responses: {counts['non2xx']}")
    print(f"Requests/sec: {len(latencies) / elapsed:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--body", help="POST this JSON body instead of GET")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
