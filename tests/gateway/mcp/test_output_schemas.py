"""Every tool of every installed plugin, called over /mcp with data loaded: its structuredContent matches its
outputSchema, formats included, as MCP clients check it (the Inspector refuses a `date` that is a timestamp).
"""

from io import StringIO

import jsonschema
import pytest
from django.core.management import call_command

from gateway.registry import plugin_configs
from tests.plugins.sportstats.conftest import dataset, serve_v1
from tests.plugins.weather.conftest import openmeteo_forecast, openmeteo_geocoding
from tests.spec_walk import assert_conforms, example_for

pytestmark = pytest.mark.django_db
VERSION = {"MCP-Protocol-Version": "2025-11-25"}
# Arguments that reach rows or places that exist: the demo data's, the fake upstreams'. Any other required
# argument gets a valid example from its inputSchema, so a new tool is called too.
KNOWN = {
    "username": "global",  # the demo todos' owner
    "todo_idx": 0,
    "id": 1,  # a demo team, player and game
    "player_ids": [1],
    "place": "Lisbon",  # the fake geocoders know it
    "hourly": True,  # the forecast's optional steps, so their fields are checked too
    "word": "hello",
}


@pytest.fixture
def loaded(db, fake_upstream, settings, monkeypatch):
    """Demo data in the database; weather from the fake Open-Meteo, sport stats from the database."""
    call_command("demo_data", stdout=StringIO())
    settings.WEATHER_PROVIDER = "openmeteo"
    settings.OPENMETEO_BASE_URL = settings.OPENMETEO_GEOCODING_URL = fake_upstream.url
    fake_upstream.route("/v1/search", openmeteo_geocoding)
    fake_upstream.route("/v1/forecast", openmeteo_forecast)
    settings.SPORTSTATS_UPSTREAM_URL = ""
    monkeypatch.delenv("SPORTSTATS_UPSTREAM_URL", raising=False)
    return fake_upstream


def rpc(client, slug: str, method: str, params: dict | None = None) -> dict:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}
    response = client.post(f"/plugins/{slug}/mcp", body, content_type="application/json", headers=VERSION)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert "result" in answer, answer
    return answer["result"]


def arguments_for(tool: dict) -> dict:
    """Return arguments valid for the tool's inputSchema: known values by name, else examples."""
    schema = tool["inputSchema"]
    properties = schema.get("properties", {})
    arguments = {name: value for name, value in KNOWN.items() if name in properties}
    for name in schema.get("required", []):
        arguments.setdefault(name, example_for(properties[name], {}))
    jsonschema.validate(arguments, schema, cls=jsonschema.Draft202012Validator)
    return arguments


def call_every_tool(client, slug: str) -> tuple[set[str], set[str]]:
    """Call each listed tool once; check its answer against its outputSchema; return (listed, called) names."""
    tools = rpc(client, slug, "tools/list")["tools"]
    called = set()
    for tool in tools:
        result = rpc(client, slug, "tools/call", {"name": tool["name"], "arguments": arguments_for(tool)})
        assert result.get("isError") is not True, (slug, tool["name"], result["content"])
        if "outputSchema" in tool:
            jsonschema.Draft202012Validator.check_schema(tool["outputSchema"])
            assert "structuredContent" in result, (slug, tool["name"])  # clients refuse a result without it
            assert_conforms(result["structuredContent"], tool["outputSchema"])
        called.add(tool["name"])
    return {tool["name"] for tool in tools}, called


def test_every_tool_of_every_plugin_answers_as_its_output_schema_says(client, loaded):
    plugins = [config.slug for config in plugin_configs()]
    assert {"todo", "sportstats", "weather", "echo"} <= set(plugins)
    for slug in plugins:  # one test, so the demo data loads once
        listed, called = call_every_tool(client, slug)
        assert listed, f"{slug} lists no tool"
        assert called == listed, slug


def test_every_sportstats_tool_answers_as_its_output_schema_says_in_live_mode(client, fake_upstream, settings):
    data = dataset()
    for stat in data["stats"]:  # one compatible API sends the bare day: the answer still says date-time
        stat["game"]["date"] = stat["game"]["date"][:10]
    serve_v1(fake_upstream, data)
    for name in ("players", "teams", "games"):  # id 1 for every show tool, as in the database
        fake_upstream.route(f"/v1/{name}/1", lambda query, item=data[name][0]: (200, item, {}))
    settings.SPORTSTATS_UPSTREAM_URL = fake_upstream.url + "/v1"
    listed, called = call_every_tool(client, "sportstats")
    assert called == listed
    assert {request["path"] for request in fake_upstream.requests} >= {"/v1/games", "/v1/stats", "/v1/games/1"}


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        ("2025-10-21T00:00:00.000Z", {"type": "string", "format": "date"}),
        ("2025-10-21", {"type": "string", "format": "date-time"}),
        ("/plugins/weather/place?place=Lisbon", {"type": "string", "format": "uri"}),
    ],
)
def test_the_check_refuses_a_value_of_the_wrong_format(instance, schema):
    # Without jsonschema's format checkers installed, date-time and uri would pass anything.
    with pytest.raises(jsonschema.ValidationError):
        assert_conforms(instance, schema)
