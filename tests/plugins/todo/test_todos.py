"""The TODO plugin's contract: getTodos, addTodo, deleteTodo on /todos/{username}."""

import json

import pytest

from plugins.todo.models import Todo

pytestmark = pytest.mark.django_db
URL = "/plugins/todo/todos/{}"


@pytest.fixture
def add(client):
    def add(text, username="ann"):
        response = client.post(URL.format(username), {"todo": text}, content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()

    return add


def listed(client, username="ann"):
    response = client.get(URL.format(username))
    assert response.status_code == 200
    return response.json()["todos"]


def delete(client, body, username="ann"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.delete(URL.format(username), data, content_type="application/json")


def test_an_unknown_user_has_an_empty_list(client):
    assert client.get(URL.format("nobody")).json() == {"todos": []}


def test_todos_come_back_in_insertion_order(client, add):
    assert add("first") == {"status": "success", "todo": "first"}
    add("second")
    add("third")
    assert listed(client) == ["first", "second", "third"]


def test_lists_are_per_username(client, add):
    add("ann's", username="ann")
    add("bob's", username="bob")
    assert listed(client, "ann") == ["ann's"]
    assert listed(client, "bob") == ["bob's"]


def test_delete_by_index_removes_that_item(client, add):
    for text in ["a", "b", "c"]:
        add(text)
    response = delete(client, {"todo_idx": 1})
    assert response.status_code == 200
    assert response.json() == {"status": "success", "deleted": "b"}
    assert listed(client) == ["a", "c"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "JSON parse error"),
        ("[1, 2]", "Expected a dictionary"),
        ({}, "todo: This field is required."),
        ({"todo": ""}, "todo: This field may not be blank."),
        ({"todo": None}, "todo: This field may not be null."),
        ({"todo": 42}, "todo: Must be a string."),
        ({"todo": ["a"]}, "todo: Must be a string."),
        ({"todo": "x" * 1001}, "todo: Ensure this field has no more than 1000 characters."),
    ],
)
def test_bad_add_is_400_naming_the_problem_and_changes_nothing(client, add, body, field):
    add("keep")
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(URL.format("ann"), data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["message"]
    assert listed(client) == ["keep"]


def test_the_longest_allowed_todo_is_kept_whole(client, add):
    add("x" * 1000)
    assert listed(client) == ["x" * 1000]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "JSON parse error"),
        ({}, "todo_idx: This field is required."),
        ({"todo_idx": "0"}, "todo_idx: Must be a JSON integer."),
        ({"todo_idx": 0.5}, "todo_idx: Must be a JSON integer."),
        ({"todo_idx": True}, "todo_idx: Must be a JSON integer."),
        ({"todo_idx": None}, "todo_idx: This field may not be null."),
        ({"todo_idx": -1}, "todo_idx: Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_delete_is_400_naming_the_problem_and_changes_nothing(client, add, body, field):
    add("keep")
    response = delete(client, body)
    assert response.status_code == 400
    assert field in response.json()["error"]["message"]
    assert listed(client) == ["keep"]


def test_out_of_range_delete_is_404_and_changes_nothing(client, add):
    add("keep")
    response = delete(client, {"todo_idx": 1})
    assert response.status_code == 404
    assert "out of range" in response.json()["error"]["message"]
    assert listed(client) == ["keep"]


def test_delete_for_an_unknown_user_is_404(client):
    response = delete(client, {"todo_idx": 0}, username="ghost")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "This user has no todos."


@pytest.mark.parametrize("username", ["a" * 151, "bad name", "semi;colon"])
def test_a_bad_username_is_400(client, username):
    response = client.post(URL.format(username), {"todo": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("username:")
    assert not Todo.objects.exists()


def test_unsupported_method_is_405_json(client):
    response = client.put(URL.format("ann"), {"todo": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_add_and_delete_cost_fixed_queries_whatever_the_list_length(client, add, django_assert_num_queries):
    for index in range(30):
        add(f"item {index}")
    # The plugin's settings row, then the INSERT.
    with django_assert_num_queries(2):
        assert add("one more")["status"] == "success"
    # The settings row; then, in one transaction (a savepoint here, inside the test's): the owner's
    # row ids locked in order, the row at the index read, its DELETE, the savepoint released.
    with django_assert_num_queries(6):
        response = client.delete(URL.format("ann"), {"todo_idx": 3}, content_type="application/json")
    assert response.status_code == 200 and response.json()["deleted"] == "item 3"
    assert len(client.get(URL.format("ann")).json()["todos"]) == 30


def test_get_todos_costs_two_queries_whatever_the_list_length(client, add, django_assert_num_queries):
    for index in range(30):
        add(f"item {index}")
    # One to find the plugin's settings row, one for the list.
    with django_assert_num_queries(2):
        assert len(client.get(URL.format("ann")).json()["todos"]) == 30
