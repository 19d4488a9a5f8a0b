"""One plugin's MCP server for one HTTP request: its identity, its tools and how a call runs."""

import json

import mcp_types as types
from mcp_types import jsonrpc

from .dispatch import ToolArgumentError, call_operation
from .protocol import ProtocolError, Server
from .tools import plugin_operations


def error_message(status: int, data) -> str:
    """Return the gateway envelope's message (what a model can act on), else a generic line."""
    if isinstance(data, dict) and isinstance(data.get("error"), dict) and data["error"].get("message"):
        return str(data["error"]["message"])
    return f"The call failed with HTTP {status}."


def tool_result(status: int, data) -> types.CallToolResult:
    """Turn the view's answer into a tool result; a 4xx/5xx is an error result the model can read."""
    if status >= 400:
        return types.CallToolResult(content=[types.TextContent(text=error_message(status, data))], is_error=True)
    text = json.dumps(data, ensure_ascii=False)
    structured = data if isinstance(data, dict) else None
    return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=structured)


def plugin_server(request) -> Server:
    """Build the MCP server of the plugin this request came in for."""
    plugin = request.plugin
    operations = plugin_operations(request, plugin)

    def call_tool(name: str, arguments: dict) -> types.CallToolResult:
        operation = operations.get(name)
        if operation is None:
            raise ProtocolError(jsonrpc.INVALID_PARAMS, f"Unknown tool: {name}", status=200)
        try:
            status, data = call_operation(request, operation, arguments)
        except ToolArgumentError as exc:
            return types.CallToolResult(content=[types.TextContent(text=str(exc))], is_error=True)
        return tool_result(status, data)

    return Server(
        info=types.Implementation(
            name=plugin.text("name_for_model"), title=plugin.text("name_for_human"), version=plugin.config.api_version
        ),
        instructions=plugin.text("description_for_model"),
        list_tools=lambda: [operation.tool() for operation in operations.values()],
        call_tool=call_tool,
    )
