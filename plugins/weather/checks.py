"""System checks for the weather plugin's environment settings (weather.E001...)."""

from django.core.checks import Error, register

from .conf import setting
from .models import Provider


@register()
def check_weather_settings(app_configs=None, **kwargs):
    errors = []
    provider = setting("WEATHER_PROVIDER").lower()
    if provider not in (choice.value for choice in Provider):
        errors.append(
            Error(
                f"WEATHER_PROVIDER is '{provider}'.",
                hint="Use openmeteo, openweather, or leave it unset (OpenWeather when a key is set).",
                id="weather.E001",
            )
        )
    for name in ("WEATHER_UPSTREAM_TIMEOUT", "WEATHER_CACHE_SECONDS", "WEATHER_GEOCODE_CACHE_SECONDS"):
        try:
            valid = float(setting(name)) > 0
        except ValueError:
            valid = False
        if not valid:
            errors.append(Error(f"{name} must be a positive number of seconds.", id="weather.E002"))
    return errors
