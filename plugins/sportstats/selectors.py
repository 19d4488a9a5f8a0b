"""Reads: the five operations answered from the database, each in a fixed number of queries."""

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Concat

from .models import STAT_COUNTS, Game, Player, Stat, Team

DEMO_CACHE_KEY = "sportstats:demo"
DEMO_CACHE_SECONDS = 60  # what a worker whose cache the importer cannot reach (local memory) lags at most


def demo_present(*, fresh: bool = False) -> bool:
    """Return whether the database holds demo rows, from the cache unless `fresh`.

    The demo teams stand for all demo rows: the loader writes them with the rest and the importer's
    --drop-demo deletes them with the rest. The query reads the teams table (30 rows in a league).
    """
    if fresh:
        return Team.objects.filter(is_demo=True).exists()
    return cache.get_or_set(DEMO_CACHE_KEY, lambda: demo_present(fresh=True), DEMO_CACHE_SECONDS)


def demo_texts_wanted(*, fresh: bool = False) -> bool:
    """Return demo_present() for the descriptions, which are read outside requests too.

    System checks read them (the manifest limits; drf-spectacular generates every schema) before
    `migrate` has made the table, or with no database at all: no demo rows there.
    """
    try:
        return demo_present(fresh=fresh)
    except DatabaseError:
        return False


def page_slice(queryset: QuerySet, *, page: int, per_page: int) -> tuple[list, dict]:
    """Return one page of rows and the v1 `meta` block (two queries: count and page)."""
    total = queryset.count()
    total_pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    rows = list(queryset[start : start + per_page]) if start < total else []
    meta = {
        "total_pages": total_pages,
        "current_page": page,
        "next_page": page + 1 if page < total_pages else None,
        "per_page": per_page,
        "total_count": total,
    }
    return rows, meta


def player_list(*, query: str = "") -> QuerySet[Player]:
    """Return players whose "first last" name contains `query` (any case)."""
    players = Player.objects.select_related("team").order_by("id")
    if query:
        players = players.alias(full_name=Concat("first_name", Value(" "), "last_name")).filter(
            full_name__icontains=query
        )
    return players


def team_list() -> QuerySet[Team]:
    return Team.objects.order_by("id")


def game_list(
    *,
    seasons: list[int] | None = None,
    team_ids: list[int] | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    postseason: bool | None = None,
) -> QuerySet[Game]:
    """Return games matching every given filter, by date."""
    games = Game.objects.select_related("home_team", "visitor_team").order_by("date", "id")
    if seasons:
        games = games.filter(season__in=seasons)
    if team_ids:
        games = games.filter(Q(home_team_id__in=team_ids) | Q(visitor_team_id__in=team_ids))
    if start_date:
        games = games.filter(date__gte=start_date)
    if end_date:
        games = games.filter(date__lte=end_date)
    if postseason is not None:
        games = games.filter(postseason=postseason)
    return games


def stat_list(
    *,
    player_ids: list[int] | None = None,
    game_ids: list[int] | None = None,
    seasons: list[int] | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    postseason: bool | None = None,
) -> QuerySet[Stat]:
    """Return box-score lines matching every given filter, in id order."""
    stats = Stat.objects.select_related("game", "player", "team").order_by("id")
    if player_ids:
        stats = stats.filter(player_id__in=player_ids)
    if game_ids:
        stats = stats.filter(game_id__in=game_ids)
    # Season and postseason are read from the stat row's copies: with a player they make one range of
    # the (player, season, id) index, where the game's columns would join every game of the season.
    if seasons:
        stats = stats.filter(season__in=seasons)
    if start_date:
        stats = stats.filter(game__date__gte=start_date)
    if end_date:
        stats = stats.filter(game__date__lte=end_date)
    if postseason is not None:
        stats = stats.filter(postseason=postseason)
    return stats


def season_latest() -> int | None:
    """Return the latest season any game belongs to."""
    return Game.objects.aggregate(latest=Max("season"))["latest"]


def _round(value: Decimal, places: str) -> float:
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _minutes(seconds: Decimal) -> str:
    whole = int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _ratio(made: int, attempted: int) -> float:
    # made/attempted of the totals is the ratio of the (unrounded) per-game averages.
    return _round(Decimal(made) / Decimal(attempted), "0.001") if attempted else 0.0


def season_averages(*, season: int, player_ids: list[int]) -> list[dict]:
    """Return each player's regular-season averages over the games they had minutes in.

    SQL sums the season per player in one grouped query; the averages and rounding happen here so
    PostgreSQL and SQLite answer to the same decimal.
    """
    if not player_ids:
        return []
    totals = (
        Stat.objects.filter(player_id__in=player_ids, season=season, postseason=False, seconds__gt=0)
        .values("player_id")
        .annotate(games_played=Count("id"), seconds=Sum("seconds"), **{name: Sum(name) for name in STAT_COUNTS})
        .order_by("player_id")
    )
    averages = []
    for row in totals:
        played = Decimal(row["games_played"])
        average = {name: _round(Decimal(row[name] or 0) / played, "0.01") for name in STAT_COUNTS}
        averages.append(
            {
                "player_id": row["player_id"],
                "season": season,
                "games_played": row["games_played"],
                "min": _minutes(Decimal(row["seconds"]) / played),
                **average,
                "fg_pct": _ratio(row["fgm"] or 0, row["fga"] or 0),
                "fg3_pct": _ratio(row["fg3m"] or 0, row["fg3a"] or 0),
                "ft_pct": _ratio(row["ftm"] or 0, row["fta"] or 0),
            }
        )
    return averages
