"""The place page linked from every answer: HTML with OpenGraph tags, outside the OpenAPI spec."""

import re
from html import unescape
from urllib.parse import urlsplit

from .conftest import CELSIUS


def og(response, name: str) -> str:
    match = re.search(rf'<meta property="og:{name}" content="([^"]*)">', response.content.decode())
    assert match, f"og:{name} missing"
    return unescape(match.group(1))


def test_answers_link_to_a_page_with_opengraph_tags(client, openmeteo):
    link = client.get("/plugins/weather/current", {"place": "Lisbon"}).json()["link"]
    assert link == "http://testserver/plugins/weather/place?place=Lisbon"

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
    assert body["link"] == "http://testserver/plugins/weather/place?lat=38.7000&lon=-9.1000&units=imperial"

    page = client.get("/plugins/weather/place", {"lat": "38.7000", "lon": "-9.1000", "units": "imperial"})

    assert page.status_code == 200
    assert "°F" in og(page, "description")


def test_region_answers_link_to_the_capital(client, openmeteo):
    body = client.get("/plugins/weather/current", headers={"openai-subdivision-1-iso-code": "US-TX"}).json()

    assert body["link"] == "http://testserver/plugins/weather/place?lat=30.2700&lon=-97.7400"


def test_on_the_plugin_host_links_use_that_host(client, openmeteo):
    body = client.get("/current", {"place": "Lisbon"}, HTTP_HOST="weather.localhost").json()

    assert body["link"] == "http://weather.localhost/place?place=Lisbon"


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
