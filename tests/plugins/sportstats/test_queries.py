"""The number of queries per request is fixed, whatever the number of rows returned."""

import pytest
from django.core.management import call_command

from .conftest import BASE, dataset


@pytest.fixture
def big_league(db, write_document) -> dict:
    data = dataset()
    base = data["stats"][2]
    data["stats"] += [base | {"id": 100 + index} for index in range(150)]
    call_command("sportstats_import", write_document(data))
    return data


@pytest.mark.parametrize(
    "path",
    [
        "players?query=a",
        "teams",
        "games",
        "stats?per_page=1",
        "stats?per_page=100",
        "stats?player_ids=237&seasons=2022&per_page=100",
        "season_averages?season=2022&player_ids=237",
        "season_averages?season=2022&player_ids=237,140,434,3547245",
        "games/1002",
        "players/237",
    ],
)
def test_queries_per_request_do_not_grow_with_rows(client, big_league, django_assert_num_queries, path):
    client.get(f"{BASE}/teams")  # warm the gateway's and the plugin's cached settings rows
    # One for the gateway's plugin row, one for a count and one for the page (season averages: one
    # grouped query; show endpoints: one select).
    expected = 2 if path.startswith(("season_averages", "games/", "players/")) else 3
    with django_assert_num_queries(expected):
        response = client.get(f"{BASE}/{path}")
    assert response.status_code == 200


def test_default_season_costs_one_more_query(client, big_league, django_assert_num_queries):
    client.get(f"{BASE}/teams")
    with django_assert_num_queries(3):
        assert client.get(f"{BASE}/season_averages?player_ids=237,140").json()["data"]
