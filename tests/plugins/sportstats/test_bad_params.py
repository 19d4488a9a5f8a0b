import pytest

from .conftest import BASE


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("games?start_date=2022/10/18", "start_date"),
        ("games?end_date=2022-02-30", "end_date"),
        ("stats?start_date=yesterday", "start_date"),
        ("stats?player_ids=abc", "player_ids"),
        ("stats?player_ids[]=1.5", "player_ids"),
        ("stats?game_ids=-3", "game_ids"),
        ("stats?player_ids=99999999999", "player_ids"),
        ("games?team_ids[]=x", "team_ids"),
        ("games?limit=-1", "limit"),
        ("games?limit=0", "limit"),
        ("stats?limit=99999999999999999999", "limit"),
        ("stats?per_page=1000000", "per_page"),
        ("players?page=-1", "page"),
        ("games?seasons=22", "seasons"),
        ("games?seasons=2018-20", "seasons"),
        ("stats?seasons[]=next", "seasons"),
        ("season_averages?season=1800&player_ids=1", "season"),
        ("season_averages?season=2022&player_ids=me", "player_ids"),
        ("games?postseason=maybe", "postseason"),
        (f"players?query={'a' * 5000}", "query"),
        (f"players?search={'a' * 5000}", "search"),
        (f"stats?player_ids={','.join(['1'] * 101)}", "player_ids"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client, league, path, parameter):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert body["error"]["message"].startswith(parameter)


def test_unknown_parameters_are_ignored(client, league):
    assert client.get(f"{BASE}/teams?colour=green").status_code == 200
