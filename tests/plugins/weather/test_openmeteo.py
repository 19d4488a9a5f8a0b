"""Open-Meteo mapped into the answer shape, in each of the three unit systems."""

import pytest

from .conftest import CELSIUS, FEELS_CELSIUS, HUMIDITY, RAIN_MM, WIND_DEG, WIND_KMH, fahrenheit

CURRENT = "/plugins/weather/current"
FORECAST = "/plugins/weather/forecast"


def test_current_weather_by_place_in_metric(client, openmeteo):
    response = client.get(CURRENT, {"place": "Lisbon"})

    assert response.status_code == 200
    body = response.json()
    assert body["place"] == {
        "name": "Lisbon",
        "latitude": 38.71667,
        "longitude": -9.13333,
        "country": "PT",
        "region": "Lisbon",
    }
    assert body["provider"] == "openmeteo"
    assert body["units"] == {"temperature": "°C", "wind_speed": "km/h", "precipitation": "mm"}
    now = body["current"]
    assert (now["temperature"], now["feels_like"], now["humidity"]) == (CELSIUS, FEELS_CELSIUS, HUMIDITY)
    assert (now["wind_speed"], now["wind_direction"], now["precipitation"]) == (WIND_KMH, WIND_DEG, RAIN_MM)
    assert now["conditions"] == "partly cloudy"  # WMO code 2
    assert now["observed_at"].endswith("+01:00") and body["local_time"].endswith("+01:00")
    assert body["note"] is None
    # The forecast call went to the geocoded coordinates, in the units asked for.
    forecast_call = openmeteo.calls("/v1/forecast")[0]["query"]
    assert forecast_call["latitude"] == ["38.71667"] and forecast_call["longitude"] == ["-9.13333"]
    assert forecast_call["temperature_unit"] == ["celsius"] and forecast_call["wind_speed_unit"] == ["kmh"]
    assert forecast_call["timezone"] == ["auto"]


def test_imperial_asks_upstream_for_fahrenheit_mph_and_inches(client, openmeteo):
    response = client.get(CURRENT, {"place": "Lisbon", "units": "imperial"})

    assert response.status_code == 200
    body = response.json()
    assert body["units"] == {"temperature": "°F", "wind_speed": "mph", "precipitation": "in"}
    assert body["current"]["temperature"] == fahrenheit(CELSIUS)
    assert body["current"]["wind_speed"] == round(WIND_KMH / 1.609344, 1)
    query = openmeteo.calls("/v1/forecast")[0]["query"]
    assert (query["temperature_unit"], query["wind_speed_unit"], query["precipitation_unit"]) == (
        ["fahrenheit"],
        ["mph"],
        ["inch"],
    )


def test_standard_units_are_kelvin_and_metres_per_second(client, openmeteo):
    response = client.get(CURRENT, {"lat": "38.7", "lon": "-9.1", "units": "standard"})

    assert response.status_code == 200
    body = response.json()
    assert body["units"] == {"temperature": "K", "wind_speed": "m/s", "precipitation": "mm"}
    assert body["current"]["temperature"] == round(CELSIUS + 273.15, 2)
    assert body["current"]["wind_speed"] == round(WIND_KMH / 3.6, 1)
    # Coordinates need no geocoding; the place is named by its coordinates.
    assert openmeteo.calls("/v1/search") == []
    assert body["place"]["name"] == "38.7000, -9.1000"


def test_place_with_country_code_filters_geocoding(client, openmeteo):
    response = client.get(CURRENT, {"place": "Lisbon, pt"})

    assert response.status_code == 200
    search = openmeteo.calls("/v1/search")[0]["query"]
    assert search["name"] == ["Lisbon"] and search["countryCode"] == ["PT"]


def test_place_with_another_country_name_is_not_found(client, openmeteo):
    response = client.get(CURRENT, {"place": "Lisbon, Brazil"})

    assert response.status_code == 404


def test_forecast_summarises_days(client, openmeteo):
    response = client.get(FORECAST, {"place": "Lisbon", "days": "2"})

    assert response.status_code == 200
    body = response.json()
    assert len(body["days"]) == 2 and body["hourly"] is None
    today, tomorrow = body["days"]
    assert today["conditions"] == "slight rain" and tomorrow["conditions"] == "overcast"
    assert (today["temperature_min"], today["temperature_max"]) == (14.0, 22.0)
    assert today["precipitation"] == RAIN_MM * 10 and today["precipitation_probability"] == 80
    assert today["date"] < tomorrow["date"]
    query = openmeteo.calls("/v1/forecast")[0]["query"]
    assert query["forecast_days"] == ["2"] and "hourly" not in query


@pytest.mark.parametrize("days", [1, 5])
def test_forecast_hourly_detail_is_three_hourly(client, openmeteo, days):
    response = client.get(FORECAST, {"place": "Lisbon", "days": days, "hourly": "true"})

    assert response.status_code == 200
    body = response.json()
    dates = {day["date"] for day in body["days"]}
    assert len(dates) == days
    steps = body["hourly"]
    assert steps, "the current 3-hour block is always included"
    assert all(int(step["time"][11:13]) % 3 == 0 for step in steps)
    assert all(step["time"][:10] in dates for step in steps)
    assert body["local_time"][:13] >= steps[0]["time"][:13] or body["local_time"][:10] < steps[0]["time"][:10]
    assert len(response.content) < 100_000


def test_place_with_state_and_country_searches_the_city_in_that_country(client, openmeteo):
    response = client.get(CURRENT, {"place": "Lisbon, Lisboa, Portugal"})

    assert response.status_code == 200
    assert openmeteo.calls("/v1/search")[0]["query"]["name"] == ["Lisbon"]
