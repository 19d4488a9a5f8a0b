import json

import pytest
from django.core.management import call_command

from plugins.sportstats.models import STAT_COUNTS

BASE = "/plugins/sportstats"


def team(id, abbreviation, city, name, conference="East", division="Atlantic"):
    return {
        "id": id,
        "abbreviation": abbreviation,
        "city": city,
        "conference": conference,
        "division": division,
        "full_name": f"{city} {name}",
        "name": name,
    }


def player(id, first, last, team_object, position="F"):
    return {
        "id": id,
        "first_name": first,
        "last_name": last,
        "position": position,
        "height_feet": 6,
        "height_inches": 8,
        "weight_pounds": 250,
        "team": team_object,
    }


def game(id, day, season, home, visitor, postseason=False, scores=(100, 90)):
    return {
        "id": id,
        "date": f"{day}T00:00:00.000Z",
        "home_team_score": scores[0],
        "visitor_team_score": scores[1],
        "season": season,
        "period": 4,
        "status": "Final",
        "time": " ",
        "postseason": postseason,
        "home_team": home,
        "visitor_team": visitor,
    }


def stat(id, game_object, player_object, minutes, pts, fgm, fga, fg3m=0, fg3a=0, ftm=0, fta=0, reb=5):
    team_object = player_object["team"]
    return {
        "id": id,
        "ast": 3,
        "blk": 1,
        "dreb": reb - 1,
        "oreb": 1,
        "reb": reb,
        "fg3_pct": round(fg3m / fg3a, 3) if fg3a else 0.0,
        "fg3a": fg3a,
        "fg3m": fg3m,
        "fg_pct": round(fgm / fga, 3) if fga else 0.0,
        "fga": fga,
        "fgm": fgm,
        "ft_pct": round(ftm / fta, 3) if fta else 0.0,
        "fta": fta,
        "ftm": ftm,
        "min": minutes,
        "pf": 2,
        "pts": pts,
        "stl": 1,
        "turnover": 2,
        "game": {key: value for key, value in game_object.items() if key not in ("home_team", "visitor_team")}
        | {"home_team_id": game_object["home_team"]["id"], "visitor_team_id": game_object["visitor_team"]["id"]},
        "player": {key: value for key, value in player_object.items() if key != "team"}
        | {"team_id": team_object["id"]},
        "team": team_object,
    }


def dataset() -> dict:
    """A small hand-made league: 3 teams, 4 players, 5 games over two seasons, one playoff game."""
    bos = team(2, "BOS", "Boston", "Celtics")
    lal = team(14, "LAL", "Los Angeles", "Lakers", "West", "Pacific")
    mia = team(16, "MIA", "Miami", "Heat", "East", "Southeast")
    lebron = player(237, "LeBron", "James", lal)
    davis = player(140, "Anthony", "Davis", lal, "F-C")
    tatum = player(434, "Jayson", "Tatum", bos)
    adebayo = player(3547245, "Bam", "Adebayo", mia, "C")
    games = [
        game(1001, "2021-10-19", 2021, lal, bos),
        game(1002, "2022-10-18", 2022, bos, lal, scores=(95, 99)),
        game(1003, "2022-10-20", 2022, mia, lal),
        game(1004, "2022-11-01", 2022, bos, mia),
        game(1005, "2023-04-20", 2022, lal, bos, postseason=True),
    ]
    g = {item["id"]: item for item in games}
    stats = [
        stat(1, g[1001], lebron, "35:10", 30, 11, 20, 2, 6, 6, 8),
        stat(2, g[1001], tatum, "38:00", 25, 9, 19, 3, 8, 4, 4),
        stat(3, g[1002], lebron, "36:49", 28, 10, 21, 3, 7, 5, 6),
        stat(4, g[1002], davis, "30:01", 22, 9, 15, 0, 1, 4, 5, reb=12),
        stat(5, g[1002], tatum, "40:30", 33, 12, 24, 5, 11, 4, 4),
        stat(6, g[1003], lebron, "31:15", 19, 7, 16, 1, 5, 4, 4),
        stat(7, g[1003], davis, "", 0, 0, 0),  # did not play: left out of averages
        stat(8, g[1003], adebayo, "34:00", 18, 8, 12, 0, 0, 2, 3, reb=10),
        stat(9, g[1004], tatum, "37:44", 27, 10, 22, 4, 9, 3, 3),
        stat(10, g[1004], adebayo, "0:00", 0, 0, 0),  # listed with no minutes
        stat(11, g[1005], lebron, "42:00", 40, 15, 25, 4, 9, 6, 7),  # playoffs: not in averages
        stat(12, g[1005], tatum, "41:00", 31, 11, 23, 3, 10, 6, 6),
    ]
    return {"teams": [bos, lal, mia], "players": [lebron, davis, tatum, adebayo], "games": games, "stats": stats}


@pytest.fixture
def write_document(tmp_path):
    """Return a callable that writes an import document (dict or raw text) and returns its path."""

    def write(document, name: str = "import.json") -> str:
        path = tmp_path / name
        path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
        return str(path)

    return write


@pytest.fixture
def league(db, write_document) -> dict:
    """Import the hand-made dataset through the importer and return it."""
    data = dataset()
    call_command("sportstats_import", write_document(data))
    return data


def v1_page(items: list) -> dict:
    meta = {"total_pages": 1, "current_page": 1, "next_page": None, "per_page": 25, "total_count": len(items)}
    return {"data": items, "meta": meta}


def v1_season_average(player_id: int, season: int) -> dict:
    """A season average with every field v1 sends (the numbers are placeholders)."""
    counts = dict.fromkeys(STAT_COUNTS, 1.5)
    return {"games_played": 2, "player_id": player_id, "season": season, "min": "34:02", **counts} | {
        "fg_pct": 0.5,
        "fg3_pct": 0.333,
        "ft_pct": 0.75,
    }


def serve_v1(upstream, data: dict, *, prefix: str = "/v1") -> None:
    """Route every v1 endpoint of a fake upstream to answer from `data` (a dataset()): lists, show pages by id."""
    for name in ("players", "teams", "games", "stats"):
        upstream.route(f"{prefix}/{name}", lambda query, items=data[name]: (200, v1_page(items), {}))
    for name in ("players", "teams", "games"):
        for item in data[name]:
            upstream.route(f"{prefix}/{name}/{item['id']}", lambda query, item=item: (200, item, {}))

    def season_averages(query):
        ids = [int(value) for value in query.get("player_ids[]", [])]
        return 200, {"data": [v1_season_average(player_id, 2022) for player_id in ids]}, {}

    upstream.route(f"{prefix}/season_averages", season_averages)
