from .conftest import BASE

OPERATIONS = {
    "/players": "getPlayers",
    "/teams": "getTeams",
    "/games": "getGames",
    "/stats": "getStats",
    "/season_averages": "getSeasonAverages",
    "/players/{id}": "getPlayer",
    "/teams/{id}": "getTeam",
    "/games/{id}": "getGame",
}


def test_spec_has_the_seed_operations_with_short_descriptions(client, db):
    spec = client.get(f"{BASE}/openapi.json").json()
    found = {path: operations["get"]["operationId"] for path, operations in spec["paths"].items()}
    assert found == OPERATIONS
    for path, operations in spec["paths"].items():
        operation = operations["get"]
        assert 0 < len(operation["description"]) <= 200, path
        for parameter in operation.get("parameters", []):
            assert len(parameter.get("description", "")) <= 200, (path, parameter["name"])
        assert "400" in operation["responses"]
    for path in ("/players", "/games", "/stats", "/season_averages"):
        assert "markdown tables" in spec["paths"][path]["get"]["description"]
    games = {parameter["name"]: parameter for parameter in spec["paths"]["/games"]["get"]["parameters"]}
    assert set(games) >= {"limit", "seasons", "team_ids", "start_date", "end_date", "postseason", "page", "per_page"}
    assert games["team_ids"]["schema"]["type"] == "array"


def test_every_documented_operation_answers(client, db):
    spec = client.get(f"{BASE}/openapi.json").json()
    for path in spec["paths"]:
        query = "?player_ids=1" if path == "/season_averages" else ""
        response = client.get(BASE + path.replace("{id}", "1") + query)
        assert response.status_code in (200, 404), path
