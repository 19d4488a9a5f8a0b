"""The platform's openai-subdivision-1-iso-code header stands in for a missing place."""

CURRENT = "/plugins/weather/current"
FORECAST = "/plugins/weather/forecast"


def test_header_without_place_answers_for_the_region_and_says_so(client, openmeteo):
    response = client.get(CURRENT, headers={"openai-subdivision-1-iso-code": "US-CA"})

    assert response.status_code == 200
    body = response.json()
    assert body["place"]["name"] == "Sacramento"
    assert body["place"]["region"] == "California" and body["place"]["country"] == "US"
    assert "US-CA" in body["note"] and "Sacramento" in body["note"]
    assert openmeteo.calls("/v1/search") == []  # the table holds the coordinates
    assert openmeteo.calls("/v1/forecast")[0]["query"]["latitude"] == ["38.58"]


def test_header_is_read_case_insensitively_for_the_forecast(client, openmeteo):
    response = client.get(FORECAST, {"days": "1"}, headers={"openai-subdivision-1-iso-code": "gb-sct"})

    assert response.status_code == 200
    assert response.json()["place"]["name"] == "Edinburgh"


def test_a_given_place_wins_over_the_header(client, openmeteo):
    response = client.get(CURRENT, {"place": "Lisbon"}, headers={"openai-subdivision-1-iso-code": "US-CA"})

    assert response.status_code == 200
    assert response.json()["place"]["name"] == "Lisbon"
    assert response.json()["note"] is None


def test_unknown_region_asks_for_a_place(client, openmeteo):
    response = client.get(CURRENT, headers={"openai-subdivision-1-iso-code": "ZZ-QQ"})

    assert response.status_code == 400
    assert "ZZ-QQ" in response.json()["error"]["message"]
    assert openmeteo.requests == []


def test_malformed_header_counts_as_absent(client, openmeteo):
    response = client.get(CURRENT, headers={"openai-subdivision-1-iso-code": "<script>"})

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("place: Give a place")
