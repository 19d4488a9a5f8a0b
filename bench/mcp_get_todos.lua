-- wrk script: one MCP tools/call of getTodos, as a Streamable HTTP client sends it (bench/peer.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
wrk.body = '{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "getTodos", "arguments": {"username": "benchreader"}}}'
