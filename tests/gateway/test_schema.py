"""Per-plugin OpenAPI: valid, own paths only, servers from the request, cached, walked against the views."""

import pytest
import yaml
from django.core.cache import cache
from openapi_spec_validator import validate

from plugins.todo.models import Todo
from plugins.todo.services import DEMO_TODOS, todo_demo_load
from tests.spec_walk import walk_spec

pytestmark = pytest.mark.django_db


def spec(client, path="/plugins/todo/openapi.json", **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.json() if path.endswith(".json") else yaml.safe_load(response.content)


@pytest.mark.parametrize("slug", ["todo", "sportstats", "weather", "echo"])
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_every_plugin_spec_validates_as_openapi_31(client, slug, fmt):
    document = spec(client, f"/plugins/{slug}/openapi.{fmt}")
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_yaml_is_served_as_yaml(client):
    assert client.get("/plugins/todo/openapi.yaml")["Content-Type"].startswith("application/yaml")


def test_the_spec_holds_only_the_plugins_own_paths(client):
    assert set(spec(client)["paths"]) == {"/todos/{username}"}
    assert set(spec(client, "/plugins/echo/openapi.json")["paths"]) == {"/echo/{word}"}


def test_todo_keeps_the_seed_operation_ids(client):
    operations = spec(client)["paths"]["/todos/{username}"]
    assert {method: op["operationId"] for method, op in operations.items()} == {
        "get": "getTodos",
        "post": "addTodo",
        "delete": "deleteTodo",
    }
    assert operations["delete"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TodoDeleteRequest"
    }


@pytest.mark.parametrize(
    ("path", "host", "server"),
    [
        ("/plugins/todo/openapi.json", "localhost:8000", "http://localhost:8000/plugins/todo"),
        ("/openapi.json", "todo.localhost:8000", "http://todo.localhost:8000"),
    ],
)
def test_servers_point_at_the_plugin_base_for_the_mode_used(client, path, host, server):
    assert spec(client, path, HTTP_HOST=host)["servers"] == [{"url": server}]


@pytest.mark.parametrize("slug", ["todo", "sportstats", "weather"])
def test_descriptions_fit_the_plugin_limits(client, slug):
    document = spec(client, f"/plugins/{slug}/openapi.json")
    for operations in document["paths"].values():
        for operation in operations.values():
            assert len(operation.get("description", "")) <= 200, operation["operationId"]
            for parameter in operation.get("parameters", []):
                assert len(parameter.get("description", "")) <= 200, parameter["name"]


def test_the_spec_is_generated_once_then_served_from_the_cache(client, plugin_row):
    first = client.get("/plugins/todo/openapi.json").content
    assert any(key.startswith(":1:gateway:schema:todo:") for key in cache._cache)
    assert client.get("/plugins/todo/openapi.json").content == first
    # An operator's change is a new version of the document, on the next request.
    plugin_row("todo", name_for_human="Renamed")
    assert spec(client)["info"]["title"] == "Renamed"


def test_spec_title_and_description_follow_the_operator_texts(client, plugin_row):
    plugin_row("todo", description_for_model="Custom model text.")
    info = spec(client)["info"]
    assert info == {
        "title": "TODO List",
        "description": "Custom model text.",
        "version": "1.0.0",
        "x-privacy-policy-url": "http://testserver/plugins/todo/legal",
    }


def test_every_documented_todo_operation_behaves_as_documented(client):
    todo_demo_load()  # the walk reads a list that has items
    called = walk_spec(client, "/plugins/todo/", params={"username": "global"})
    assert sorted(called) == ["addTodo", "deleteTodo", "getTodos"]
    # In spec order: read the demo list, add one, delete index 0 (the first demo todo).
    assert list(Todo.objects.filter(username="global").order_by("id").values_list("text", flat=True)) == [
        *DEMO_TODOS[1:],
        "walker",
    ]


def test_the_walk_holds_in_service_mode_without_a_key(client, plugin_row):
    plugin_row("todo", auth_mode="service_http")
    assert sorted(walk_spec(client, "/plugins/todo/")) == ["addTodo", "deleteTodo", "getTodos"]


def test_the_test_only_plugin_is_served_without_any_gateway_edit(client):
    assert walk_spec(client, "/plugins/echo/") == ["echo"]
    assert client.get("/echo/hello", HTTP_HOST="echo.localhost").json() == {"echo": "hello"}
