"""Open-Meteo: geocoding + forecast, no key needed."""

from datetime import UTC, datetime, timedelta

import httpx

from gateway.api import UpstreamError

from ..conf import WeatherOptions
from .base import Budget, Place, local_iso, rounded
from .wmo import wmo_conditions

NAME = "Open-Meteo"
NOW_FIELDS = "temperature_2m,apparent_temperature,relative_humidity_2m,weather_code,wind_speed_10m,wind_direction_10m"
CURRENT = f"{NOW_FIELDS},precipitation"
HOURLY = f"{CURRENT},precipitation_probability"
DAILY = (
    "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,"
    "precipitation_probability_max,wind_speed_10m_max"
)
# units -> (temperature_unit, wind_speed_unit, precipitation_unit); "standard" is Kelvin, converted here.
UNIT_PARAMS = {
    "metric": ("celsius", "kmh", "mm"),
    "imperial": ("fahrenheit", "mph", "inch"),
    "standard": ("celsius", "ms", "mm"),
}


class OpenMeteo:
    name = "openmeteo"

    def __init__(self, options: WeatherOptions, client: httpx.Client):
        self.options = options
        self.client = client
        self.budget = Budget(options.timeout, NAME)

    def get(self, url: str, params: dict) -> dict:
        status, body = self.budget.get_json(self.client, url, params=params)
        if status != 200 or not isinstance(body, dict):
            reason = body.get("reason") if isinstance(body, dict) else None
            raise UpstreamError(f"{NAME} refused the request (HTTP {status}): {reason or 'no reason given'}.")
        return body

    def geocode(self, *, query: str) -> Place | None:
        # "City[, state], country": Open-Meteo searches the city name alone; the country narrows the hits.
        parts = [part.strip() for part in query.split(",")]
        city, country = parts[0], parts[-1] if len(parts) > 1 else ""
        params = {"name": city, "count": 10, "language": "en", "format": "json"}
        if len(country) == 2:
            params["countryCode"] = country.upper()
        body = self.get(f"{self.options.openmeteo_geocoding_url}/v1/search", params)
        try:
            for hit in body.get("results") or []:
                # A country given by name ("Lisbon, Portugal") filters the hits here; the API takes codes only.
                if len(country) > 2 and country.lower() != str(hit.get("country", "")).lower():
                    continue
                return Place(
                    name=hit["name"],
                    latitude=float(hit["latitude"]),
                    longitude=float(hit["longitude"]),
                    country=hit.get("country_code"),
                    region=hit.get("admin1"),
                )
        except (KeyError, TypeError, ValueError) as error:
            raise UpstreamError(f"{NAME} geocoding answered in an unexpected shape.") from error
        return None

    def forecast_call(self, *, place: Place, units: str, **fields) -> dict:
        temperature, wind, precipitation = UNIT_PARAMS[units]
        params = {
            "latitude": place.latitude,
            "longitude": place.longitude,
            "timezone": "auto",
            "temperature_unit": temperature,
            "wind_speed_unit": wind,
            "precipitation_unit": precipitation,
            **fields,
        }
        return self.get(f"{self.options.openmeteo_base_url}/v1/forecast", params)

    def current(self, *, place: Place, units: str) -> dict:
        body = self.forecast_call(place=place, units=units, current=CURRENT, forecast_days=1)
        try:
            offset = int(body["utc_offset_seconds"])
            now = body["current"]
            return {
                "place": place.as_dict(),
                "utc_offset": offset,
                "current": {"observed_at": with_offset(now["time"], offset), **conditions(now, units)},
            }
        except (KeyError, TypeError, ValueError) as error:
            raise UpstreamError(f"{NAME} answered in an unexpected shape.") from error

    def forecast(self, *, place: Place, units: str, days: int, hourly: bool) -> dict:
        fields = {"daily": DAILY, "forecast_days": days}
        if hourly:
            fields["hourly"] = HOURLY
        body = self.forecast_call(place=place, units=units, **fields)
        try:
            offset = int(body["utc_offset_seconds"])
            daily = body["daily"]
            answer = {"place": place.as_dict(), "utc_offset": offset, "days": [], "hourly": None}
            for index, date in enumerate(daily["time"][:days]):
                answer["days"].append(day_summary(daily, index, date, units))
            if hourly:
                answer["hourly"] = three_hourly(body["hourly"], offset, units)
            return answer
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise UpstreamError(f"{NAME} answered in an unexpected shape.") from error


def kelvin(value, units: str):
    return None if value is None else (rounded(value + 273.15, 2) if units == "standard" else rounded(value))


def conditions(values: dict, units: str) -> dict:
    """Map one Open-Meteo time step (current or hourly) into the common shape."""
    return {
        "temperature": kelvin(values.get("temperature_2m"), units),
        "feels_like": kelvin(values.get("apparent_temperature"), units),
        "conditions": wmo_conditions(values.get("weather_code")),
        "humidity": values.get("relative_humidity_2m"),
        "wind_speed": rounded(values.get("wind_speed_10m")),
        "wind_direction": values.get("wind_direction_10m"),
        "precipitation": rounded(values.get("precipitation"), 2),
    }


def day_summary(daily: dict, index: int, date: str, units: str) -> dict:
    def pick(field):
        series = daily.get(field) or []
        return series[index] if index < len(series) else None

    return {
        "date": date,
        "temperature_min": kelvin(pick("temperature_2m_min"), units),
        "temperature_max": kelvin(pick("temperature_2m_max"), units),
        "conditions": wmo_conditions(pick("weather_code")),
        "precipitation": rounded(pick("precipitation_sum"), 2),
        "precipitation_probability": pick("precipitation_probability_max"),
        "wind_speed_max": rounded(pick("wind_speed_10m_max")),
    }


def three_hourly(hourly: dict, offset: int, units: str) -> list[dict]:
    """Keep every third hour from the current 3-hour block on, as OpenWeather's 5 day / 3 hour forecast does."""
    now = datetime.now(UTC) + timedelta(seconds=offset)
    start = now.replace(hour=now.hour - now.hour % 3, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
    steps = []
    for index, time in enumerate(hourly["time"]):
        if time < start or int(time[11:13]) % 3:
            continue
        values = {field: series[index] for field, series in hourly.items() if field != "time"}
        step = {"time": with_offset(time, offset), **conditions(values, units)}
        step["precipitation_probability"] = values.get("precipitation_probability")
        steps.append(step)
    return steps


def with_offset(local: str, offset: int) -> str:
    """Turn Open-Meteo's local "2026-05-01T14:00" into ISO 8601 with the place's UTC offset."""
    naive = datetime.fromisoformat(local)
    utc = naive - timedelta(seconds=offset)
    return local_iso(int(utc.replace(tzinfo=UTC).timestamp()), offset)
