"""Real MCP clients against the production server: the Inspector CLI calls every tool, mcp-authlab grades OAuth."""

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from gateway.models import Plugin
from plugins.sportstats.models import Game, Player, Team
from tests.gateway.mcp.live import gateway_plugin_slugs, node_command, production_user, tool_env
from tests.gateway.test_production import free_port
from tests.oauth_flow import Browser, approve
from tests.plugins.weather.conftest import openmeteo_forecast, openmeteo_geocoding

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def tool_calls() -> dict[str, dict[str, dict]]:
    """Arguments for every tool of every plugin, in call order (the delete follows the add), on the demo data."""
    team, player, game = Team.objects.first(), Player.objects.first(), Game.objects.first()
    return {
        "todo": {
            "getTodos": {"username": "global"},
            "addTodo": {"username": "inspector", "todo": "from the Inspector"},
            "deleteTodo": {"username": "inspector", "todo_idx": 0},
        },
        "sportstats": {
            "getTeams": {},
            "getTeam": {"id": team.id},
            "getPlayers": {"search": player.last_name},
            "getPlayer": {"id": player.id},
            "getGames": {"seasons": [game.season], "per_page": 5},
            "getGame": {"id": game.id},
            "getStats": {"game_ids": [game.id], "per_page": 5},
            "getSeasonAverages": {"player_ids": [player.id]},
        },
        "weather": {
            "getCurrentWeather": {"place": "Lisbon"},
            "getForecast": {"place": "Lisbon", "days": 2},
        },
    }


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_the_inspector_lists_and_calls_every_tool(production_server, fake_upstream, certificates, tmp_path, era):
    call_command("demo_data", verbosity=0)
    fake_upstream.route("/v1/search", openmeteo_geocoding)
    fake_upstream.route("/v1/forecast", openmeteo_forecast)
    server = production_server(
        WEATHER_PROVIDER="openmeteo", OPENMETEO_BASE_URL=fake_upstream.url, OPENMETEO_GEOCODING_URL=fake_upstream.url
    )
    calls = tool_calls()
    assert set(calls) == set(gateway_plugin_slugs())

    def inspector(slug: str, *args) -> dict:
        command = node_command("inspector", "--cli", server.mcp_url(slug), "--protocol-era", era, *args)
        command += ["--format", "json", "--quiet"]
        run = subprocess.run(command, env=tool_env(certificates, tmp_path), capture_output=True, text=True, timeout=60)
        # Exit 0 only for a result: the Inspector exits non-zero for an error result or a structuredContent
        # that its outputSchema refuses (formats included).
        assert run.returncode == 0, f"{slug} {args}: exit {run.returncode}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
        return json.loads(run.stdout)["result"]

    for slug, arguments in calls.items():
        listed = inspector(slug, "--method", "tools/list")
        assert {tool["name"] for tool in listed["tools"]} == set(arguments), f"{slug}: a tool this test does not call"
        for name, args in arguments.items():
            result = inspector(
                slug, "--method", "tools/call", "--tool-name", name, "--tool-args-json", json.dumps(args)
            )
            assert result["isError"] is False
            assert result["content"][0]["type"] == "text"
    assert fake_upstream.calls("/v1/forecast")


def test_mcp_authlab_finds_nothing_above_informational(production_server, certificates, tmp_path):
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
    production_user("authlab", "authlab-password-1")
    server = production_server(tls=True)
    url = server.mcp_url("todo")
    authlab = str(Path(sys.executable).with_name("mcp-authlab"))
    # `login` registers a client, then prints an authorization URL per round and waits on its loopback
    # callback; the user signs in and approves each in a browser (BROWSER=true: nothing is opened here).
    env = tool_env(certificates, tmp_path, BROWSER="true", MCP_AUTHLAB_TOKENS=str(tmp_path / "tokens.json"))
    # The second token, which the MCP server must refuse, is for the plugin's REST API: the default (the
    # issuer, i.e. the plugin base) is by design the whole plugin, /mcp included (gateway/oauth/resources.py).
    foreign = f"{server.url}/plugins/todo/todos"
    login = subprocess.Popen(
        [authlab, "login", url, "--foreign-resource", foreign, "--redirect-port", str(free_port()), "--timeout", "30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in login.stdout:
            output.append(line)
            if line.strip().startswith(f"{server.url}/plugins/todo/oauth/authorize?"):
                browser = Browser(server.url, verify=certificates.context())
                redirect = approve(browser, line.strip(), username="authlab", password="authlab-password-1")
                httpx.get(redirect["location"], timeout=10)
        assert login.wait(timeout=120) == 0, "".join(output)[-6000:]
    finally:
        login.kill()

    scan = subprocess.run(
        [authlab, "scan", url, "--format", "json", "--no-color"], env=env, capture_output=True, text=True, timeout=120
    )
    report = json.loads(scan.stdout)
    findings = [
        f"{result['id']} {result['status']}: {result['message']}"
        for result in report["results"]
        if result["status"] not in ("pass", "skip")
    ]
    assert not findings, "\n".join(findings) + "\n\nlogin:\n" + "".join(output)[-3000:]
    assert report["grade"] == "A" and report["counts"]["fail"] == 0
    # The login ran the flow checks (the tokens it got are what the scan used).
    ran = {result["id"] for result in report["results"] if result["status"] == "pass"}
    assert {"ASF-01", "ASF-02", "ASF-03", "ASF-04", "TOK-03", "TOK-06"} <= ran, "".join(output)[-3000:]
