"""OpenWeather: Geocoding API, current weather and the 5 day / 3 hour forecast (needs an API key)."""

from collections import defaultdict

import httpx
from rest_framework.exceptions import NotFound

from gateway.api import UpstreamError

from ..conf import WeatherOptions
from .base import Budget, Place, local_iso, rounded

NAME = "OpenWeather"
KEY_REFUSED = (
    "OpenWeather refused the API key (HTTP 401). The gateway operator must set a valid key "
    "(admin: Weather settings, or OPENWEATHER_API_KEY)."
)
MM_PER_INCH = 25.4


class OpenWeather:
    name = "openweather"

    def __init__(self, options: WeatherOptions, client: httpx.Client):
        self.options = options
        self.client = client
        self.budget = Budget(options.timeout, NAME)

    def get(self, path: str, params: dict):
        if not self.options.openweather_api_key:
            raise UpstreamError(
                "OpenWeather is selected but no API key is configured; the gateway operator must set one."
            )
        params = {**params, "appid": self.options.openweather_api_key}
        status, body = self.budget.get_json(self.client, f"{self.options.openweather_base_url}{path}", params=params)
        if status == 401:
            raise UpstreamError(KEY_REFUSED)
        if status == 404:
            raise NotFound("OpenWeather has no weather for this place.")
        if status != 200:
            # The key is never part of OpenWeather's error messages, but keep only the status to be sure.
            raise UpstreamError(f"OpenWeather refused the request (HTTP {status}).")
        return body

    def geocode(self, *, query: str) -> Place | None:
        # OpenWeather takes "city,state,country" with ISO codes; pass the user's words with tidied commas.
        q = ",".join(part.strip() for part in query.split(",") if part.strip())
        hits = self.get("/geo/1.0/direct", {"q": q, "limit": 1})
        if not isinstance(hits, list):
            raise UpstreamError("OpenWeather geocoding answered in an unexpected shape.")
        if not hits:
            return None
        try:
            hit = hits[0]
            return Place(
                name=hit["name"],
                latitude=float(hit["lat"]),
                longitude=float(hit["lon"]),
                country=hit.get("country"),
                region=hit.get("state"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise UpstreamError("OpenWeather geocoding answered in an unexpected shape.") from error

    def weather_params(self, place: Place, units: str) -> dict:
        return {"lat": place.latitude, "lon": place.longitude, "units": units}

    def current(self, *, place: Place, units: str) -> dict:
        body = self.get("/data/2.5/weather", self.weather_params(place, units))
        try:
            offset = int(body["timezone"])
            if place.country is None and body.get("name"):
                # Known only by coordinates: OpenWeather names the nearest place, which helps the reader.
                place = Place(body["name"], place.latitude, place.longitude, (body.get("sys") or {}).get("country"))
            step = conditions(body, units, rain_window="1h")
            return {
                "place": place.as_dict(),
                "utc_offset": offset,
                "current": {"observed_at": local_iso(int(body["dt"]), offset), **step},
            }
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UpstreamError(f"{NAME} answered in an unexpected shape.") from error

    def forecast(self, *, place: Place, units: str, days: int, hourly: bool) -> dict:
        body = self.get("/data/2.5/forecast", self.weather_params(place, units))
        try:
            offset = int(body["city"]["timezone"])
            steps = []
            for item in body["list"]:
                step = {"time": local_iso(int(item["dt"]), offset), **conditions(item, units, rain_window="3h")}
                step["precipitation_probability"] = round(float(item.get("pop", 0)) * 100)
                steps.append(step)
            by_date = defaultdict(list)
            for step in steps:
                by_date[step["time"][:10]].append(step)
            dates = sorted(by_date)[:days]
            return {
                "place": place.as_dict(),
                "utc_offset": offset,
                "days": [day_summary(date, by_date[date], units) for date in dates],
                "hourly": [step for step in steps if step["time"][:10] in dates] if hourly else None,
            }
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UpstreamError(f"{NAME} answered in an unexpected shape.") from error


def conditions(item: dict, units: str, *, rain_window: str) -> dict:
    """Map one OpenWeather time step into the common shape (wind in km/h for metric, rain in inches for imperial)."""
    main, wind = item["main"], item.get("wind") or {}
    speed = wind.get("speed")
    if speed is not None and units == "metric":
        speed = float(speed) * 3.6  # OpenWeather's metric wind is m/s
    precipitation = sum(float((item.get(kind) or {}).get(rain_window, 0)) for kind in ("rain", "snow"))
    if units == "imperial":
        precipitation /= MM_PER_INCH  # OpenWeather reports rain and snow in mm whatever the units
    weather = item.get("weather") or [{}]
    return {
        "temperature": rounded(main.get("temp"), 2 if units == "standard" else 1),
        "feels_like": rounded(main.get("feels_like"), 2 if units == "standard" else 1),
        "conditions": weather[0].get("description"),
        "humidity": main.get("humidity"),
        "wind_speed": rounded(speed),
        "wind_direction": wind.get("deg"),
        "precipitation": round(precipitation, 2),
    }


def day_summary(date: str, steps: list[dict], units: str) -> dict:
    """Summarise one local day of 3-hour steps; the conditions are those nearest midday."""
    midday = min(steps, key=lambda step: abs(int(step["time"][11:13]) - 12))
    return {
        "date": date,
        "temperature_min": min(step["temperature"] for step in steps),
        "temperature_max": max(step["temperature"] for step in steps),
        "conditions": midday["conditions"],
        "precipitation": round(sum(step["precipitation"] for step in steps), 2),
        "precipitation_probability": max(step["precipitation_probability"] for step in steps),
        "wind_speed_max": max(step["wind_speed"] or 0 for step in steps),
    }
