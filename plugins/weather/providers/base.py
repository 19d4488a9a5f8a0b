"""The provider interface, the one answer shape both providers map into, and the shared upstream budget."""

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

import httpx

from gateway.api import UpstreamTimeout, upstream_get_json

# What each `units` value means in every answer, whichever provider answered.
UNITS = {
    "metric": {"temperature": "°C", "wind_speed": "km/h", "precipitation": "mm"},
    "imperial": {"temperature": "°F", "wind_speed": "mph", "precipitation": "in"},
    "standard": {"temperature": "K", "wind_speed": "m/s", "precipitation": "mm"},
}


@dataclass(frozen=True)
class Place:
    """A resolved place; `name` is a label such as "Lisbon" (or the coordinates when none is known)."""

    name: str
    latitude: float
    longitude: float
    country: str | None = None  # ISO 3166-1 alpha-2, e.g. "PT"
    region: str | None = None  # state, province or similar

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def at(cls, latitude: float, longitude: float) -> "Place":
        """Return a place known only by its coordinates."""
        return cls(name=f"{latitude:.4f}, {longitude:.4f}", latitude=latitude, longitude=longitude)


class WeatherProvider(Protocol):
    name: str

    def geocode(self, *, query: str) -> Place | None:
        """Return the best match for "City" or "City, Country", or None."""

    def current(self, *, place: Place, units: str) -> dict:
        """Return {"place", "utc_offset", "current"} in the common shape (utc_offset in seconds)."""

    def forecast(self, *, place: Place, units: str, days: int, hourly: bool) -> dict:
        """Return {"place", "utc_offset", "days", "hourly"} in the common shape."""


class Budget:
    """One time budget shared by the upstream calls of one answer (each call gets what is left)."""

    def __init__(self, seconds: float, name: str):
        self.name = name
        self.deadline = time.monotonic() + seconds

    def get_json(self, client: httpx.Client, url: str, *, params: dict):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise UpstreamTimeout(f"{self.name} did not answer in time; try again later.")
        client.timeout = httpx.Timeout(left, connect=min(3.0, left))
        return upstream_get_json(client, url, params=params, name=self.name)


def local_iso(utc_seconds: int, offset_seconds: int) -> str:
    """Return a UTC timestamp as local ISO 8601 time with its offset, e.g. 2026-05-01T14:00:00+01:00."""
    zone = timezone(timedelta(seconds=offset_seconds))
    return datetime.fromtimestamp(utc_seconds, tz=UTC).astimezone(zone).isoformat(timespec="minutes")


def now_local(offset_seconds: int) -> str:
    """Return the local time now at a place with this UTC offset."""
    return local_iso(int(time.time()), offset_seconds)


def rounded(value, digits: int = 1):
    return None if value is None else round(float(value), digits)
