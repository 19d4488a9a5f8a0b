"""Demo data: a fictional league (invented teams and players) and generated box scores.

Nothing here names a real person or team: player names are built from syllables, cities from
invented parts, nicknames from a list no major league uses (tests/plugins/sportstats/test_demo.py
checks them against the real NBA names). Everything comes from seeded random generators, so two
runs produce identical rows and ids.
"""

# ruff: noqa: S311 - seeded random numbers are the point here (reproducible demo rows), not secrets.

import random
from datetime import date, timedelta
from itertools import combinations

from .models import STAT_COUNTS, Game, Player, Stat, Team

DEMO_SEASON = 2025
LEAGUE_SEED = "sportstats demo league"
PLAYERS_PER_TEAM = 15
ROSTER_PLAYED = 10  # players per team who get minutes; the next one is listed with none (a DNP)
DNP_LINE = {"min": "", "seconds": None, **dict.fromkeys(STAT_COUNTS, 0), "fg_pct": 0.0, "fg3_pct": 0.0, "ft_pct": 0.0}

# Starts differ in their first three letters, which are the team's abbreviation.
CITY_STARTS = ["Bram", "Cor", "Dun", "Eld", "Fen", "Gal", "Hol", "Kest", "Lor", "Mar", "Orr", "Pell", "Quill"]
CITY_STARTS += ["Rav", "Sel", "Thorn", "Vell", "Wick", "Yar", "Ostr", "Tamb", "Brin", "Cald", "Ember", "Ulm", "Ask"]
CITY_STARTS += ["Harl", "Isen", "Lind", "Zenn", "Wold", "Pim"]
CITY_ENDS = ["haven", "moor", "stead", "crest", "port", "vale", "reach", "holm", "water", "gate", "brook", "fell"]
NICKNAMES = [
    "Lanterns", "Herons", "Ironwoods", "Tidewalkers", "Quarrymen", "Marsh Owls", "Gales", "Lamplighters",
    "Foxgloves", "Kilnmasters", "Riverhawks", "Drumlins", "Salt Crows", "Copperheads", "Glaciers", "Ferrymen",
    "Stormfronts", "Moths", "Badgers", "Cobalts", "Sandpipers", "Millers", "Wyverns", "Beacons",
    "Otters", "Harriers", "Ridgebacks", "Anchors", "Nightjars", "Thistles",
]  # fmt: skip
DIVISIONS = {"East": ["Harbor", "Timber", "Delta"], "West": ["Canyon", "Prairie", "Summit"]}

FIRST_STARTS = ["Al", "Bren", "Cal", "Dar", "El", "Fen", "Jor", "Kas", "Mal", "Nev", "Or", "Ras", "Sol", "Tav"]
FIRST_STARTS += ["Vic", "Wen", "Zan", "Ter", "Mar", "Kel", "Dev", "Jal", "Quen", "Riv"]
FIRST_ENDS = ["an", "o", "ric", "en", "is", "el", "ius", "ay", "ion", "ek", "ari", "um", "yn", "eo"]
LAST_STARTS = ["Ash", "Brae", "Cor", "Dell", "Erv", "Fal", "Gris", "Hal", "Ind", "Jass", "Kell", "Lom", "Marr"]
LAST_STARTS += ["Niv", "Orl", "Pem", "Quor", "Rell", "Stov", "Tarn", "Ulv", "Varr", "Wend", "Yor", "Okon", "Zel"]
LAST_ENDS = ["aby", "ington", "ow", "ick", "enko", "ence", "sby", "ard", "ello", "ane", "ison", "ette", "ando", "vik"]
LAST_ENDS += ["ner", "holt", "ström", "adu", "eiro", "ski"]
POSITIONS = ["G", "F", "C", "G-F", "F-C"]


def joined(start: str, end: str) -> str:
    """Join two name parts, dropping a doubled letter at the seam ("Orr" + "reach" is "Orreach")."""
    return start + (end[1:] if start[-1] == end[0] else end)


def player_name(rng: random.Random, taken: set[tuple[str, str]]) -> tuple[str, str]:
    """Return an invented (first, last) name not in `taken` ("Tavien", "Dellaby")."""
    while True:
        first = joined(rng.choice(FIRST_STARTS), rng.choice(FIRST_ENDS))
        last = joined(rng.choice(LAST_STARTS), rng.choice(LAST_ENDS))
        if (first, last) not in taken:
            return first, last


def league_teams_players() -> tuple[list[Team], list[Player]]:
    """Return the fictional league: 30 teams and their rosters, all marked demo."""
    rng = random.Random(LEAGUE_SEED)
    teams = []
    starts = rng.sample(CITY_STARTS, len(NICKNAMES))
    for index, (start, nickname) in enumerate(zip(starts, NICKNAMES, strict=True)):
        city = joined(start, rng.choice(CITY_ENDS))
        conference = "East" if index < len(NICKNAMES) // 2 else "West"
        division = DIVISIONS[conference][index % 3]
        teams.append(
            Team(
                id=index + 1,
                abbreviation=city[:3].upper(),
                city=city,
                conference=conference,
                division=division,
                full_name=f"{city} {nickname}",
                name=nickname,
                is_demo=True,
            )
        )
    players, names = [], set()
    for index in range(len(teams) * PLAYERS_PER_TEAM):
        first, last = player_name(rng, names)
        names.add((first, last))
        height = rng.randint(72, 87)  # 6'0" to 7'3"
        players.append(
            Player(
                id=index + 1,
                first_name=first,
                last_name=last,
                position=rng.choice(POSITIONS),
                height_feet=height // 12,
                height_inches=height % 12,
                weight_pounds=rng.randint(175, 275),
                team=teams[index % len(teams)],
                is_demo=True,
            )
        )
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
                stats.append(
                    Stat(
                        id=base_stat + len(stats),
                        game=game,
                        player=player,
                        team=team,
                        season=season,
                        postseason=postseason,
                        is_demo=True,
                        **line,
                    )
                )
            scores[team.id] = score
        game.home_team_score, game.visitor_team_score = scores[home.id], scores[visitor.id]
        games.append(game)
    return games, stats
