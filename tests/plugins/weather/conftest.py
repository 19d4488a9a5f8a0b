"""Fake Open-Meteo and OpenWeather servers (real HTTP on 127.0.0.1) that answer in each API's documented shapes."""

import time
from datetime import UTC, datetime, timedelta

import pytest

LISBON_OFFSET = 3600  # Europe/Lisbon in summer
OPENWEATHER_KEY = "ow-test-key-0123456789abcdef"

# The weather the fakes report, in metric units; each fake converts as its API does.
CELSIUS, FEELS_CELSIUS, WIND_KMH, RAIN_MM, HUMIDITY, WIND_DEG = 18.4, 17.9, 14.4, 0.2, 72, 310


def fahrenheit(celsius):
    return round(celsius * 9 / 5 + 32, 1)


def first(query, name, default=None):
    return query.get(name, [default])[0]


def openmeteo_geocoding(query):
    """GET /v1/search: {"results": [...]}, no "results" key when nothing matches."""
    if first(query, "name", "").lower() != "lisbon":
        return 200, {"generationtime_ms": 0.4}, {}
    hit = {
        "id": 2267057,
        "name": "Lisbon",
        "latitude": 38.71667,
        "longitude": -9.13333,
        "country_code": "PT",
        "country": "Portugal",
        "admin1": "Lisbon",
        "timezone": "Europe/Lisbon",
    }
    return 200, {"results": [hit], "generationtime_ms": 0.4}, {}


def openmeteo_forecast(query):
    """GET /v1/forecast with current/daily/hourly lists, honouring the unit parameters."""
    f = first(query, "temperature_unit", "celsius") == "fahrenheit"
    wind_unit = first(query, "wind_speed_unit", "kmh")
    inch = first(query, "precipitation_unit", "mm") == "inch"
    temp = (lambda c: fahrenheit(c)) if f else (lambda c: c)
    wind = {"kmh": WIND_KMH, "ms": round(WIND_KMH / 3.6, 1), "mph": round(WIND_KMH / 1.609344, 1)}[wind_unit]
    rain = round(RAIN_MM / 25.4, 3) if inch else RAIN_MM
    local_now = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=LISBON_OFFSET)
    today = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = int(first(query, "forecast_days", "7"))
    body = {
        "latitude": 38.72,
        "longitude": -9.14,
        "generationtime_ms": 0.1,
        "utc_offset_seconds": LISBON_OFFSET,
        "timezone": "Europe/Lisbon",
        "timezone_abbreviation": "WEST",
        "elevation": 12.0,
    }
    if "current" in query:
        body["current_units"] = {"time": "iso8601", "temperature_2m": "°F" if f else "°C"}
        body["current"] = {
            "time": local_now.replace(minute=local_now.minute - local_now.minute % 15).strftime("%Y-%m-%dT%H:%M"),
            "interval": 900,
            "temperature_2m": temp(CELSIUS),
            "apparent_temperature": temp(FEELS_CELSIUS),
            "relative_humidity_2m": HUMIDITY,
            "weather_code": 2,
            "wind_speed_10m": wind,
            "wind_direction_10m": WIND_DEG,
            "precipitation": rain,
        }
    if "daily" in query:
        dates = [(today + timedelta(days=n)).strftime("%Y-%m-%d") for n in range(days)]
        body["daily"] = {
            "time": dates,
            "weather_code": [61, 3, 0, 95, 2, 1, 0][:days],
            "temperature_2m_max": [temp(22.0 + n) for n in range(days)],
            "temperature_2m_min": [temp(14.0 + n) for n in range(days)],
            "precipitation_sum": [rain * 10] + [0.0] * (days - 1),
            "precipitation_probability_max": [80] + [10] * (days - 1),
            "wind_speed_10m_max": [wind * 2] * days,
        }
    if "hourly" in query:
        hours = [today + timedelta(hours=n) for n in range(24 * days)]
        body["hourly"] = {
            "time": [hour.strftime("%Y-%m-%dT%H:%M") for hour in hours],
            "temperature_2m": [temp(15.0 + hour.hour / 4) for hour in hours],
            "apparent_temperature": [temp(14.0 + hour.hour / 4) for hour in hours],
            "relative_humidity_2m": [HUMIDITY] * len(hours),
            "weather_code": [3] * len(hours),
            "wind_speed_10m": [wind] * len(hours),
            "wind_direction_10m": [WIND_DEG] * len(hours),
            "precipitation": [0.0] * len(hours),
            "precipitation_probability": [20] * len(hours),
        }
    return 200, body, {}


def openweather_units(query):
    units = first(query, "units", "standard")
    temp = {"metric": lambda c: c, "imperial": fahrenheit, "standard": lambda c: round(c + 273.15, 2)}[units]
    wind = round(WIND_KMH / 1.609344, 1) if units == "imperial" else round(WIND_KMH / 3.6, 1)  # mph or m/s
    return temp, wind


def openweather_refuses(query):
    if first(query, "appid") != OPENWEATHER_KEY:
        return 401, {"cod": 401, "message": "Invalid API key. Please see https://openweathermap.org/faq#error401"}
    return None


def openweather_geocoding(query):
    """GET /geo/1.0/direct: a list of matches, empty when nothing matches."""
    if refused := openweather_refuses(query):
        return (*refused, {})
    if first(query, "q", "").split(",")[0].lower() != "lisbon":
        return 200, [], {}
    hit = {"name": "Lisbon", "local_names": {"pt": "Lisboa"}, "lat": 38.7077507, "lon": -9.1365919, "country": "PT"}
    return 200, [hit], {}


def openweather_current(query):
    """GET /data/2.5/weather in the requested units (rain always in mm)."""
    if refused := openweather_refuses(query):
        return (*refused, {})
    temp, wind = openweather_units(query)
    return (
        200,
        {
            "coord": {"lon": float(first(query, "lon")), "lat": float(first(query, "lat"))},
            "weather": [{"id": 802, "main": "Clouds", "description": "scattered clouds", "icon": "03d"}],
            "base": "stations",
            "main": {
                "temp": temp(CELSIUS),
                "feels_like": temp(FEELS_CELSIUS),
                "temp_min": temp(CELSIUS - 1),
                "temp_max": temp(CELSIUS + 1),
                "pressure": 1016,
                "humidity": HUMIDITY,
            },
            "visibility": 10000,
            "wind": {"speed": wind, "deg": WIND_DEG, "gust": wind * 2},
            "rain": {"1h": RAIN_MM},
            "clouds": {"all": 40},
            "dt": int(time.time()) - 600,
            "sys": {"country": "PT", "sunrise": int(time.time()) - 30000, "sunset": int(time.time()) + 20000},
            "timezone": LISBON_OFFSET,
            "id": 2267057,
            "name": "Lisbon",
            "cod": 200,
        },
        {},
    )


def openweather_forecast(query):
    """GET /data/2.5/forecast: 40 steps of 3 hours from the next UTC 3-hour mark."""
    if refused := openweather_refuses(query):
        return (*refused, {})
    temp, wind = openweather_units(query)
    now = int(time.time())
    start = now - now % 10800 + 10800
    steps = []
    for n in range(40):
        dt = start + n * 10800
        celsius = 15.0 + n % 8
        steps.append(
            {
                "dt": dt,
                "main": {"temp": temp(celsius), "feels_like": temp(celsius - 1), "humidity": HUMIDITY},
                "weather": [{"id": 500, "main": "Rain", "description": "light rain", "icon": "10d"}],
                "clouds": {"all": 90},
                "wind": {"speed": wind, "deg": WIND_DEG},
                "pop": 0.4 if n % 2 else 0.1,
                "rain": {"3h": 1.0} if n % 2 else {},
                "dt_txt": datetime.fromtimestamp(dt, tz=UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    city = {"id": 2267057, "name": "Lisbon", "coord": {"lat": 38.7078, "lon": -9.1366}, "country": "PT"}
    return 200, {"cod": "200", "message": 0, "cnt": 40, "list": steps, "city": {**city, "timezone": LISBON_OFFSET}}, {}


@pytest.fixture
def openmeteo(fake_upstream, settings, db):
    """Point the plugin at a fake Open-Meteo (forecast and geocoding on one server)."""
    settings.WEATHER_PROVIDER = "openmeteo"
    settings.OPENWEATHER_API_KEY = ""
    settings.OPENMETEO_BASE_URL = fake_upstream.url
    settings.OPENMETEO_GEOCODING_URL = fake_upstream.url
    fake_upstream.route("/v1/search", openmeteo_geocoding)
    fake_upstream.route("/v1/forecast", openmeteo_forecast)
    return fake_upstream


@pytest.fixture
def openweather(fake_upstream, settings, db):
    """Point the plugin at a fake OpenWeather that accepts OPENWEATHER_KEY only."""
    settings.WEATHER_PROVIDER = "openweather"
    settings.OPENWEATHER_API_KEY = OPENWEATHER_KEY
    settings.OPENWEATHER_BASE_URL = fake_upstream.url
    fake_upstream.route("/geo/1.0/direct", openweather_geocoding)
    fake_upstream.route("/data/2.5/weather", openweather_current)
    fake_upstream.route("/data/2.5/forecast", openweather_forecast)
    return fake_upstream
