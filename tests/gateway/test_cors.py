import pytest

pytestmark = pytest.mark.django_db


def preflight(client, path, origin, host="localhost"):
    return client.options(
        path,
        HTTP_HOST=host,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@pytest.mark.parametrize("origin", ["https://chat.openai.com", "https://chatgpt.com"])
@pytest.mark.parametrize(("path", "host"), [("/plugins/todo/todos/ann", "localhost"), ("/todos/ann", "todo.localhost")])
def test_platform_origins_may_call_plugin_urls(client, origin, path, host):
    response = preflight(client, path, origin, host)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_manifest_fetch_carries_the_cors_header(client):
    response = client.get("/plugins/todo/.well-known/ai-plugin.json", HTTP_ORIGIN="https://chatgpt.com")
    assert response["Access-Control-Allow-Origin"] == "https://chatgpt.com"


def test_other_origins_get_no_cors_header(client):
    assert "Access-Control-Allow-Origin" not in preflight(client, "/plugins/todo/todos/ann", "https://evil.example")


def test_gateway_pages_are_not_cors_enabled(client):
    response = client.get("/", HTTP_ORIGIN="https://chatgpt.com")
    assert "Access-Control-Allow-Origin" not in response


MCP_HEADERS = ("mcp-protocol-version", "mcp-method", "mcp-name", "mcp-session-id", "last-event-id")


@pytest.mark.parametrize(("path", "host"), [("/plugins/todo/mcp", "localhost"), ("/mcp", "todo.localhost")])
def test_a_browser_may_send_the_mcp_headers(client, path, host):
    response = client.options(
        path,
        HTTP_HOST=host,
        HTTP_ORIGIN="https://chatgpt.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=f"authorization,content-type,{','.join(MCP_HEADERS)}",
    )
    assert response.status_code == 200
    allowed = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", *MCP_HEADERS} <= allowed


def test_browser_code_may_read_the_challenge_of_a_401_from_mcp(client, plugin_row):
    plugin_row("todo", auth_mode="oauth")
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    response = client.post(
        "/plugins/todo/mcp", ping, content_type="application/json", HTTP_ORIGIN="https://chatgpt.com"
    )
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "https://chatgpt.com"
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"www-authenticate", "mcp-session-id"} <= exposed
    assert "resource_metadata=" in response["WWW-Authenticate"]
