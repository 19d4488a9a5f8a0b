"""Time getStats (one player, one season) and getSeasonAverages (5 players) against the real database.

Usage (after `manage.py sportstats_generate --stats 1000000` on that database):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gw_sportstats_bench DJANGO_DEBUG=0 \
        .venv/bin/python bench/sportstats/bench.py [--requests 300]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.local")

import django

django.setup()

from django.test import Client  # noqa: E402

from plugins.sportstats.models import Game, Player, Stat  # noqa: E402

BASE = "/plugins/sportstats"


def timed(client: Client, urls: list[str]) -> list[float]:
    """Return the milliseconds each GET took, checking every answer is a 200 with data."""
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and response.json()["data"], (url, response.content[:200])
    return times


def report(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name:40} n={len(times)} median={statistics.median(times):.2f} ms p95={p95:.2f} ms max={times[-1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(1)  # noqa: S311 - a reproducible sample, not a secret
    client = Client(HTTP_HOST="localhost")
    # (player, season) pairs that have rows, drawn from the stats themselves (ORDER BY random(), once).
    pairs = list(Stat.objects.order_by("?").values_list("player_id", "game__season")[: args.requests])
    seasons = sorted(set(Game.objects.values_list("season", flat=True)))
    print(f"{Stat.objects.count()} stats, {Player.objects.count()} players, seasons {seasons[0]}-{seasons[-1]}")
    stats_urls = [f"{BASE}/stats?player_ids[]={player}&seasons[]={season}" for player, season in pairs]
    by_season = {}
    for player, season in Stat.objects.order_by("?").values_list("player_id", "game__season")[: args.requests * 20]:
        by_season.setdefault(season, set()).add(player)
    full = [season for season, players in by_season.items() if len(players) >= 5]
    average_urls = []
    for _ in range(args.requests):
        season = rng.choice(full)
        players = rng.sample(sorted(by_season[season]), 5)
        average_urls.append(f"{BASE}/season_averages?season={season}&" + "&".join(f"player_ids[]={p}" for p in players))
    timed(client, stats_urls[:20] + average_urls[:20])  # warm up connections and caches
    report("getStats (1 player, 1 season)", timed(client, stats_urls))
    report("getSeasonAverages (5 players, 1 season)", timed(client, average_urls))


if __name__ == "__main__":
    main()
