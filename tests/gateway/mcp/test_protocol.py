"""The /mcp transport rules, checked on the wire: versions, headers, Origin, methods, host mode."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/plugins/todo/mcp"


def rpc(client, method, params=None, *, message_id=1, url=URL, **headers):
    body = {"jsonrpc": "2.0", "method": method}
    if message_id is not None:
        body["id"] = message_id
    if params is not None:
        body["params"] = params
    return client.post(url, body, content_type="application/json", headers=headers)


def initialize(client, version, **headers):
    params = {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    return rpc(client, "initialize", params, **headers)


@pytest.mark.parametrize("version", ["2025-06-18", "2025-11-25"])
def test_initialize_answers_the_clients_revision(client, version):
    response = initialize(client, version)
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["protocolVersion"] == version
    assert result["serverInfo"] == {"name": "todo", "title": "TODO List", "version": "1.0.0"}
    assert result["capabilities"]["tools"] == {"listChanged": False}
    assert "username" in result["instructions"]


def test_initialize_with_an_unknown_revision_offers_the_newest(client):
    assert initialize(client, "2099-01-01").json()["result"]["protocolVersion"] == "2025-11-25"


def test_unknown_protocol_version_header_is_400(client):
    response = rpc(client, "tools/list", headers={}, **{"MCP-Protocol-Version": "1999-01-01"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == -32022
    assert "2025-06-18" in error["data"]["supported"]


def test_ping_and_tools_list_on_2025_06_18(client):
    assert rpc(client, "ping", **{"MCP-Protocol-Version": "2025-06-18"}).json()["result"] == {}
    tools = rpc(client, "tools/list", **{"MCP-Protocol-Version": "2025-06-18"}).json()["result"]["tools"]
    get_todos = next(tool for tool in tools if tool["name"] == "getTodos")
    assert get_todos["annotations"]["readOnlyHint"] is True
    assert get_todos["inputSchema"]["properties"]["username"]["type"] == "string"


def test_modern_request_must_match_its_headers(client):
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    ok = rpc(
        client, "tools/list", {"_meta": meta}, **{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"}
    )
    assert ok.status_code == 200
    assert ok.json()["result"]["resultType"] == "complete"
    mismatch = rpc(
        client, "tools/list", {"_meta": meta}, **{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call"}
    )
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["code"] == -32020


def test_unknown_method(client):
    response = rpc(client, "resources/list", **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.json()["error"]["code"] == -32601


def test_notification_is_accepted_without_a_body(client):
    response = rpc(client, "notifications/initialized", message_id=None, **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.status_code == 202
    assert response.content == b""


def test_get_is_405(client):
    response = client.get(URL, headers={"Accept": "text/event-stream"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_foreign_origin_is_refused(client):
    assert initialize(client, "2025-11-25", Origin="https://evil.example").status_code == 403
    assert initialize(client, "2025-11-25", Origin="http://testserver").status_code == 200
    assert initialize(client, "2025-11-25", Origin="https://chatgpt.com").status_code == 200


def test_malformed_body_is_a_parse_error(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700


def test_invalid_params_name_the_field(client):
    response = rpc(client, "tools/call", {"arguments": {}}, **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.json()["error"]["code"] == -32602
    assert "name" in response.json()["error"]["message"]


def test_host_mode_serves_the_same_tools(client):
    response = rpc(
        client,
        "tools/call",
        {"name": "addTodo", "arguments": {"username": "hz", "todo": "x"}},
        url="/mcp",
        HOST="todo.localhost",
        **{"MCP-Protocol-Version": "2025-11-25"},
    )
    assert response.status_code == 200
    assert response.json()["result"]["structuredContent"] == {"status": "success", "todo": "x"}
    listed = client.get("/plugins/todo/todos/hz")
    assert listed.json() == {"todos": ["x"]}


def test_service_mode_challenges_without_a_key(client, plugin_row):
    plugin_row(auth_mode="service_http")
    response = initialize(client, "2025-11-25")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_tool_call_keeps_the_owner_rules(client):
    response = rpc(
        client,
        "tools/call",
        {"name": "getTodos", "arguments": {"username": "bad name!"}},
        **{"MCP-Protocol-Version": "2025-11-25"},
    )
    result = response.json()["result"]
    assert result["isError"] is True
    assert result["content"][0]["text"].startswith("username:")


def test_home_page_lists_mcp_and_action_urls_with_the_auth_mode(client, plugin_row):
    plugin_row(auth_mode="oauth")
    page = client.get("/", HTTP_HOST="localhost:8000").content.decode()
    assert "http://localhost:8000/plugins/todo/mcp" in page
    assert "http://localhost:8000/plugins/todo/openapi.json" in page
    assert "OAuth (users sign in and approve)" in page


@pytest.mark.parametrize("message_id", [{"a": 1}, [1], True])
def test_a_request_id_that_is_no_string_or_number_is_an_invalid_request(client, message_id):
    response = rpc(client, "tools/list", message_id=message_id, **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600


MODERN = "2026-07-28"
MODERN_META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}


def modern(client, method, params=None, *, meta=MODERN_META, **headers):
    """POST a 2026-07-28 request: `_meta` in the params, the version and method in headers."""
    params = {**(params or {}), "_meta": meta}
    return rpc(client, method, params, **{"MCP-Protocol-Version": MODERN, "Mcp-Method": method, **headers})


def test_discover_names_both_revisions_and_a_schema_valid_server_info(client):
    response = modern(client, "server/discover")
    assert response.status_code == 200
    result = response.json()["result"]
    assert {"2025-11-25", MODERN} <= set(result["supportedVersions"])
    assert result["resultType"] == "complete"
    assert (result["ttlMs"], result["cacheScope"]) == (300000, "public")
    # Absent fields are left out (the schema refuses null), and keys are camelCase.
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"] == {
        "name": "todo",
        "title": "TODO List",
        "version": "1.0.0",
    }


def test_modern_tools_list_carries_caching_hints(client):
    result = modern(client, "tools/list").json()["result"]
    assert (result["ttlMs"], result["cacheScope"]) == (300000, "public")
    # The handshake revision's schema has neither field.
    legacy = rpc(client, "tools/list", **{"MCP-Protocol-Version": "2025-11-25"}).json()["result"]
    assert "ttlMs" not in legacy and "cacheScope" not in legacy and "_meta" not in legacy


@pytest.mark.parametrize(
    "meta",
    [
        {"io.modelcontextprotocol/clientCapabilities": {}},
        {"io.modelcontextprotocol/protocolVersion": MODERN},
        None,
    ],
    ids=["no-version", "no-capabilities", "no-meta"],
)
def test_modern_request_without_its_meta_is_invalid_params(client, meta):
    response = modern(client, "server/discover", meta=meta)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32602
    assert response.json()["id"] == 1


def test_modern_meta_without_the_version_header_is_a_header_mismatch(client):
    response = rpc(client, "tools/list", {"_meta": MODERN_META}, **{"Mcp-Method": "tools/list"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32020


@pytest.mark.parametrize("method", ["initialize", "ping", "logging/setLevel", "resources/subscribe", "no/such"])
def test_methods_the_stateless_revision_removed_are_404(client, method):
    response = modern(client, method)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == -32601


def test_tool_call_name_header_must_match_plain_or_base64(client):
    params = {"name": "getTodos", "arguments": {"username": "ann"}}
    assert modern(client, "tools/call", params, **{"Mcp-Name": "getTodos"}).status_code == 200
    assert modern(client, "tools/call", params, **{"Mcp-Name": "=?base64?Z2V0VG9kb3M=?="}).status_code == 200
    mismatch = modern(client, "tools/call", params, **{"Mcp-Name": "addTodo"})
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["code"] == -32020
    assert modern(client, "tools/call", params, **{"Mcp-Name": "=?base64?not base64?="}).status_code == 400


@pytest.mark.parametrize("header", ["2025-11-25", "2025-06-18", MODERN])
@pytest.mark.parametrize("named", ["2025-11-25", MODERN])
def test_a_meta_version_that_disagrees_with_the_header_is_a_header_mismatch(client, header, named):
    meta = {**MODERN_META, "io.modelcontextprotocol/protocolVersion": named}
    response = rpc(
        client, "tools/list", {"_meta": meta}, **{"MCP-Protocol-Version": header, "Mcp-Method": "tools/list"}
    )
    assert response.status_code == (200 if header == named else 400)
    if header != named:
        assert response.json()["error"] == {
            "code": -32020,
            "message": "MCP-Protocol-Version does not match params._meta.",
        }


# WSGI servers decode header bytes as latin-1 (gunicorn: "Ã©"); granian passes a non-ASCII value as "".
@pytest.mark.parametrize("header", ["\xc3\xa9", "2025-11-25\xc3\xa9", ""])
def test_a_non_ascii_or_empty_version_header_is_an_unknown_version(client, header):
    response = rpc(client, "tools/list", **{"MCP-Protocol-Version": header})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32022
    assert response.json()["error"]["data"]["requested"] == header


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_a_parse_error(client, constant):
    body = '{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": ' + constant + "}}"
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700


def test_a_fractional_request_id_is_refused_saying_what_is_required(client):
    response = rpc(client, "tools/list", message_id=1.5, **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": -32600, "message": "A request id must be a string or an integer."}


def test_params_that_are_no_object_are_refused_saying_so(client):
    response = rpc(client, "tools/list", [1], **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": -32600, "message": "params must be a JSON object (arguments by name)."}


def test_notification_reply_has_no_content_type(client):
    response = rpc(client, "notifications/initialized", message_id=None, **{"MCP-Protocol-Version": "2025-11-25"})
    assert response.status_code == 202
    assert "Content-Type" not in response


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "", "application/jsonx"])
def test_a_body_that_is_not_declared_json_is_415(client, content_type):
    body = '{"jsonrpc": "2.0", "id": 1, "method": "ping"}'
    response = client.post(URL, body, content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"] == {
        "code": -32600,
        "message": "Send the JSON-RPC message with 'Content-Type: application/json'.",
    }


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_with_a_charset_or_in_capitals_is_accepted(client, content_type):
    body = '{"jsonrpc": "2.0", "id": 1, "method": "ping"}'
    response = client.post(URL, body, content_type=content_type, headers={"MCP-Protocol-Version": "2025-11-25"})
    assert response.status_code == 200
    assert response.json()["result"] == {}
