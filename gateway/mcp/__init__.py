"""Every plugin as an MCP server at <plugin base>/mcp: tools derived from its OpenAPI operations."""
