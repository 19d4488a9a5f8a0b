"""Demo data: real NBA teams and players (nba_api's static lists) and generated, clearly fake box scores.

Everything is derived from a seeded random generator, so two runs produce identical rows and ids.
"""

# ruff: noqa: S311 - seeded random numbers are the point here (reproducible demo rows), not secrets.

import json
import random
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

from .models import STAT_COUNTS, Game, Player, Stat, Team

STATIC_FILE = Path(__file__).parent / "data" / "nba_static.json"
DEMO_SEASON = 2025
ROSTER_PLAYED = 10  # players per team who get minutes; the next one is listed with none (a DNP)
DNP_LINE = {"min": "", "seconds": None, **dict.fromkeys(STAT_COUNTS, 0), "fg_pct": 0.0, "fg3_pct": 0.0, "ft_pct": 0.0}


def static_teams_players() -> tuple[list[Team], list[Player]]:
    """Return the real teams and active players; rosters are dealt round-robin (not real)."""
    document = json.loads(STATIC_FILE.read_text(encoding="utf-8"))
    teams = [Team(is_demo=True, **team) for team in document["teams"]]
    players = [
        Player(id=pid, first_name=first, last_name=last, team=teams[index % len(teams)], is_demo=True)
        for index, (pid, first, last) in enumerate(sorted(document["players"]))
    ]
    for player in players:
        player.position = random.Random(player.id).choice(["G", "F", "C", "G-F", "F-C"])
    return teams, players


def _line(rng: random.Random, skill: float) -> dict:
    """Return one plausible box-score line for a player of this skill (0..1)."""
    seconds = int(rng.gauss(14 + 22 * skill, 4) * 60)
    seconds = max(60, min(seconds, 48 * 60))
    minutes = seconds / 60
    fga = max(0, round(rng.gauss(minutes * (0.25 + 0.25 * skill), 2)))
    fg3a = min(fga, max(0, round(fga * rng.uniform(0.1, 0.5))))
    fgm = min(fga, round(fga * rng.uniform(0.35, 0.6)))
    fg3m = min(fg3a, fgm, round(fg3a * rng.uniform(0.2, 0.45)))
    fta = max(0, round(rng.gauss(minutes * 0.12 * (0.5 + skill), 1.5)))
    ftm = min(fta, round(fta * rng.uniform(0.6, 0.95)))
    oreb, dreb = rng.randint(0, 3), max(0, round(rng.gauss(minutes * 0.12, 1.5)))
    return {
        "min": f"{seconds // 60}:{seconds % 60:02d}",
        "seconds": seconds,
        **{"fgm": fgm, "fga": fga, "fg3m": fg3m, "fg3a": fg3a, "ftm": ftm, "fta": fta},
        **{"oreb": oreb, "dreb": dreb, "reb": oreb + dreb, "pts": 2 * fgm + fg3m + ftm},
        "ast": max(0, round(rng.gauss(minutes * 0.1 * (0.5 + skill), 1.5))),
        **{"stl": rng.randint(0, 2), "blk": rng.randint(0, 2), "turnover": rng.randint(0, 4), "pf": rng.randint(0, 5)},
        "fg_pct": round(fgm / fga, 3) if fga else 0.0,
        "fg3_pct": round(fg3m / fg3a, 3) if fg3a else 0.0,
        "ft_pct": round(ftm / fta, 3) if fta else 0.0,
    }


def season_generate(*, season: int, teams: list[Team], players: list[Player]) -> tuple[list[Game], list[Stat]]:
    """Return a season of games (every pair home and away, plus a few playoff games) and box scores."""
    rng = random.Random(season)
    rosters = {team.id: [p for p in players if p.team_id == team.id][: ROSTER_PLAYED + 1] for team in teams}
    skill = {player.id: rng.random() for player in players}
    pairs = [pair for a, b in combinations(teams, 2) for pair in ((a, b), (b, a))]
    rng.shuffle(pairs)
    playoffs = [(teams[i], teams[i + 1]) for i in range(0, 8, 2)]
    opening, per_day = date(season, 10, 21), 8
    base_game, base_stat = (DEMO_SEASON - season) * 10_000 + 1, (DEMO_SEASON - season) * 100_000 + 1
    games, stats = [], []
    for index, (home, visitor) in enumerate(pairs + playoffs):
        postseason = index >= len(pairs)
        day = opening + timedelta(days=index // per_day + (14 if postseason else 0))
        game = Game(
            id=base_game + index,
            date=day,
            season=season,
            postseason=postseason,
            status="Final",
            period=4,
            home_team=home,
            visitor_team=visitor,
            is_demo=True,
        )
        scores = {}
        for team in (home, visitor):
            score = 0
            for position, player in enumerate(rosters[team.id]):
                line = _line(rng, skill[player.id]) if position < ROSTER_PLAYED else DNP_LINE
                score += line["pts"]
                stats.append(Stat(id=base_stat + len(stats), game=game, player=player, team=team, is_demo=True, **line))
            scores[team.id] = score
        game.home_team_score, game.visitor_team_score = scores[home.id], scores[visitor.id]
        games.append(game)
    return games, stats
