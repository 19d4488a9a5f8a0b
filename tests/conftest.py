import json
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from gateway.models import Plugin


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


class UnmarkedProcessError(AssertionError):
    """A test outside the `server` and `browser` tiers tried to start a process."""


# Tiers that may start processes: `make test-fast` deselects them, so an unmarked test that starts one
# would slip a slow test into the quick tier unnoticed. Refusing the process makes the omission fail.
PROCESS_TIERS = ("server", "browser")


@pytest.fixture(autouse=True)
def _processes_only_in_their_tiers(request, monkeypatch):
    if any(request.node.get_closest_marker(tier) for tier in PROCESS_TIERS):
        return

    def refuse(self, args, *rest, **kwargs):
        self._child_created = False  # what Popen.__del__ reads, so the refusal is the only error
        raise UnmarkedProcessError(f"{request.node.nodeid} starts {args!r}: mark it `server` (see pyproject.toml)")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


@pytest.fixture
def plugin_row(db) -> Callable[..., Plugin]:
    """Return a callable that updates a plugin's settings row and returns it."""

    def update(slug: str = "todo", **fields) -> Plugin:
        plugin = Plugin.objects.get(slug=slug)
        for name, value in fields.items():
            setattr(plugin, name, value)
        plugin.save()
        return plugin

    return update


class FakeUpstream:
    """A real HTTP server on 127.0.0.1 answering from a route table; it records every request."""

    def __init__(self):
        self.routes: dict[str, Callable] = {}
        self.requests: list[dict] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                upstream.requests.append({"path": parts.path, "query": query, "headers": dict(self.headers)})
                route = upstream.routes.get(parts.path)
                status, body, headers = (404, {"message": "no such route"}, {}) if route is None else route(query)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def route(self, path: str, handler: Callable):
        """Answer GET `path` with handler(query) -> (status, json body or bytes, headers)."""
        self.routes[path] = handler

    def calls(self, path: str) -> list[dict]:
        return [request for request in self.requests if request["path"] == path]


@pytest.fixture
def fake_upstream():
    """Start a local HTTP server that plays an upstream API; tests add routes to it."""
    upstream = FakeUpstream()
    upstream.thread.start()
    yield upstream
    upstream.server.shutdown()
    upstream.server.server_close()
