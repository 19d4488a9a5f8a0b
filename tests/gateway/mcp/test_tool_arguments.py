"""Tool arguments are checked against the tool's published inputSchema before the call runs.

MCP 2025-11-25 (and 2026-07-28): invalid tool input is a tool execution error (`isError: true`) whose text
names the argument, so the model can correct its call; nothing reaches the plugin's view.
"""

import pytest

pytestmark = pytest.mark.django_db
VERSION = {"MCP-Protocol-Version": "2025-11-25"}


def call(client, slug: str, name: str, arguments: dict) -> dict:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    response = client.post(f"/plugins/{slug}/mcp", body, content_type="application/json", headers=VERSION)
    assert response.status_code == 200, response.content
    return response.json()["result"]


@pytest.mark.parametrize(
    ("slug", "name", "arguments", "message"),
    [
        ("todo", "getTodos", {"username": "global", "extra": 1}, "('extra' was unexpected)"),
        ("todo", "getTodos", {"username": 5}, 'username: 5 is not of type "string"'),
        ("todo", "getTodos", {}, '"username" is a required property'),
        ("sportstats", "getPlayer", {"id": "1"}, 'id: "1" is not of type "integer"'),
        ("sportstats", "getStats", {"game_ids": "1,2"}, 'game_ids: "1,2" is not of type "array"'),
        ("sportstats", "getStats", {"game_ids": [0]}, "game_ids/0: 0 is less than the minimum of 1"),
        ("sportstats", "getGames", {"seasons": [1900]}, "seasons/0: 1900 is less than the minimum of 1946"),
        ("sportstats", "getGames", {"seasons": ["last year"]}, 'seasons/0: "last year" does not match'),
        ("sportstats", "getGames", {"start_date": "2025-1-1"}, 'start_date: "2025-1-1" is not a "date"'),
    ],
)
def test_arguments_the_input_schema_refuses_are_a_tool_error_naming_them(client, slug, name, arguments, message):
    result = call(client, slug, name, arguments)
    assert result["isError"] is True
    assert result["content"][0]["text"].startswith("Invalid arguments: ")
    assert message in result["content"][0]["text"]


def test_a_refused_call_writes_nothing(client):
    result = call(client, "todo", "addTodo", {"username": "ann", "todo": "x", "extra": 1})
    assert result["isError"] is True
    assert client.get("/plugins/todo/todos/ann").json() == {"todos": []}
    assert call(client, "todo", "addTodo", {"username": "ann", "todo": "x"}).get("isError") is not True
    assert client.get("/plugins/todo/todos/ann").json() == {"todos": ["x"]}


def test_a_path_argument_no_route_takes_is_named_not_the_internal_path(client):
    result = call(client, "sportstats", "getPlayer", {"id": -1})
    assert result["isError"] is True
    assert result["content"][0]["text"] == "id: -1 is not a valid value."


@pytest.mark.parametrize("season", [2018, "2018", "2018-19"])
def test_a_season_is_taken_as_a_number_or_as_text(client, season):
    # Assistants send the number as often as the text: the schema says both, the view reads both.
    result = call(client, "sportstats", "getSeasonAverages", {"season": season, "player_ids": [1]})
    assert result.get("isError") is not True, result
    assert result["structuredContent"]["data"] == []


def test_a_refusal_quotes_a_long_value_cut_short(client):
    # The refusal names the argument and what is wrong, but does not echo a 900,000-character value.
    result = call(client, "todo", "addTodo", {"username": "ann", "todo": "x" * 900_000})
    assert result["isError"] is True
    assert "todo: " in result["content"][0]["text"] and len(result["content"][0]["text"]) < 400
    assert client.get("/plugins/todo/todos/ann").json() == {"todos": []}
