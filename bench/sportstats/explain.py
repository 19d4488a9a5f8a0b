"""Print EXPLAIN (ANALYZE, BUFFERS) of every query behind getStats, getSeasonAverages and getGames.

The SQL is the selectors' own, captured as they run: getStats for one player and season (count
and page), getSeasonAverages for 5 players, getGames for one team and season (count and page).
Each runs 3 times first, so the figures are the warm steady state.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/gw_scale_bench \\
    .venv/bin/python bench/sportstats/explain.py [--player 184 --season 2000 --team 7]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from plugins.sportstats import selectors  # noqa: E402


def explain(title: str, run) -> None:
    for _ in range(3):
        run()
    with CaptureQueriesContext(connection) as captured:
        run()
    for number, query in enumerate(captured.captured_queries, 1):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"-- {title}, query {number}/{len(captured)}\n{query['sql']}\n{plan}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--player", type=int, default=184)
    parser.add_argument("--season", type=int, default=2000)
    parser.add_argument("--team", type=int, default=7)
    args = parser.parse_args()
    stats = selectors.stat_list(player_ids=[args.player], seasons=[args.season])
    explain("getStats (one player, one season)", lambda: selectors.page_slice(stats, page=1, per_page=25))
    players = list(range(args.player, args.player + 5))
    explain("getSeasonAverages (5 players)", lambda: selectors.season_averages(season=args.season, player_ids=players))
    games = selectors.game_list(seasons=[args.season], team_ids=[args.team])
    explain("getGames (one team, one season)", lambda: selectors.page_slice(games, page=1, per_page=25))


if __name__ == "__main__":
    main()
