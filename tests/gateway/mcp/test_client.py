"""The todo plugin as an MCP server, driven by the official `mcp` client over real HTTP."""

import pytest
from mcp.shared.exceptions import MCPError

from gateway.services import plugin_rotate_service_key
from plugins.todo.models import Todo
from tests.gateway.mcp.mcp_client import run_client

pytestmark = pytest.mark.django_db(transaction=True)


async def todo_session(client):
    """List the tools, then add, list, delete, and delete out of range; return what the client saw."""
    tool_list = await client.list_tools()
    tools = {tool.name: tool for tool in tool_list.tools}
    added = await client.call_tool("addTodo", {"username": "ann", "todo": "buy milk"})
    await client.call_tool("addTodo", {"username": "ann", "todo": "walk dog"})
    listed = await client.call_tool("getTodos", {"username": "ann"})
    deleted = await client.call_tool("deleteTodo", {"username": "ann", "todo_idx": 0})
    missing = await client.call_tool("deleteTodo", {"username": "ann", "todo_idx": 7})
    invalid = await client.call_tool("addTodo", {"username": "ann", "todo": ""})
    return {
        "version": client.protocol_version,
        "server": client.server_info,
        "tools": tools,
        "caching": (tool_list.ttl_ms, tool_list.cache_scope),
        "added": added,
        "listed": listed,
        "deleted": deleted,
        "missing": missing,
        "invalid": invalid,
    }


@pytest.mark.parametrize(("mode", "version"), [("auto", "2026-07-28"), ("legacy", "2025-11-25")])
def test_todo_tools_with_the_official_client(live_server, mode, version):
    seen = run_client(f"{live_server.url}/plugins/todo/mcp", todo_session, mode=mode)

    assert seen["version"] == version
    # 2026-07-28 lists carry caching hints; the handshake revision has none (the SDK's defaults remain).
    assert seen["caching"] == ((300000, "public") if version == "2026-07-28" else (0, "private"))
    assert seen["server"].name == "todo"
    tools = seen["tools"]
    assert set(tools) == {"getTodos", "addTodo", "deleteTodo"}
    assert tools["getTodos"].annotations.read_only_hint is True
    assert tools["deleteTodo"].annotations.destructive_hint is True
    assert tools["addTodo"].annotations.destructive_hint is False
    assert tools["addTodo"].input_schema["required"] == ["username", "todo"]
    assert set(tools["deleteTodo"].input_schema["properties"]) == {"username", "todo_idx"}
    assert "0-based index" in tools["deleteTodo"].description

    assert seen["added"].is_error is False
    assert seen["added"].structured_content == {"status": "success", "todo": "buy milk"}
    assert seen["listed"].structured_content == {"todos": ["buy milk", "walk dog"]}
    assert '"walk dog"' in seen["listed"].content[0].text
    assert seen["deleted"].structured_content == {"status": "success", "deleted": "buy milk"}
    assert seen["missing"].is_error is True
    assert "todo_idx" in seen["missing"].content[0].text
    assert seen["invalid"].is_error is True
    assert "todo" in seen["invalid"].content[0].text
    assert list(Todo.objects.filter(username="ann").values_list("text", flat=True)) == ["walk dog"]


def test_unknown_tool_is_a_protocol_error(live_server):
    async def call_unknown(client):
        with pytest.raises(MCPError) as caught:
            await client.call_tool("dropDatabase", {})
        return caught.value

    error = run_client(f"{live_server.url}/plugins/todo/mcp", call_unknown, mode="legacy")
    assert "Unknown tool: dropDatabase" in str(error)


def test_service_key_mode_needs_the_key(live_server, plugin_row):
    plugin = plugin_row(auth_mode="service_http")
    key = plugin_rotate_service_key(plugin=plugin)

    async def add(client):
        return await client.call_tool("addTodo", {"username": "svc", "todo": "from MCP"})

    result = run_client(
        f"{live_server.url}/plugins/todo/mcp", add, headers={"Authorization": f"Bearer {key}"}, mode="legacy"
    )
    assert result.is_error is False
    assert Todo.objects.get(username="svc").text == "from MCP"

    # The client surfaces the 401 as an MCPError inside its task groups.
    with pytest.RaisesGroup(MCPError, flatten_subgroups=True):
        run_client(f"{live_server.url}/plugins/todo/mcp", add, headers={"Authorization": "Bearer wrong"})
