"""The weather spec walked against its views with answers from the fake Open-Meteo: `link` (uri) and `date` checked."""

from tests.spec_walk import walk_spec


def test_every_documented_weather_operation_answers_as_its_spec_says(client, openmeteo):
    called = walk_spec(client, "/plugins/weather/", params={"place": "Lisbon", "hourly": "true"})
    assert sorted(called) == ["getCurrentWeather", "getForecast"]
    assert len(openmeteo.calls("/v1/forecast")) == 2  # both answers came from the fake, not an error path
