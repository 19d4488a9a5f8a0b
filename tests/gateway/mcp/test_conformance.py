"""The official MCP conformance suite (pinned in .ci/node) against every plugin, served as in production.

Server scenarios run at both revisions the endpoint serves; a scenario that cannot apply is listed, with
its reason, in conformance-exclusions.yml (the suite's own baseline: a listed entry that passes fails too).
The suite's authorization-server scenarios run against a plugin in OAuth mode, with a user signing in.
"""

import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gateway.models import OAuthClient, Plugin
from tests.gateway.mcp.live import gateway_plugin_slugs, node_command, production_user, tool_env
from tests.gateway.test_production import free_port
from tests.oauth_flow import Browser, approve

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]
EXCLUSIONS = Path(__file__).with_name("conformance-exclusions.yml")
USERNAME, PASSWORD = "conformance", "conformance-password-1"


def summary(output: str) -> str:
    """The suite's closing summary (what failed and why), not its whole log."""
    return output[output.rfind("=== SUMMARY ===") :][-4000:]


@pytest.mark.parametrize("version", ["2025-11-25", "2026-07-28"])
def test_every_plugin_passes_the_server_scenarios(production_server, certificates, tmp_path, version):
    server = production_server()
    slugs = gateway_plugin_slugs()
    assert {"todo", "sportstats", "weather"} <= set(slugs)
    failures = {}
    for slug in slugs:
        command = node_command(
            "conformance",
            "server",
            "--url",
            server.mcp_url(slug),
            "--suite",
            "all",
            "--spec-version",
            version,
            "--expected-failures",
            EXCLUSIONS,
            "--output-dir",
            tmp_path / slug,
        )
        run = subprocess.run(
            command, env=tool_env(certificates, tmp_path), capture_output=True, text=True, timeout=300, check=False
        )
        if run.returncode != 0:
            failures[slug] = summary(run.stdout) + run.stderr[-2000:]
    assert not failures, "\n\n".join(f"{slug}:\n{text}" for slug, text in failures.items())


def test_an_oauth_plugin_passes_the_authorization_server_scenarios(production_server, certificates, tmp_path):
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
    production_user(USERNAME, PASSWORD)
    port = free_port()
    callback = f"http://127.0.0.1:{port}/callback"
    client = OAuthClient.objects.create(
        plugin=Plugin.objects.get(slug="todo"),
        name="conformance suite",
        client_type=OAuthClient.CLIENT_PUBLIC,
        authorization_grant_type=OAuthClient.GRANT_AUTHORIZATION_CODE,
        redirect_uris=callback,
    )
    server = production_server(tls=True)
    issuer = f"{server.url}/plugins/todo"
    command = node_command(
        "conformance",
        "authorization",
        "--url",
        issuer,
        "--client-id",
        client.client_id,
        "--resource",
        server.mcp_url("todo"),
        "--port",
        port,
        "--spec-version",
        "2026-07-28",
        "--output-dir",
        tmp_path / "results",
    )
    suite = subprocess.Popen(
        command, env=tool_env(certificates, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = []
    try:
        for line in suite.stdout:
            output.append(line)
            if line.startswith(f"{issuer}/oauth/authorize?"):
                # The user signs in and approves; their browser then lands on the suite's loopback callback.
                browser = Browser(server.url, verify=certificates.context())
                redirect = approve(browser, line.strip(), username=USERNAME, password=PASSWORD)
                assert redirect["location"].startswith(callback + "?code=")
                assert parse_qs(urlsplit(redirect["location"]).query)["iss"] == [issuer]
                httpx.get(redirect["location"], timeout=10)
        assert suite.wait(timeout=120) == 0, "".join(output)[-6000:]
    finally:
        suite.kill()
    text = "".join(output)
    assert "authorization-code-grant" in text and "authorization-server-metadata-endpoint" in text
