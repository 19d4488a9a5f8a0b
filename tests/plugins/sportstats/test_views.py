import pytest

from .conftest import BASE


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


def test_players_query_is_a_case_insensitive_substring_of_first_and_last(client, league):
    assert ids(client.get(f"{BASE}/players?query=lebron")) == [237]
    assert ids(client.get(f"{BASE}/players?query=BRON JA")) == [237]
    assert ids(client.get(f"{BASE}/players?search=a")) == [140, 237, 434, 3547245]
    assert ids(client.get(f"{BASE}/players?query=nobody")) == []


def test_player_has_the_v1_shape_with_a_nested_team(client, league):
    body = client.get(f"{BASE}/players?query=davis").json()
    assert body["data"] == [league["players"][1]]
    assert body["meta"] == {"total_pages": 1, "current_page": 1, "next_page": None, "per_page": 25, "total_count": 1}


def test_teams_list_all_on_one_page(client, league):
    body = client.get(f"{BASE}/teams").json()
    assert body["data"] == sorted(league["teams"], key=lambda team: team["id"])
    assert body["meta"]["per_page"] == 30


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [1001, 1002, 1003, 1004, 1005]),
        ("seasons=2022", [1002, 1003, 1004, 1005]),
        ("seasons[]=2021&seasons[]=2022", [1001, 1002, 1003, 1004, 1005]),
        ("seasons=2021-22", [1001]),
        ("team_ids=16", [1003, 1004]),
        ("team_ids[]=16&team_ids[]=14", [1001, 1002, 1003, 1004, 1005]),
        ("start_date=2022-10-20&end_date=2022-11-01", [1003, 1004]),
        ("start_date=2022-10-20&team_ids=14", [1003, 1005]),
        ("postseason=true", [1005]),
        ("postseason=false&seasons=2022", [1002, 1003, 1004]),
        ("limit=2", [1001, 1002]),
    ],
)
def test_games_filters(client, league, query, expected):
    assert ids(client.get(f"{BASE}/games?{query}")) == expected


def test_game_has_the_v1_shape(client, league):
    body = client.get(f"{BASE}/games?seasons=2021").json()
    expected = league["games"][0] | {"date": "2021-10-19T00:00:00.000Z"}
    assert body["data"] == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("player_ids=237", [1, 3, 6, 11]),
        ("player_ids[]=237&player_ids[]=140&seasons=2022", [3, 4, 6, 7, 11]),
        ("player_ids=237,140&seasons[]=2022", [3, 4, 6, 7, 11]),
        ("game_ids=1003", [6, 7, 8]),
        ("game_ids[]=1004&game_ids[]=1005&player_ids=434", [9, 12]),
        ("start_date=2022-10-20&end_date=2022-11-01", [6, 7, 8, 9, 10]),
        ("seasons=2021&player_ids=140", []),
        ("postseason=true", [11, 12]),
    ],
)
def test_stats_filters(client, league, query, expected):
    assert ids(client.get(f"{BASE}/stats?{query}")) == expected


def test_stat_has_the_v1_shape_with_slim_game_and_player(client, league):
    body = client.get(f"{BASE}/stats?game_ids=1002&player_ids=237").json()
    assert body["data"] == [league["stats"][2]]


def test_pagination_pages_and_last_page(client, league):
    first = client.get(f"{BASE}/stats?per_page=5").json()
    assert [item["id"] for item in first["data"]] == [1, 2, 3, 4, 5]
    assert first["meta"] == {"total_pages": 3, "current_page": 1, "next_page": 2, "per_page": 5, "total_count": 12}
    last = client.get(f"{BASE}/stats?per_page=5&page=3").json()
    assert [item["id"] for item in last["data"]] == [11, 12]
    assert last["meta"]["next_page"] is None
    beyond = client.get(f"{BASE}/stats?per_page=5&page=4").json()
    assert beyond["data"] == []
    assert beyond["meta"]["total_count"] == 12


def test_page_zero_and_one_are_both_the_first_page(client, league):
    zero = client.get(f"{BASE}/games?per_page=2&page=0").json()
    one = client.get(f"{BASE}/games?per_page=2&page=1").json()
    assert zero == one
    assert zero["meta"]["current_page"] == 1


def test_per_page_is_capped_at_100(client, league):
    assert client.get(f"{BASE}/stats?per_page=500").json()["meta"]["per_page"] == 100
    assert client.get(f"{BASE}/stats?limit=101").json()["meta"]["per_page"] == 100
    assert client.get(f"{BASE}/stats?per_page=100").json()["meta"]["per_page"] == 100


@pytest.mark.parametrize(
    ("path", "expected_index"),
    [("players/434", ("players", 2)), ("teams/16", ("teams", 2)), ("games/1003", ("games", 2))],
)
def test_show_endpoints_return_the_bare_object(client, league, path, expected_index):
    section, index = expected_index
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 200
    expected = league[section][index]
    if section == "games":
        expected = expected | {"date": "2022-10-20T00:00:00.000Z"}
    assert response.json() == expected


@pytest.mark.parametrize("path", ["players/999", "teams/99", "games/1", "games/99999999999999999999"])
def test_show_endpoints_answer_404_json_for_unknown_ids(client, league, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_empty_database_answers_empty_lists(client, db):
    body = client.get(f"{BASE}/games").json()
    assert body == {
        "data": [],
        "meta": {"total_pages": 0, "current_page": 1, "next_page": None, "per_page": 25, "total_count": 0},
    }
    assert client.get(f"{BASE}/season_averages?player_ids=1").json() == {"data": []}
