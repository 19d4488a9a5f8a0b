import time

import pytest

from plugins.sportstats.models import Source, SportStatsSettings
from tests.spec_walk import walk_spec

from .conftest import BASE, dataset, serve_v1

PAGE = {"total_pages": 1, "current_page": 1, "next_page": None, "per_page": 25, "total_count": 1}


@pytest.fixture
def live(settings, fake_upstream, db):
    """Point the plugin at the fake upstream through the environment-level settings."""
    settings.SPORTSTATS_UPSTREAM_URL = fake_upstream.url + "/v1"
    settings.SPORTSTATS_UPSTREAM_KEY = "upstream-key"
    return fake_upstream


def test_players_are_proxied_with_the_search_and_key(client, live):
    lebron = dataset()["players"][0]
    live.route("/v1/players", lambda query: (200, {"data": [lebron], "meta": PAGE}, {}))
    response = client.get(f"{BASE}/players?query=lebron&per_page=10")
    assert response.status_code == 200
    assert response.json() == {"data": [lebron], "meta": PAGE}
    (call,) = live.calls("/v1/players")
    assert call["query"] == {"search": ["lebron"], "per_page": ["10"], "page": ["1"]}
    assert call["headers"]["Authorization"] == "upstream-key"


def test_arrays_are_sent_in_the_bracket_form_and_answers_are_cached(client, live):
    live.route("/v1/stats", lambda query: (200, {"data": [], "meta": PAGE}, {}))
    for _ in range(2):
        response = client.get(f"{BASE}/stats?player_ids=237&player_ids=140&seasons=2022&start_date=2022-10-01")
        assert response.status_code == 200
    (call,) = live.calls("/v1/stats")  # the second answer came from the cache
    assert call["query"]["player_ids[]"] == ["237", "140"]
    assert call["query"]["seasons[]"] == ["2022"]
    assert call["query"]["start_date"] == ["2022-10-01"]


def test_season_averages_and_show_endpoints_are_proxied(client, live):
    average = {"player_id": 237, "season": 2022, "games_played": 55, "pts": 28.9}
    live.route("/v1/season_averages", lambda query: (200, {"data": [average]}, {}))
    live.route("/v1/teams/14", lambda query: (200, dataset()["teams"][1], {}))
    assert client.get(f"{BASE}/season_averages?season=2022&player_ids=237").json() == {"data": [average]}
    assert live.calls("/v1/season_averages")[0]["query"] == {"season": ["2022"], "player_ids[]": ["237"]}
    assert client.get(f"{BASE}/teams/14").json()["abbreviation"] == "LAL"


def test_unknown_object_upstream_is_a_404(client, live):
    response = client.get(f"{BASE}/players/5")  # the fake answers 404 for routes it lacks
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_upstream_5xx_is_a_502_with_a_message(client, live):
    live.route("/v1/games", lambda query: (500, {"message": "boom"}, {}))
    response = client.get(f"{BASE}/games")
    assert response.status_code == 502
    assert "HTTP 500" in response.json()["error"]["message"]


def test_upstream_refusing_the_key_is_a_502(client, live):
    live.route("/v1/teams", lambda query: (401, {"message": "bad key"}, {}))
    response = client.get(f"{BASE}/teams")
    assert response.status_code == 502
    assert "key" in response.json()["error"]["message"]


def test_upstream_answer_without_data_is_a_502(client, live):
    live.route("/v1/teams", lambda query: (200, {"teams": []}, {}))
    assert client.get(f"{BASE}/teams").status_code == 502


def test_slow_upstream_is_a_504(client, live, settings):
    settings.SPORTSTATS_UPSTREAM_TIMEOUT = 0.3

    def slow(query):
        time.sleep(1)
        return 200, {"data": [], "meta": PAGE}, {}

    live.route("/v1/teams", slow)
    response = client.get(f"{BASE}/teams")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "upstream_timeout"


def test_unreachable_upstream_is_a_502(client, settings, db):
    settings.SPORTSTATS_UPSTREAM_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    response = client.get(f"{BASE}/teams")
    assert response.status_code == 502


def test_bad_parameters_are_refused_before_calling_upstream(client, live):
    assert client.get(f"{BASE}/games?start_date=soon").status_code == 400
    assert live.requests == []


def test_admin_row_overrides_the_environment(client, fake_upstream, settings, league):
    settings.SPORTSTATS_UPSTREAM_URL = ""
    fake_upstream.route("/api/teams", lambda query: (200, {"data": [], "meta": PAGE}, {}))
    SportStatsSettings(source=Source.UPSTREAM, upstream_url=fake_upstream.url + "/api").save()
    assert client.get(f"{BASE}/teams").json()["data"] == []
    assert len(fake_upstream.calls("/api/teams")) == 1

    settings.SPORTSTATS_UPSTREAM_URL = fake_upstream.url + "/api"
    SportStatsSettings(source=Source.DATABASE).save()
    assert len(client.get(f"{BASE}/teams").json()["data"]) == 3  # the database, despite the environment
    assert len(fake_upstream.calls("/api/teams")) == 1


@pytest.mark.parametrize("day", [lambda day: day, lambda day: day[:10]], ids=["v1-timestamp", "bare-day"])
def test_live_answers_match_the_spec_formats_included(client, live, day):
    """Game dates answer as the spec declares (date-time): v1's timestamps as they are, a bare day as v1 wrote it."""
    data = dataset()
    for game in data["games"] + [stat["game"] for stat in data["stats"]]:
        game["date"] = day(game["date"])
    serve_v1(live, data)
    for name in ("players", "teams", "games"):  # one id that every show endpoint knows, for the walk
        live.route(f"/v1/{name}/1", lambda query, item=data[name][0]: (200, item, {}))
    called = walk_spec(client, f"{BASE}/", params={"id": 1, "player_ids": 237})
    assert len(called) == 8
    assert client.get(f"{BASE}/games").json()["data"][0]["date"] == "2021-10-19T00:00:00.000Z"
    assert client.get(f"{BASE}/games/1002").json()["date"] == "2022-10-18T00:00:00.000Z"
    assert client.get(f"{BASE}/stats").json()["data"][0]["game"]["date"] == "2021-10-19T00:00:00.000Z"
