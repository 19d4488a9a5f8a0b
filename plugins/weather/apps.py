from gateway.api import PluginConfig


class WeatherConfig(PluginConfig):
    name = "plugins.weather"
    label = "weather"
    verbose_name = "Weather"

    slug = "weather"
    name_for_human = "Weather"
    name_for_model = "weather"
    description_for_human = "Current weather and a 5-day forecast for any place."
    description_for_model = (
        "Get the current weather and a daily forecast (up to 5 days) for a place given by name "
        "or by coordinates. Say which place and local time the answer is for."
    )
    scopes = {"weather": "Look up weather for places you ask about"}

    def ready(self):
        from . import checks  # noqa: F401 - registers the settings checks
        from .logs import install_key_redaction

        install_key_redaction()
