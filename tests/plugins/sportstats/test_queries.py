"""The number of queries per request is fixed, whatever the number of rows returned."""

import pytest
from django.core.management import call_command
from django.db import connection

from plugins.sportstats import selectors

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
    client.get(f"{BASE}/teams")  # warm the operation map and the connection
    # One for the gateway's plugin row, one for the plugin's settings row (both from Redis in
    # production, from the database here), one for a count and one for the page (season averages:
    # one grouped query; show endpoints: one select).
    expected = 3 if path.startswith(("season_averages", "games/", "players/")) else 4
    with django_assert_num_queries(expected):
        response = client.get(f"{BASE}/{path}")
    assert response.status_code == 200


def test_default_season_costs_one_more_query(client, big_league, django_assert_num_queries):
    client.get(f"{BASE}/teams")
    with django_assert_num_queries(4):
        assert client.get(f"{BASE}/season_averages?player_ids=237,140").json()["data"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_stats_of_one_player_and_season_read_one_index_range_not_the_season(db, write_document):
    """The page and the count come from the (player, season, id) index, never a walk of the season's games."""
    data = dataset()
    # A season of 400 more games with 20 box scores each, none of them LeBron's (237).
    template, other = data["games"][1], data["stats"][4]
    games = [template | {"id": 5000 + number} for number in range(400)]
    data["games"] += games
    data["stats"] += [
        other | {"id": 10_000 + 20 * number + line, "game": game | {"home_team_id": 2, "visitor_team_id": 14}}
        for number, game in enumerate(games)
        for line in range(20)
    ]
    call_command("sportstats_import", write_document(data))
    stats = selectors.stat_list(player_ids=[237], seasons=[2022])
    plans = []
    with connection.cursor() as cursor:
        page_sql, page_params = stats[:25].query.sql_with_params()
        count_sql, count_params = stats.order_by().query.sql_with_params()
        for sql, params in (
            (page_sql, page_params),
            ("SELECT count(*) FROM (" + count_sql + ") counted", count_params),  # noqa: S608 - our own SQL
        ):
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    for plan in plans:
        assert "sportstats_stat_player_ssn_idx" in plan, plan
        assert "(player_id = 237) AND (season = 2022)" in plan, plan
        assert "sportstats_stat_game_id" not in plan, plan
    assert [row.id for row in stats] == [3, 6, 11]
