"""Bad queries are 400s naming the parameter, and no upstream call is made."""

import pytest

CURRENT = "/plugins/weather/current"
FORECAST = "/plugins/weather/forecast"


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        (CURRENT, {"place": "Lisbon", "units": "kelvin"}, "units"),
        (CURRENT, {"lat": "91", "lon": "0"}, "lat"),
        (CURRENT, {"lat": "-90.5", "lon": "0"}, "lat"),
        (CURRENT, {"lat": "0", "lon": "180.01"}, "lon"),
        (CURRENT, {"lat": "0", "lon": "-181"}, "lon"),
        (CURRENT, {"lat": "nan", "lon": "0"}, "lat"),
        (CURRENT, {"lat": "north", "lon": "0"}, "lat"),
        (CURRENT, {"lat": "10"}, "lon"),
        (CURRENT, {"lon": "10"}, "lat"),
        (CURRENT, {"place": "Lisbon", "lat": "1", "lon": "2"}, "place"),
        (CURRENT, {"place": "x" * 101}, "place"),
        (CURRENT, {"place": "   "}, "place"),
        (CURRENT, {}, "place"),
        (FORECAST, {"place": "Lisbon", "days": "0"}, "days"),
        (FORECAST, {"place": "Lisbon", "days": "6"}, "days"),
        (FORECAST, {"place": "Lisbon", "days": "two"}, "days"),
        (FORECAST, {"place": "Lisbon", "hourly": "maybe"}, "hourly"),
    ],
)
def test_bad_query_is_400_naming_the_parameter(client, openmeteo, path, query, parameter):
    response = client.get(path, query)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"].startswith(f"{parameter}:")
    assert openmeteo.requests == []


def test_edges_of_the_ranges_are_accepted(client, openmeteo):
    for lat, lon in [("90", "180"), ("-90", "-180")]:
        assert client.get(CURRENT, {"lat": lat, "lon": lon}).status_code == 200
    assert client.get(FORECAST, {"place": "Lisbon", "days": "5", "units": "standard"}).status_code == 200
