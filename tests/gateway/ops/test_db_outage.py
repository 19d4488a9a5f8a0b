"""A database outage is a 503 JSON answer with Retry-After, not a 500 page."""

import pytest
from django.db import connection
from django.test import Client


@pytest.fixture
def database_down(transactional_db):
    """Point the connection at a port nothing listens on; restore it afterwards."""
    connection.close()
    saved_port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict["PORT"] = saved_port


@pytest.mark.parametrize("url", ["/plugins/todo/todos/ann", "/plugins/todo/.well-known/ai-plugin.json"])
def test_plugin_calls_answer_503_while_the_database_is_down(database_down, url):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "database_unavailable"
