"""The operator's settings row: the key is stored, used, and never shown back in full."""

import pytest

from plugins.weather.models import WeatherSettings

KEY = "sk-weather-0123456789abcdef"
URL = "/admin/weather/weathersettings/"


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("operator", "op@example.com", "pw")
    client.force_login(user)
    return client


def form(**fields) -> dict:
    return {
        "provider": "",
        "openweather_api_key": "",
        "openweather_base_url": "",
        "openmeteo_base_url": "",
        "openmeteo_geocoding_url": "",
        **fields,
    }


def test_add_then_change_keeps_the_key_out_of_the_page(operator):
    response = operator.post(f"{URL}add/", form(provider="openweather", openweather_api_key=KEY))
    assert response.status_code == 302
    row = WeatherSettings.objects.get()
    assert row.openweather_api_key == KEY

    change = operator.get(f"{URL}{row.pk}/change/")
    listing = operator.get(URL)

    assert change.status_code == listing.status_code == 200
    for page in (change, listing):
        assert KEY not in page.content.decode()
        assert KEY[8:] not in page.content.decode()
    assert "sk-w… (27 characters)" in change.content.decode()


def test_blank_key_keeps_the_stored_one_and_clear_removes_it(operator):
    row = WeatherSettings.objects.create(provider="openweather", openweather_api_key=KEY)

    operator.post(f"{URL}{row.pk}/change/", form(provider="openmeteo"))
    row.refresh_from_db()
    assert (row.provider, row.openweather_api_key) == ("openmeteo", KEY)

    operator.post(f"{URL}{row.pk}/change/", form(clear_api_key="on"))
    row.refresh_from_db()
    assert row.openweather_api_key == ""


def test_only_one_row(operator):
    WeatherSettings.objects.create()

    assert operator.get(f"{URL}add/").status_code == 403
    WeatherSettings(provider="openmeteo").save()
    assert WeatherSettings.objects.count() == 1
