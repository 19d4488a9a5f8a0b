"""/openapi.json as a GPT Action imports it: OpenAPI 3.1, own host, OAuth URLs, Action limits."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "todo.localhost"}


def action_spec(client, **headers):
    response = client.get("/openapi.json", **{**HOST, **headers})
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    return document


def test_oauth_plugin_spec_carries_its_own_oauth_urls(client, plugin_row):
    plugin_row(auth_mode="oauth")
    document = action_spec(client)
    assert document["servers"] == [{"url": "http://todo.localhost"}]
    flow = document["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "http://todo.localhost/oauth/authorize"
    assert flow["tokenUrl"] == "http://todo.localhost/oauth/token"
    assert document["security"] == [{"oauth2": ["todos"]}]


def test_reads_are_not_consequential_and_deletes_are(client):
    operations = action_spec(client)["paths"]["/todos/{username}"]
    assert operations["get"]["x-openai-isConsequential"] is False
    assert operations["delete"]["x-openai-isConsequential"] is True
    assert "x-openai-isConsequential" not in operations["post"]


@pytest.mark.parametrize("slug", ["todo", "echo"])
def test_descriptions_fit_the_action_limits(client, slug):
    document = client.get(f"/plugins/{slug}/openapi.json").json()
    for operations in document["paths"].values():
        for operation in operations.values():
            assert 0 < len(operation["description"]) <= 300
            for parameter in operation.get("parameters", []):
                assert len(parameter.get("description", "")) <= 700


def test_privacy_policy_defaults_to_the_legal_page_and_can_be_set(client, plugin_row):
    assert action_spec(client)["info"]["x-privacy-policy-url"] == "http://todo.localhost/legal"
    assert client.get("/legal", **HOST).status_code == 200
    plugin_row(privacy_policy_url="https://example.com/privacy")
    assert action_spec(client)["info"]["x-privacy-policy-url"] == "https://example.com/privacy"
