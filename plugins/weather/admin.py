from django import forms
from django.contrib import admin

from gateway.api import PluginSettingsAdmin

from .models import WeatherSettings


class WeatherSettingsForm(forms.ModelForm):
    # The stored key is never rendered back into the page; leaving the field blank keeps it.
    openweather_api_key = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        label="OpenWeather API key",
        help_text="Leave blank to keep the current key. Blank everywhere: OPENWEATHER_API_KEY from the environment.",
    )
    clear_api_key = forms.BooleanField(required=False, label="Remove the stored key")
    # Declared here to accept host names without a scheme as https (Django 6's default).
    openweather_base_url = forms.URLField(required=False, assume_scheme="https", help_text="Blank: the environment.")
    openmeteo_base_url = forms.URLField(required=False, assume_scheme="https", help_text="Blank: the environment.")
    openmeteo_geocoding_url = forms.URLField(required=False, assume_scheme="https", help_text="Blank: the environment.")

    class Meta:
        model = WeatherSettings
        fields = [
            "provider",
            "openweather_api_key",
            "openweather_base_url",
            "openmeteo_base_url",
            "openmeteo_geocoding_url",
        ]

    def clean_openweather_api_key(self):
        key = self.cleaned_data["openweather_api_key"].strip()
        return key or self.instance.openweather_api_key

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_api_key"):
            cleaned["openweather_api_key"] = ""
        return cleaned


@admin.register(WeatherSettings)
class WeatherSettingsAdmin(PluginSettingsAdmin):
    form = WeatherSettingsForm
    list_display = ["__str__", "provider", "api_key", "updated_at"]
    readonly_fields = ["api_key", "updated_at"]
    fields = [
        "provider",
        "api_key",
        "openweather_api_key",
        "clear_api_key",
        "openweather_base_url",
        "openmeteo_base_url",
        "openmeteo_geocoding_url",
        "updated_at",
    ]

    @admin.display(description="Stored key")
    def api_key(self, obj):
        return obj.api_key_hint or "none (the environment's OPENWEATHER_API_KEY applies, if set)"
