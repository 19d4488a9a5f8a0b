"""OpenWeather mapped into the same answer shape; the provider is chosen by env or the admin row."""

import logging

from plugins.weather.models import WeatherSettings

from .conftest import CELSIUS, HUMIDITY, OPENWEATHER_KEY, RAIN_MM, WIND_DEG, WIND_KMH, fahrenheit

CURRENT = "/plugins/weather/current"
FORECAST = "/plugins/weather/forecast"


def test_current_weather_by_place(client, openweather):
    response = client.get(CURRENT, {"place": "Lisbon, PT"})

    assert response.status_code == 200
    body = response.json()
    assert body["provider"] == "openweather"
    assert body["place"] == {
        "name": "Lisbon",
        "latitude": 38.7077507,
        "longitude": -9.1365919,
        "country": "PT",
        "region": None,
    }
    now = body["current"]
    assert now["temperature"] == CELSIUS and now["humidity"] == HUMIDITY
    assert now["wind_speed"] == WIND_KMH  # OpenWeather's metric m/s, turned into km/h like Open-Meteo's
    assert now["wind_direction"] == WIND_DEG and now["precipitation"] == RAIN_MM
    assert now["conditions"] == "scattered clouds"
    assert now["observed_at"].endswith("+01:00")
    assert openweather.calls("/geo/1.0/direct")[0]["query"]["q"] == ["Lisbon,PT"]
    weather_call = openweather.calls("/data/2.5/weather")[0]["query"]
    assert weather_call["lat"] == ["38.7077507"] and weather_call["units"] == ["metric"]
    assert weather_call["appid"] == [OPENWEATHER_KEY]


def test_imperial_and_standard_units(client, openweather):
    imperial = client.get(CURRENT, {"place": "Lisbon", "units": "imperial"}).json()
    standard = client.get(CURRENT, {"place": "Lisbon", "units": "standard"}).json()

    assert imperial["current"]["temperature"] == fahrenheit(CELSIUS)
    assert imperial["current"]["precipitation"] == round(RAIN_MM / 25.4, 2)
    assert imperial["units"]["wind_speed"] == "mph"
    assert standard["current"]["temperature"] == round(CELSIUS + 273.15, 2)
    assert standard["current"]["wind_speed"] == round(WIND_KMH / 3.6, 1)
    assert [call["query"]["units"] for call in openweather.calls("/data/2.5/weather")] == [["imperial"], ["standard"]]


def test_answers_have_the_same_shape_whichever_provider(client, openweather, openmeteo, settings):
    # Both fakes share one server; the openmeteo fixture cleared the key, so set it again.
    settings.OPENWEATHER_API_KEY = OPENWEATHER_KEY
    settings.WEATHER_PROVIDER = "openweather"
    from_openweather = client.get(FORECAST, {"place": "Lisbon", "hourly": "true"}).json()
    current_openweather = client.get(CURRENT, {"place": "Lisbon"}).json()
    settings.WEATHER_PROVIDER = "openmeteo"
    from_openmeteo = client.get(FORECAST, {"place": "Lisbon", "hourly": "true"}).json()
    current_openmeteo = client.get(CURRENT, {"place": "Lisbon"}).json()

    assert from_openweather["provider"] == "openweather" and from_openmeteo["provider"] == "openmeteo"
    assert from_openweather.keys() == from_openmeteo.keys()
    assert from_openweather["days"][0].keys() == from_openmeteo["days"][0].keys()
    assert from_openweather["hourly"][0].keys() == from_openmeteo["hourly"][0].keys()
    assert current_openweather["current"].keys() == current_openmeteo["current"].keys()
    assert current_openweather.keys() == current_openmeteo.keys()


def test_forecast_groups_three_hour_steps_into_local_days(client, openweather):
    response = client.get(FORECAST, {"place": "Lisbon", "days": "3", "hourly": "true"})

    assert response.status_code == 200
    body = response.json()
    assert len(body["days"]) == 3
    for day in body["days"]:
        steps = [step for step in body["hourly"] if step["time"].startswith(day["date"])]
        assert steps
        assert day["temperature_min"] == min(step["temperature"] for step in steps)
        assert day["temperature_max"] == max(step["temperature"] for step in steps)
        assert day["precipitation"] == round(sum(step["precipitation"] for step in steps), 2)
        assert day["conditions"] == "light rain"
    assert {step["precipitation_probability"] for step in body["hourly"]} <= {10, 40}


def test_a_key_alone_selects_openweather(client, openweather, settings):
    settings.WEATHER_PROVIDER = ""

    assert client.get(CURRENT, {"place": "Lisbon"}).json()["provider"] == "openweather"


def test_admin_row_overrides_the_environment(client, openweather, settings):
    settings.WEATHER_PROVIDER = "openmeteo"
    settings.OPENWEATHER_API_KEY = "a-key-the-upstream-refuses"
    WeatherSettings.objects.create(provider="openweather", openweather_api_key=OPENWEATHER_KEY)

    response = client.get(CURRENT, {"place": "Lisbon"})

    assert response.status_code == 200
    assert response.json()["provider"] == "openweather"


def test_the_key_never_reaches_the_logs(client, openweather, caplog):
    # httpx is quiet by default (settings); an operator who turns it up still never sees the key.
    with caplog.at_level(logging.DEBUG, logger="httpx"):
        assert client.get(CURRENT, {"place": "Lisbon"}).status_code == 200

    assert any("appid=***" in record.getMessage() for record in caplog.records)
    assert not any(OPENWEATHER_KEY in record.getMessage() for record in caplog.records)
