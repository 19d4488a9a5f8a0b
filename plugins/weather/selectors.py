"""Reads: resolve where the user means, then ask the configured provider, through the Django cache."""

import hashlib
import json
from dataclasses import dataclass

import httpx
from django.core.cache import cache
from rest_framework.exceptions import NotFound, ValidationError

from .conf import WeatherOptions, weather_options
from .providers import Place, WeatherProvider, provider_for
from .providers.base import UNITS, now_local
from .regions import region_place


@dataclass(frozen=True)
class Where:
    """What the user asked about: a name to geocode, or a place already known; `note` says how it was chosen."""

    query: str | None = None
    place: Place | None = None
    note: str | None = None


def where_resolve(*, place: str | None, lat: float | None, lon: float | None, region: str | None) -> Where:
    """Return the ask's place: the name, else the coordinates, else the capital of the user's region."""
    if place:
        return Where(query=" ".join(place.split()))
    if lat is not None and lon is not None:
        return Where(place=Place.at(lat, lon))
    if region is None:
        raise ValidationError({"place": "Give a place (city, optionally with a country) or lat and lon."})
    capital = region_place(region)
    if capital is None:
        raise ValidationError({"place": f"Give a place: the user's region {region} has no known main city."})
    note = f"No place was given: this is for {capital.name}, the capital of the user's region ({region})."
    return Where(place=capital, note=note)


def cache_key(options: WeatherOptions, *parts) -> str:
    # The upstream's URL is part of the key, so switching providers or servers never serves the other's answers.
    base = options.openweather_base_url if options.provider == "openweather" else options.openmeteo_base_url
    raw = json.dumps([options.provider, base, *parts], default=str)
    return f"weather:{hashlib.sha256(raw.encode()).hexdigest()}"


def place_geocode(*, provider: WeatherProvider, options: WeatherOptions, query: str) -> Place:
    """Return the place a name means (cached for a day, misses too), or raise NotFound."""
    key = cache_key(options, "geocode", options.openmeteo_geocoding_url, query.lower())
    hit = cache.get(key)
    if hit is None:
        found = provider.geocode(query=query)
        hit = {"place": found.as_dict() if found else None}
        cache.set(key, hit, options.geocode_cache_seconds)
    if hit["place"] is None:
        raise NotFound(f"No place called '{query}' was found; check the spelling or add a country, e.g. 'Paris, FR'.")
    return Place(**hit["place"])


def weather_answer(*, where: Where, units: str, kind: str, **extra) -> dict:
    """Return the provider's answer for the ask (cached per identical ask), plus units, provider and note."""
    options = weather_options()
    where_key = where.query.lower() if where.query else [where.place.latitude, where.place.longitude]
    key = cache_key(options, kind, where_key, units, extra)
    answer = cache.get(key)
    if answer is None:
        with httpx.Client() as client:
            provider = provider_for(options, client)
            place = where.place or place_geocode(provider=provider, options=options, query=where.query)
            data = getattr(provider, kind)(place=place, units=units, **extra)
        answer = {**data, "units": UNITS[units], "provider": provider.name}
        cache.set(key, answer, options.cache_seconds)
    # "Now" at the place is worked out per request, so a cached answer never reports a stale local time.
    rest = {key: value for key, value in answer.items() if key not in ("place", "utc_offset")}
    return {"place": answer["place"], "local_time": now_local(answer["utc_offset"]), **rest, "note": where.note}


def weather_current(*, where: Where, units: str) -> dict:
    """Return the current weather at the place."""
    return weather_answer(where=where, units=units, kind="current")


def weather_forecast(*, where: Where, units: str, days: int, hourly: bool) -> dict:
    """Return a daily summary for `days` days, with 3-hourly steps when `hourly`."""
    return weather_answer(where=where, units=units, kind="forecast", days=days, hourly=hourly)
