"""The demo league: invented names only, labelled as demo in every answer and text, gone after a real import."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from plugins.sportstats import services
from plugins.sportstats.models import Game, Player, Stat, Team
from tests.spec_walk import walk_spec

from .conftest import BASE, dataset

# The real names the old demo carried (nba_api's lists, once plugins/sportstats/data/nba_static.json).
REAL = json.loads((Path(__file__).parent / "real_nba_names.json").read_text(encoding="utf-8"))
DEMO_NOTE = "fictional"


@pytest.fixture
def demo_league(db):
    call_command("demo_data")


def answers(client) -> dict[str, dict]:
    """Call every operation on rows that exist (ids 1 are a team and a player in either dataset)."""
    game_id = Game.objects.order_by("id").values_list("id", flat=True).first()
    player_id = Player.objects.order_by("id").values_list("id", flat=True).first()
    paths = [
        "players?search=a",
        "teams",
        "games",
        "stats?per_page=5",
        f"season_averages?player_ids={player_id}",
        f"players/{player_id}",
        f"teams/{Team.objects.order_by('id').values_list('id', flat=True).first()}",
        f"games/{game_id}",
    ]
    found = {}
    for path in paths:
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 200, (path, response.content)
        found[path] = response.json()
    return found


def mcp(client, method: str, params: dict | None = None) -> dict:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}
    headers = {"MCP-Protocol-Version": "2025-11-25"}
    response = client.post(f"{BASE}/mcp", body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_the_league_reuses_no_real_name(demo_league, client):
    real_players = set(REAL["players"])
    real_last_names = {name.split(" ", 1)[1] for name in real_players}
    players = list(Player.objects.values_list("first_name", "last_name"))
    assert len(players) == 450
    assert not {f"{first} {last}" for first, last in players} & real_players
    assert not {last for _, last in players} & real_last_names
    abbreviations, cities, nicknames = (set(column) for column in zip(*REAL["teams"], strict=True))
    teams = list(Team.objects.values_list("abbreviation", "city", "name", "full_name"))
    assert len(teams) == 30
    assert not {team[0] for team in teams} & abbreviations
    assert not {team[1] for team in teams} & cities
    assert not {team[2] for team in teams} & nicknames
    assert not {team[3] for team in teams} & {f"{city} {name}" for _, city, name in REAL["teams"]}
    for famous in ("curry", "lebron", "james", "jokic"):
        assert client.get(f"{BASE}/players?search={famous}").json()["data"] == []


def test_the_league_is_the_same_every_time_and_loading_twice_changes_nothing(demo_league):
    def snapshot():
        return (
            list(Player.objects.order_by("id").values_list("id", "first_name", "last_name", "team_id")),
            list(Stat.objects.order_by("id").values_list("id", "player_id", "pts")[:500]),
        )

    first = snapshot()
    call_command("demo_data")  # idempotent: nothing added or changed
    assert snapshot() == first
    services.demo_drop()
    assert not Player.objects.exists()
    call_command("demo_data")  # regenerated from the seeds: the same league
    assert snapshot() == first
    assert Game.objects.exclude(is_demo=True).count() == 0


def test_every_answer_says_demo_and_matches_the_spec(demo_league, client):
    for path, body in answers(client).items():
        assert body["meta"]["demo"] is True, path
    page = client.get(f"{BASE}/players?search=a&per_page=2").json()["meta"]
    assert page["per_page"] == 2 and page["total_pages"] > 1  # pagination keeps its fields
    player = Player.objects.order_by("id").first()
    called = walk_spec(client, f"{BASE}/", params={"id": player.id, "player_ids": player.id})
    assert len(called) == 8


def test_a_season_in_the_demo_league_has_averages(demo_league, client):
    player = client.get(f"{BASE}/players?per_page=1").json()["data"][0]
    averages = client.get(f"{BASE}/season_averages?player_ids={player['id']}").json()["data"]
    assert averages[0]["season"] == 2025
    assert averages[0]["games_played"] > 50


def test_texts_say_demo_while_the_data_is_the_demo_league(demo_league, client):
    manifest = client.get(f"{BASE}/.well-known/ai-plugin.json").json()
    assert DEMO_NOTE in manifest["description_for_model"]
    assert DEMO_NOTE in manifest["description_for_human"]
    assert len(manifest["description_for_human"]) <= 100
    spec = client.get(f"{BASE}/openapi.json").json()
    assert DEMO_NOTE in spec["info"]["description"]
    for path, operations in spec["paths"].items():
        assert DEMO_NOTE in operations["get"]["description"], path
        assert len(operations["get"]["description"]) <= 200, path
    tools = mcp(client, "tools/list")["tools"]
    assert tools and all(DEMO_NOTE in tool["description"] for tool in tools)


def test_an_mcp_tool_call_says_demo(demo_league, client):
    result = mcp(client, "tools/call", {"name": "getPlayers", "arguments": {"search": "a", "per_page": 1}})
    assert result["isError"] is False
    assert result["structuredContent"]["meta"]["demo"] is True
    assert json.loads(result["content"][0]["text"])["meta"]["demo"] is True


def test_importing_with_drop_demo_removes_every_trace(demo_league, client, write_document):
    client.get(f"{BASE}/openapi.json")  # cache the demo spec and flag, as a running gateway would have
    client.get(f"{BASE}/teams")
    assert all(DEMO_NOTE in tool["description"] for tool in mcp(client, "tools/list")["tools"])  # and its tools
    call_command("sportstats_import", write_document(dataset()), drop_demo=True)
    assert Team.objects.count() == 3
    assert not any(model.objects.filter(is_demo=True).exists() for model in (Team, Player, Game, Stat))
    for path, body in answers(client).items():
        assert "demo" not in body.get("meta", {}), path
    assert "meta" not in client.get(f"{BASE}/teams/2").json()
    assert client.get(f"{BASE}/season_averages?player_ids=237&season=2022").json().keys() == {"data"}
    manifest = client.get(f"{BASE}/.well-known/ai-plugin.json").json()
    assert DEMO_NOTE not in manifest["description_for_model"] + manifest["description_for_human"]
    assert "NBA" in manifest["description_for_human"]
    spec = client.get(f"{BASE}/openapi.json").json()
    assert DEMO_NOTE not in spec["info"]["description"]
    assert all(DEMO_NOTE not in operations["get"]["description"] for operations in spec["paths"].values())
    assert all(DEMO_NOTE not in tool["description"] for tool in mcp(client, "tools/list")["tools"])
    result = mcp(client, "tools/call", {"name": "getTeams", "arguments": {}})
    assert "demo" not in result["structuredContent"]["meta"]


def test_importing_without_drop_demo_keeps_the_label(demo_league, client, write_document, capsys):
    call_command("sportstats_import", write_document(dataset()))
    assert "Demo rows remain" in capsys.readouterr().out
    assert client.get(f"{BASE}/players?search=lebron").json()["meta"]["demo"] is True


def test_texts_are_the_real_ones_without_demo_rows(db, client):
    manifest = client.get(f"{BASE}/.well-known/ai-plugin.json").json()
    assert DEMO_NOTE not in manifest["description_for_model"]
    assert client.get(f"{BASE}/teams").json()["meta"].keys() == {
        "total_pages",
        "current_page",
        "next_page",
        "per_page",
        "total_count",
    }


def test_generator_adds_seasons_until_the_count_and_is_repeatable(db):
    call_command("sportstats_generate", stats=25_000)
    assert Stat.objects.count() == 25_000
    assert sorted(set(Game.objects.values_list("season", flat=True))) == [2024, 2025]
    call_command("sportstats_generate", stats=25_000)
    assert Stat.objects.count() == 25_000
