"""Weather providers behind one small interface; `provider_for` picks the one the settings name."""

import httpx

from ..conf import WeatherOptions
from ..models import Provider
from .base import Place, WeatherProvider
from .openmeteo import OpenMeteo
from .openweather import OpenWeather

__all__ = ["Place", "WeatherProvider", "provider_for"]


def provider_for(options: WeatherOptions, client: httpx.Client) -> WeatherProvider:
    """Return the provider the options select, calling out through `client` (one per answer)."""
    if options.provider == Provider.OPENWEATHER:
        return OpenWeather(options, client)
    return OpenMeteo(options, client)
