"""The plugin contract: one public module, view bases that carry auth and throttling, checks that refuse the rest."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.checks import run_checks
from django.urls import NoReverseMatch, reverse
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from gateway.api import PluginAPIView, PublicPluginPage
from gateway.checks import plugin_url_errors
from plugins.weather.pages import PlacePage

from . import off_contract_urls

ROOT = Path(__file__).resolve().parents[2]


def messages(errors, check_id: str) -> list[str]:
    return [error.msg for error in errors if error.id == check_id]


def test_the_checks_refuse_views_off_the_contract_and_let_marked_ones_through():
    errors = plugin_url_errors(apps.get_app_config("echo"), off_contract_urls.urlpatterns)
    refused = messages(errors, "gateway.E005")
    assert len(refused) == 4
    assert "'plain' leads to plain_page" in refused[0]
    assert "'django' leads to PlainDjangoView" in refused[1]
    # Found inside a nested include, under its full route.
    assert "'nested/drf' leads to PlainAPIView" in refused[2]
    assert "'list' leads to PlainList" in refused[3]
    # On the contract: PluginAPIView, a generic view on PluginGenericAPIView, a page marked public.
    assert not any(
        f"'{route}'" in message
        for route in ("fine", "fine-list", "public")
        for message in messages(errors, "gateway.E005")
    )


def test_the_checks_refuse_a_route_or_name_the_gateway_answers_under_a_plugin():
    collisions = messages(plugin_url_errors(apps.get_app_config("echo"), off_contract_urls.urlpatterns), "gateway.E006")
    assert len(collisions) == 4
    assert "route 'logo.png' collides" in collisions[0]
    assert "URL name 'token' is one of the gateway's own" in collisions[1]
    assert "route '.well-known/my-thing' collides" in collisions[2]
    assert "route 'oauth/callback' collides" in collisions[3]


def test_the_checks_run_with_django_checks_and_pass_for_the_installed_plugins(monkeypatch):
    assert [error for error in run_checks(tags=["urls"]) if error.id in ("gateway.E005", "gateway.E006")] == []
    config = apps.get_app_config("echo")
    monkeypatch.setattr(type(config), "api_urlconf", "tests.gateway.off_contract_urls")
    found = {error.id for error in run_checks(tags=["urls"]) if error.obj is config}
    assert found == {"gateway.E005", "gateway.E006"}


def test_every_plugin_and_the_fake_plugin_import_only_the_public_module():
    offending = []
    for folder in (ROOT / "plugins", ROOT / "tests" / "fake_plugin"):
        for file in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module or ""]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                offending += [
                    f"{file.relative_to(ROOT)}:{node.lineno} {module}"
                    for module in modules
                    if module.split(".")[0] == "gateway" and module != "gateway.api"
                ]
    assert offending == []


def test_plugin_routes_live_in_their_own_namespace():
    assert reverse("echo:api:echo", args=["hi"]) == "/plugins/echo/echo/hi"
    assert reverse("echo:logo") == "/plugins/echo/logo.png"
    with pytest.raises(NoReverseMatch):
        reverse("echo:echo", args=["hi"])


@pytest.mark.django_db
def test_a_plugin_view_carries_its_auth_whatever_the_drf_defaults_say(client, plugin_row, monkeypatch):
    plugin_row("echo", auth_mode="service_http")
    # What DRF's defaults would give a plain APIView in a project that lets everything through
    # (APIView reads REST_FRAMEWORK once, into these class attributes).
    monkeypatch.setattr(APIView, "authentication_classes", ())
    monkeypatch.setattr(APIView, "permission_classes", (AllowAny,))
    monkeypatch.setattr(APIView, "throttle_classes", ())
    response = client.get("/plugins/echo/echo/hi")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_the_public_place_page_is_marked_public_and_still_throttled(client, plugin_row, monkeypatch):
    assert issubclass(PlacePage, PublicPluginPage) and not issubclass(PlacePage, PluginAPIView)
    # The throttle comes with the base class, not from DRF's global default.
    monkeypatch.setattr(APIView, "throttle_classes", ())
    plugin_row("weather", auth_mode="service_http", rate_limit_per_minute=2)
    # No credentials: the page itself answers (it refuses an unsigned link), not the auth.
    first = [client.get("/plugins/weather/place", {"place": "Lisbon"}) for _ in range(2)]
    assert [page.status_code for page in first] == [403, 403]
    assert "no signature" in first[0].content.decode()
    throttled = client.get("/plugins/weather/place", {"place": "Lisbon"})
    assert throttled.status_code == 429
    assert throttled["Content-Type"].startswith("text/html")
    assert 1 <= int(throttled["Retry-After"]) <= 60


@pytest.mark.django_db
def test_the_answer_cap_holds_for_a_tool_call_as_for_a_direct_call(client, settings):
    settings.GATEWAY_MAX_RESPONSE_CHARS = 1000
    word = "a" * 1000
    assert client.get(f"/plugins/echo/echo/{word}").json()["error"]["code"] == "response_too_large"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"word": word}}}
    response = client.post(
        "/plugins/echo/mcp", body, content_type="application/json", headers={"MCP-Protocol-Version": "2025-11-25"}
    )
    result = response.json()["result"]
    assert result["isError"] is True
    assert "1,000 an AI platform accepts" in result["content"][0]["text"]
