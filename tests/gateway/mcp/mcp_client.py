"""Run the official MCP client (async) from sync tests, against a live server."""

import asyncio
from collections.abc import Awaitable, Callable

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client


def run_client(url: str, session: Callable[[Client], Awaitable], *, mode="auto", headers=None, auth=None):
    """Connect to `url` with the official client and return what `session(client)` returns.

    Django ORM calls cannot run inside the event loop: set data up before, check it after.
    """

    async def main():
        async with (
            httpx2.AsyncClient(headers=headers, auth=auth, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http), mode=mode) as client,
        ):
            return await session(client)

    return asyncio.run(main())
