"""Upstream failures: one log line each, naming the cause, never the key (against a real local HTTP server)."""

import logging
import socket
import time

import pytest

SPORTS_KEY = "sports-key-0123456789"
WEATHER_KEY = "weather-key-0123456789"
PAGE = {"total_pages": 1, "current_page": 1, "next_page": None, "per_page": 25, "total_count": 1}


@pytest.fixture
def sports(settings, fake_upstream, db):
    settings.SPORTSTATS_UPSTREAM_URL = fake_upstream.url + "/v1"
    settings.SPORTSTATS_UPSTREAM_KEY = SPORTS_KEY
    return fake_upstream


@pytest.fixture
def weather(settings, fake_upstream, db):
    """OpenWeather, which takes its key in the query string."""
    settings.WEATHER_PROVIDER = "openweather"
    settings.OPENWEATHER_API_KEY = WEATHER_KEY
    settings.OPENWEATHER_BASE_URL = fake_upstream.url
    return fake_upstream


def failure_lines(caplog) -> list[logging.LogRecord]:
    """Return every line logged at WARNING or above (the request log's INFO line is not a failure report)."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def the_one_line(caplog, *keys: str) -> str:
    (record,) = failure_lines(caplog)
    assert record.name == "gateway.upstream"
    line = record.getMessage()
    for key in keys:
        assert key not in line
    return line


def slow(query):
    time.sleep(1)
    return 200, {"data": [], "meta": PAGE}, {}


@pytest.mark.parametrize(
    ("answer", "status", "cause"),
    [
        (lambda query: (500, {"message": "boom"}, {}), 502, "HTTP 500 from upstream on GET http://127.0.0.1"),
        (lambda query: (503, b"<html>down</html>", {}), 502, "HTTP 503 from upstream"),
        (lambda query: (200, b"<html>not json</html>", {}), 502, "unparsable body"),
        (lambda query: (429, {"message": "slow down"}, {"Retry-After": "7"}), 503, "HTTP 429 from upstream"),
        (lambda query: (401, {"message": "bad key"}, {}), 502, "refused the gateway's key (HTTP 401)"),
        (lambda query: (200, {"teams": []}, {}), 502, "without a 'data' list"),
        (slow, 504, "timeout (ReadTimeout)"),
    ],
)
def test_each_sports_upstream_failure_is_one_line_naming_its_cause(
    client, sports, settings, caplog, answer, status, cause
):
    settings.SPORTSTATS_UPSTREAM_TIMEOUT = 0.3
    sports.route("/v1/teams", answer)
    with caplog.at_level(logging.INFO):
        response = client.get("/plugins/sportstats/teams")
    assert response.status_code == status
    line = the_one_line(caplog, SPORTS_KEY)
    assert line.startswith(f"Upstream failure on GET /plugins/sportstats/teams -> {status}: ")
    assert cause in line


def test_a_refused_connection_is_one_line_naming_it(client, settings, db, caplog):
    with socket.socket() as spare:  # a port nothing listens on
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    settings.SPORTSTATS_UPSTREAM_URL = f"http://127.0.0.1:{port}/v1"
    with caplog.at_level(logging.INFO):
        assert client.get("/plugins/sportstats/games").status_code == 502
    line = the_one_line(caplog)
    assert "ConnectError" in line and "refused" in line.lower()
    assert f"GET http://127.0.0.1:{port}/v1/games" in line


def test_a_key_in_the_query_string_stays_out_of_the_line(client, weather, caplog):
    weather.route("/geo/1.0/direct", lambda query: (500, {"message": "boom"}, {}))
    with caplog.at_level(logging.INFO):
        assert client.get("/plugins/weather/current", {"place": "Lisbon"}).status_code == 502
    assert WEATHER_KEY in weather.requests[0]["query"]["appid"]  # it was sent, as OpenWeather wants
    line = the_one_line(caplog, WEATHER_KEY, "appid")
    assert "HTTP 500 from upstream on GET http://127.0.0.1" in line and "/geo/1.0/direct" in line


def test_a_failure_answered_as_a_page_is_one_line_too(client, weather, caplog):
    weather.route("/data/2.5/weather", lambda query: (200, {"unexpected": True}, {}))
    with caplog.at_level(logging.INFO):
        response = client.get("/plugins/weather/place", {"lat": "1", "lon": "2"})
    assert response.status_code == 502
    line = the_one_line(caplog, WEATHER_KEY)
    assert "unexpected shape" in line and "KeyError" in line


def test_an_mcp_tool_call_logs_its_upstream_failure_once(client, sports, caplog):
    sports.route("/v1/players", lambda query: (500, {"message": "boom"}, {}))
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "getPlayers", "arguments": {}}}
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/plugins/sportstats/mcp", body, content_type="application/json", MCP_PROTOCOL_VERSION="2025-11-25"
        )
    assert response.json()["result"]["isError"] is True
    assert "HTTP 500 from upstream" in the_one_line(caplog, SPORTS_KEY)


def test_a_client_error_is_no_upstream_failure(client, sports, caplog):
    with caplog.at_level(logging.INFO):
        assert client.get("/plugins/sportstats/players/5").status_code == 404  # the fake knows no such route
    assert [record.name for record in failure_lines(caplog)] == ["django.request"]  # Django's "Not Found"
