"""Where the weather plugin's settings come from: the admin row, else Django settings, else the environment."""

from dataclasses import dataclass

from gateway.api import deployment_setting

from .models import Provider, WeatherSettings

DEFAULTS = {
    "WEATHER_PROVIDER": "",
    "OPENWEATHER_API_KEY": "",
    "OPENWEATHER_BASE_URL": "https://api.openweathermap.org",
    "OPENMETEO_BASE_URL": "https://api.open-meteo.com",
    "OPENMETEO_GEOCODING_URL": "https://geocoding-api.open-meteo.com",
    "WEATHER_UPSTREAM_TIMEOUT": "8",
    "WEATHER_CACHE_SECONDS": "600",
    "WEATHER_GEOCODE_CACHE_SECONDS": "86400",
}


@dataclass(frozen=True)
class WeatherOptions:
    provider: str
    openweather_api_key: str
    openweather_base_url: str
    openmeteo_base_url: str
    openmeteo_geocoding_url: str
    # One budget for every upstream call an answer needs, so geocoding + forecast stay within it together.
    timeout: float
    cache_seconds: int
    geocode_cache_seconds: int

    def __repr__(self):
        # Keep the key out of tracebacks and debug logs.
        return f"WeatherOptions(provider={self.provider!r}, key={'set' if self.openweather_api_key else 'unset'})"


def setting(name: str) -> str:
    """Read one deployment setting at call time (Django setting, else environment, else the default)."""
    return deployment_setting(name, DEFAULTS[name])


def weather_options() -> WeatherOptions:
    """Return the settings in force for this request (the admin row wins over the environment)."""
    row = WeatherSettings.objects.load()
    key = row.openweather_api_key.strip() or setting("OPENWEATHER_API_KEY")
    provider = (row.provider or setting("WEATHER_PROVIDER")).lower()
    if provider not in (Provider.OPENMETEO, Provider.OPENWEATHER):
        provider = Provider.OPENWEATHER if key else Provider.OPENMETEO
    return WeatherOptions(
        provider=provider,
        openweather_api_key=key,
        openweather_base_url=(row.openweather_base_url or setting("OPENWEATHER_BASE_URL")).rstrip("/"),
        openmeteo_base_url=(row.openmeteo_base_url or setting("OPENMETEO_BASE_URL")).rstrip("/"),
        openmeteo_geocoding_url=(row.openmeteo_geocoding_url or setting("OPENMETEO_GEOCODING_URL")).rstrip("/"),
        timeout=float(setting("WEATHER_UPSTREAM_TIMEOUT")),
        cache_seconds=int(setting("WEATHER_CACHE_SECONDS")),
        geocode_cache_seconds=int(setting("WEATHER_GEOCODE_CACHE_SECONDS")),
    )
