# ruff: noqa: S603, S311 - a bench script: it runs the server from this checkout; seeded samples, not secrets.
"""Time the sport stats operations over HTTP against the production server (serve.py) and settings.

One keep-alive connection, one request at a time (the way a platform calls one plugin), after a
warm-up. (player, season) pairs are drawn from rows that exist, so every answer has data.

Usage (after `manage.py sportstats_generate --stats 1000000` on that database):
    .venv/bin/python bench/sportstats/bench.py \\
        [--database-url postgres://postgres@127.0.0.1:5432/gw_scale_bench] [--requests 300] \
        [--server serve|gunicorn]   # serve.py (granian, production) by default; gunicorn as before
REDIS_URL in the environment turns the shared cache on, as in production.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from serverenv import use_production_settings  # noqa: E402

BASE = "/plugins/sportstats"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(client: httpx.Client, urls: list[str]) -> list[float]:
    """Return the milliseconds each GET took, checking every answer is a 200 with data."""
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and response.json()["data"], (url, response.status_code, response.headers)
    return times


def report(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name:42} n={len(times)} median={statistics.median(times):.2f} ms p95={p95:.2f} ms max={times[-1]:.2f} ms")


def samples(requests: int) -> dict[str, list[str]]:
    """Return the URLs of each operation, drawn from the database's rows."""
    import django  # noqa: PLC0415 - after the environment is set

    sys.path.insert(0, str(ROOT))
    django.setup()
    from plugins.sportstats.models import Game, Player, Stat, Team  # noqa: PLC0415

    rng = random.Random(1)
    seasons = sorted(set(Game.objects.values_list("season", flat=True)))
    counts = [model.objects.count() for model in (Team, Player, Game, Stat)]
    print(f"rows: {counts[0]} teams, {counts[1]} players, {counts[2]} games, {counts[3]} stats; ", end="")
    print(f"seasons {seasons[0]}-{seasons[-1]}")
    pairs = list(Stat.objects.order_by("?").values_list("player_id", "season")[:requests])
    by_season = {}
    for player, season in Stat.objects.order_by("?").values_list("player_id", "season")[: requests * 20]:
        by_season.setdefault(season, set()).add(player)
    full = [season for season, ids in by_season.items() if len(ids) >= 5]
    averages = []
    for _ in range(requests):
        season = rng.choice(full)
        ids = rng.sample(sorted(by_season[season]), 5)
        averages.append(f"{BASE}/season_averages?season={season}&" + "&".join(f"player_ids[]={p}" for p in ids))
    names = list(Player.objects.values_list("last_name", flat=True)[:50])
    return {
        "getStats (1 player, 1 season)": [f"{BASE}/stats?player_ids[]={p}&seasons[]={s}" for p, s in pairs],
        "getSeasonAverages (5 players, 1 season)": averages,
        "getGames (1 team, 1 season)": [
            f"{BASE}/games?team_ids[]={rng.randint(1, counts[0])}&seasons[]={rng.choice(seasons)}"
            for _ in range(requests)
        ],
        "getPlayers (search)": [f"{BASE}/players?search={rng.choice(names)[:4]}" for _ in range(requests)],
        "getStats (1 player, all seasons)": [f"{BASE}/stats?player_ids[]={p}" for p, _ in pairs],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/gw_scale_bench")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--server", choices=["serve", "gunicorn"], default="serve")
    args = parser.parse_args()
    use_production_settings(args.database_url, GATEWAY_SSL_REDIRECT="0")  # plain HTTP: no TLS proxy in front
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    urls = samples(args.requests)
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "SERVER_WORKERS": "2", "GUNICORN_WORKERS": "2"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = {
        "serve": [sys.executable, "serve.py"],
        "gunicorn": [gunicorn, "-c", "gunicorn.conf.py", "gateway.wsgi:application"],
    }[args.server]
    print(f"server: {args.server}, 2 workers; shared cache: {'on' if os.environ.get('REDIS_URL') else 'off'}")
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(60):
                try:
                    if client.get(f"{BASE}/teams").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            for name, batch in urls.items():
                timed(client, batch[:30])  # warm up every worker's connection and caches
                report(name, timed(client, batch))
    finally:
        server.terminate()
        server.wait()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
