from django.db import models

from gateway.api import PluginSettings


class Provider(models.TextChoices):
    AUTO = "", "Environment default (OpenWeather when a key is set, else Open-Meteo)"
    OPENMETEO = "openmeteo", "Open-Meteo (no key needed)"
    OPENWEATHER = "openweather", "OpenWeather (needs an API key)"


class WeatherSettings(PluginSettings):
    """The operator's weather settings: one row; a blank field falls back to the environment."""

    provider = models.CharField(max_length=20, choices=Provider.choices, blank=True)
    openweather_api_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="Stored as entered (the upstream needs it), never shown back in full.",
    )
    openweather_base_url = models.URLField(blank=True, help_text="Blank: OPENWEATHER_BASE_URL or the public API.")
    openmeteo_base_url = models.URLField(blank=True, help_text="Blank: OPENMETEO_BASE_URL or the public API.")
    openmeteo_geocoding_url = models.URLField(
        blank=True, help_text="Blank: OPENMETEO_GEOCODING_URL or the public geocoding API."
    )

    class Meta:
        verbose_name = "weather settings"
        verbose_name_plural = "weather settings"

    def __str__(self):
        return "Weather settings"

    @property
    def api_key_hint(self) -> str:
        """Return enough of the key for an operator to recognise it, never the key itself."""
        key = self.openweather_api_key
        if not key:
            return ""
        return f"{key[:4]}… ({len(key)} characters)" if len(key) > 8 else f"… ({len(key)} characters)"
