"""The place page linked from every answer: HTML with OpenGraph tags, outside the OpenAPI spec."""

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from gateway.services import plugin_rotate_service_key

from .conftest import CELSIUS

PAGE = "/plugins/weather/place"


def og(response, name: str) -> str:
    match = re.search(rf'<meta property="og:{name}" content="([^"]*)">', response.content.decode())
    assert match, f"og:{name} missing"
    return unescape(match.group(1))


def test_answers_link_to_a_page_with_opengraph_tags(client, openmeteo):
    link = client.get("/plugins/weather/current", {"place": "Lisbon"}).json()["link"]
    assert re.fullmatch(r"http://testserver/plugins/weather/place\?place=Lisbon&sig=[\w-]{20,}", link)

    parts = urlsplit(link)
    page = client.get(f"{parts.path}?{parts.query}")

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert og(page, "title") == "Weather in Lisbon, PT"
    assert og(page, "description").startswith(f"{CELSIUS} °C, partly cloudy")
    assert og(page, "url") == link
    assert og(page, "image") == "http://testserver/plugins/weather/logo.png"
    assert og(page, "site_name") == "Weather"
    # The page reused the cached answer: one geocoding and one forecast call in all.
    assert len(openmeteo.calls("/v1/forecast")) == 1


def test_links_by_coordinates_and_units(client, openmeteo):
    body = client.get("/plugins/weather/forecast", {"lat": "38.7", "lon": "-9.1", "units": "imperial"}).json()
    assert body["link"].startswith(
        "http://testserver/plugins/weather/place?lat=38.7000&lon=-9.1000&units=imperial&sig="
    )

    page = client.get("/plugins/weather/place", {"lat": "38.7000", "lon": "-9.1000", "units": "imperial"})

    assert page.status_code == 200
    assert "°F" in og(page, "description")


def test_region_answers_link_to_the_capital(client, openmeteo):
    body = client.get("/plugins/weather/current", headers={"openai-subdivision-1-iso-code": "US-TX"}).json()

    assert body["link"].startswith("http://testserver/plugins/weather/place?lat=30.2700&lon=-97.7400&sig=")


def test_on_the_plugin_host_links_use_that_host(client, openmeteo):
    body = client.get("/current", {"place": "Lisbon"}, HTTP_HOST="weather.localhost").json()

    assert body["link"].startswith("http://weather.localhost/place?place=Lisbon&sig=")


def test_page_errors_are_pages_with_the_right_status(client, openmeteo):
    unknown = client.get("/plugins/weather/place", {"place": "Atlantis"})
    invalid = client.get("/plugins/weather/place", {"lat": "200", "lon": "0"})

    assert unknown.status_code == 404 and "Atlantis" in unknown.content.decode()
    assert invalid.status_code == 400 and "lat:" in invalid.content.decode()
    assert "og:title" not in unknown.content.decode()


def test_spec_documents_the_two_operations_and_not_the_page(client, db):
    spec = client.get("/plugins/weather/openapi.json").json()

    operations = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()}
    assert set(operations) == {"getCurrentWeather", "getForecast"}
    assert set(spec["paths"]) == {"/current", "/forecast"}
    for operation in operations.values():
        assert len(operation["description"]) <= 200
        assert {"200", "400", "404", "502", "503", "504"} <= set(operation["responses"])
        for parameter in operation["parameters"]:
            assert len(parameter.get("description", "")) <= 200
    forecast_params = {p["name"] for p in operations["getForecast"]["parameters"]}
    assert forecast_params == {"place", "lat", "lon", "units", "days", "hourly"}
    units = next(p for p in operations["getCurrentWeather"]["parameters"] if p["name"] == "units")
    assert units["schema"]["enum"] == ["metric", "imperial", "standard"]


def service_key(plugin_row) -> dict:
    """Put weather in service_http mode and return the Authorization header of its key."""
    plugin = plugin_row("weather", auth_mode="service_http")
    return {"Authorization": f"Bearer {plugin_rotate_service_key(plugin=plugin)}"}


def signed_query(client, headers, **ask) -> dict:
    """Return the query of the link an authenticated API answer hands out."""
    response = client.get("/plugins/weather/current", ask, headers=headers)
    assert response.status_code == 200, response.content
    return {name: values[0] for name, values in parse_qs(urlsplit(response.json()["link"]).query).items()}


def test_with_auth_an_unsigned_page_is_refused_before_the_upstream(client, openmeteo, plugin_row):
    service_key(plugin_row)

    page = client.get(PAGE, {"lat": "12.3456", "lon": "65.4321"})

    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")
    assert "no signature" in unescape(page.content.decode())
    assert "og:title" not in page.content.decode()
    assert openmeteo.requests == []


def test_with_auth_a_link_from_an_answer_still_previews(client, openmeteo, plugin_row):
    query = signed_query(client, service_key(plugin_row), lat="38.7", lon="-9.1", units="imperial")

    page = client.get(PAGE, query)  # the preview fetcher: no credentials

    assert page.status_code == 200
    assert "°F" in og(page, "description")
    assert len(openmeteo.calls("/v1/forecast")) == 1  # the page reused the answer's cached call


@pytest.mark.parametrize(
    "change",
    [{"lat": "12.3456"}, {"lon": "-9.1001"}, {"units": "metric"}, {"sig": "x" * 43}, {"sig": "a:b"}],
    ids=["lat", "lon", "units", "signature", "separator"],
)
def test_with_auth_a_changed_link_is_refused(client, openmeteo, plugin_row, change):
    query = signed_query(client, service_key(plugin_row), lat="38.7", lon="-9.1", units="imperial")
    calls = len(openmeteo.requests)

    page = client.get(f"{PAGE}?{urlencode({**query, **change})}")

    assert page.status_code == 403
    assert "does not match" in unescape(page.content.decode())
    assert len(openmeteo.requests) == calls


def test_a_place_link_is_signed_for_its_name_only(client, openmeteo, plugin_row):
    query = signed_query(client, service_key(plugin_row), place="Lisbon")

    assert client.get(PAGE, query).status_code == 200
    assert client.get(PAGE, {**query, "place": "Atlantis"}).status_code == 403
    assert openmeteo.calls("/v1/search")[-1]["query"]["name"] == ["Lisbon"]


def test_without_auth_any_place_previews_unsigned(client, openmeteo):
    page = client.get(PAGE, {"lat": "38.7", "lon": "-9.1"})

    assert page.status_code == 200
    assert og(page, "title").startswith("Weather in")


@pytest.mark.parametrize("auth_mode", ["none", "service_http"])
def test_the_page_counts_against_the_plugins_rate_limit(client, openmeteo, plugin_row, auth_mode):
    plugin = plugin_row("weather", auth_mode=auth_mode, rate_limit_per_minute=2)
    headers = {"Authorization": f"Bearer {plugin_rotate_service_key(plugin=plugin)}"}
    query = signed_query(client, headers if auth_mode != "none" else {}, lat="38.7", lon="-9.1")
    calls = len(openmeteo.requests)

    # From another address than the API call's, which counted against its own caller's budget.
    pages = [client.get(PAGE, query, REMOTE_ADDR="10.0.0.7") for _ in range(3)]

    assert [page.status_code for page in pages] == [200, 200, 429]
    assert 1 <= int(pages[2]["Retry-After"]) <= 60
    assert pages[2]["Content-Type"].startswith("text/html")
    assert "throttled" in pages[2].content.decode()
    # The throttled page did not reach the upstream (the two served ones shared one cached answer).
    assert len(openmeteo.requests) == calls


def test_the_page_answers_only_get_and_head(client, openmeteo):
    assert client.head(PAGE, {"lat": "38.7", "lon": "-9.1"}).status_code == 200
    for method in (client.post, client.options, client.delete):
        response = method(PAGE)
        assert response.status_code == 405
        assert response["Content-Type"].startswith("text/html")
