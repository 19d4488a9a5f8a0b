from decimal import ROUND_HALF_UP, Decimal

import pytest

from .conftest import BASE

COUNTS = [
    "fgm",
    "fga",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "turnover",
    "pf",
    "pts",
]


def expected_average(league: dict, player_id: int, season: int) -> dict:
    """Compute the v1 season average from the raw rows, independently of the plugin's code."""
    games = {game["id"]: game for game in league["games"]}
    rows = [
        row
        for row in league["stats"]
        if row["player"]["id"] == player_id
        and games[row["game"]["id"]]["season"] == season
        and not games[row["game"]["id"]]["postseason"]
        and row["min"] not in ("", "0:00")
    ]
    n = len(rows)

    def half_up(value, places):
        return float(Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP))

    seconds = sum(int(row["min"].split(":")[0]) * 60 + int(row["min"].split(":")[1]) for row in rows)
    average_seconds = int(Decimal(seconds / n).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    totals = {name: sum(row[name] for row in rows) for name in COUNTS}
    return {
        "player_id": player_id,
        "season": season,
        "games_played": n,
        "min": f"{average_seconds // 60:02d}:{average_seconds % 60:02d}",
        **{name: half_up(Decimal(total) / n, "0.01") for name, total in totals.items()},
        **{
            f"{kind}_pct": half_up(Decimal(totals[f"{kind}m"]) / totals[f"{kind}a"], "0.001")
            if totals[f"{kind}a"]
            else 0
            for kind in ("fg", "fg3", "ft")
        },
    }


def test_season_averages_match_an_independent_computation(client, league):
    response = client.get(f"{BASE}/season_averages?season=2022&player_ids[]=237&player_ids[]=434&player_ids[]=140")
    assert response.status_code == 200
    data = {row["player_id"]: row for row in response.json()["data"]}
    assert set(data) == {140, 237, 434}
    for player_id in (140, 237, 434):
        assert data[player_id] == expected_average(league, player_id, 2022)


def test_season_averages_leave_out_playoffs_and_games_without_minutes(client, league):
    davis, lebron = client.get(f"{BASE}/season_averages?season=2022&player_ids=237,140").json()["data"]
    assert (lebron["player_id"], lebron["games_played"], lebron["pts"]) == (237, 2, 23.5)  # (28 + 19) / 2
    assert lebron["min"] == "34:02"  # (36:49 + 31:15) / 2 = 34:02
    assert (davis["games_played"], davis["pts"], davis["fg3_pct"]) == (1, 22.0, 0.0)


def test_season_defaults_to_the_latest_season_present(client, league):
    body = client.get(f"{BASE}/season_averages?player_ids=237").json()
    assert body["data"] == [expected_average(league, 237, 2022)]


def test_player_without_minutes_in_the_season_is_absent(client, league):
    assert client.get(f"{BASE}/season_averages?season=2022&player_ids=3547245").json()["data"] == [
        expected_average(league, 3547245, 2022)
    ]
    assert client.get(f"{BASE}/season_averages?season=2021&player_ids=3547245").json() == {"data": []}


@pytest.mark.parametrize("query", ["season=2022", "season=2022&player_ids=", "player_ids[]="])
def test_no_player_ids_is_a_400_naming_the_parameter(client, league, query):
    response = client.get(f"{BASE}/season_averages?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "player_ids: Give at least one player id (from getPlayers), e.g. player_ids=237.",
    }


def test_the_spec_says_player_ids_are_required(client, db):
    operation = client.get(f"{BASE}/openapi.json").json()["paths"]["/season_averages"]["get"]
    player_ids = next(parameter for parameter in operation["parameters"] if parameter["name"] == "player_ids")
    assert player_ids["required"] is True
    assert "player_ids" in operation["responses"]["400"]["description"]
