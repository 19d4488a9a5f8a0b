"""Configuration mistakes are reported by `manage.py check`, not as 500s later."""

from plugins.weather.checks import check_weather_settings


def test_valid_settings_pass(settings):
    settings.WEATHER_PROVIDER = "openmeteo"
    settings.WEATHER_UPSTREAM_TIMEOUT = "2.5"

    assert check_weather_settings() == []


def test_unknown_provider_and_bad_timeout_are_errors(settings):
    settings.WEATHER_PROVIDER = "weatherly"
    settings.WEATHER_UPSTREAM_TIMEOUT = "soon"
    settings.WEATHER_CACHE_SECONDS = "0"

    errors = check_weather_settings()

    assert [error.id for error in errors] == ["weather.E001", "weather.E002", "weather.E002"]
    assert "weatherly" in errors[0].msg
