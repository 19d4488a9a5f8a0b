"""Identical asks within the cache time make one upstream call; geocoding is kept longer."""

import time
from datetime import UTC, datetime, timedelta

from .conftest import LISBON_OFFSET

CURRENT = "/plugins/weather/current"
FORECAST = "/plugins/weather/forecast"


def test_identical_asks_make_one_upstream_call(client, openmeteo):
    first = client.get(CURRENT, {"place": "Lisbon"})
    second = client.get(CURRENT, {"place": "  lisbon "})

    assert first.status_code == second.status_code == 200
    assert first.json()["current"] == second.json()["current"]
    assert len(openmeteo.calls("/v1/search")) == 1
    assert len(openmeteo.calls("/v1/forecast")) == 1


def test_other_units_or_operation_reuse_the_geocoding_only(client, openmeteo):
    client.get(CURRENT, {"place": "Lisbon"})
    client.get(CURRENT, {"place": "Lisbon", "units": "imperial"})
    client.get(FORECAST, {"place": "Lisbon"})
    client.get(FORECAST, {"place": "Lisbon"})
    client.get(FORECAST, {"place": "Lisbon", "days": "2"})

    assert len(openmeteo.calls("/v1/search")) == 1
    assert len(openmeteo.calls("/v1/forecast")) == 4


def test_answers_expire_before_geocoding(client, openmeteo, settings):
    settings.WEATHER_CACHE_SECONDS = 1
    client.get(CURRENT, {"place": "Lisbon"})
    time.sleep(1.1)

    assert client.get(CURRENT, {"place": "Lisbon"}).status_code == 200

    assert len(openmeteo.calls("/v1/forecast")) == 2
    assert len(openmeteo.calls("/v1/search")) == 1


def test_unknown_places_are_remembered_too(client, openmeteo):
    assert client.get(CURRENT, {"place": "Atlantis"}).status_code == 404
    assert client.get(CURRENT, {"place": "Atlantis"}).status_code == 404

    assert len(openmeteo.calls("/v1/search")) == 1


def test_errors_are_not_cached(client, openmeteo):
    forecast = openmeteo.routes["/v1/forecast"]
    openmeteo.route("/v1/forecast", lambda query: (500, {"error": True, "reason": "down"}, {}))
    assert client.get(CURRENT, {"place": "Lisbon"}).status_code == 502
    openmeteo.route("/v1/forecast", forecast)

    assert client.get(CURRENT, {"place": "Lisbon"}).status_code == 200


def test_local_time_is_now_at_the_place_even_from_the_cache(client, openweather):
    answers = [client.get(CURRENT, {"place": "Lisbon"}).json() for _ in range(2)]

    assert len(openweather.calls("/data/2.5/weather")) == 1
    now = datetime.now(UTC) + timedelta(seconds=LISBON_OFFSET)
    expected = {(now - timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M+01:00") for n in range(2)}
    for answer in answers:
        assert answer["local_time"] in expected


def test_each_operation_costs_two_queries_cold_or_cached(client, openmeteo, django_assert_num_queries):
    # The gateway's plugin row and the weather settings row (both from Redis in production, from the
    # database here); the places and forecasts themselves come from the cache or the upstream.
    for path in (CURRENT, FORECAST, CURRENT, FORECAST):
        with django_assert_num_queries(2):
            assert client.get(path, {"place": "Lisbon"}).status_code == 200
