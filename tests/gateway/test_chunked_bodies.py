"""Bodies sent with Transfer-Encoding: chunked (no Content-Length), over a raw socket to the production servers."""

import contextlib
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gateway.models import OAuthClient, Plugin
from tests.gateway.test_production import ROOT, database_url, production_env
from tests.oauth_flow import CALLBACK

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]
# The ports this project's tests may listen on.
PORTS = range(18300, 18400)
PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}


def port_in_range() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS}")


def server_command(server: str, port: int) -> list[str]:
    if server == "granian":
        return [sys.executable, "serve.py"]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return [gunicorn, "gateway.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]


@pytest.fixture(params=["granian", "gunicorn"])
def server(request, tmp_path):
    """Start the production server (serve.py, or gunicorn on gateway.wsgi) on the test database; yield its port."""
    port = port_in_range()
    env = production_env(
        HOST="127.0.0.1",
        PORT=str(port),
        SERVER_WORKERS="1",
        DJANGO_SECRET_KEY="a-production-secret-for-this-test-only-0123456789",
        DATABASE_URL=database_url(),
        GATEWAY_DOMAIN="example.test",
        GATEWAY_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(server_command(request.param, port), cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def post_chunked(port: int, path: str, body: bytes, chunk: int = 64 * 1024) -> tuple[int, dict, bytes]:
    """POST `body` in chunks of `chunk` bytes, without Content-Length; return status, headers, body."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    framed = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in iter_parts(body, chunk)) + b"0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        # A server may answer (413) and close before it has read the whole body.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head.encode() + framed)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while data := sock.recv(65536):
                answer += data
    header, _, payload = answer.partition(b"\r\n\r\n")
    lines = header.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        payload = unchunk(payload)
    return int(lines[0].split()[1]), headers, payload


def iter_parts(body: bytes, size: int):
    return (body[start : start + size] for start in range(0, len(body), size))


def unchunk(payload: bytes) -> bytes:
    out = b""
    while True:
        size, _, rest = payload.partition(b"\r\n")
        length = int(size.split(b";")[0], 16)
        if not length:
            return out
        out, payload = out + rest[:length], rest[length + 2 :]


def test_a_chunked_json_rpc_ping_is_answered(server):
    status, _headers, body = post_chunked(server, "/plugins/weather/mcp", json.dumps(PING).encode(), chunk=7)
    assert status == 200, body
    assert json.loads(body) == {"jsonrpc": "2.0", "id": 1, "result": {}}


def test_a_chunked_body_over_the_limit_is_413_as_with_content_length(server):
    ping = json.dumps({**PING, "params": {"pad": "x" * 1_100_000}}).encode()
    status, _headers, body = post_chunked(server, "/plugins/weather/mcp", ping)
    assert status == 413, body
    # The limit, not a length: only the first limit + 1 bytes of a chunked body are read.
    assert json.loads(body)["error"]["message"] == "The request body is over the 1,048,576 bytes accepted."


def test_a_chunked_client_registration_is_saved(server):
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
    metadata = {"client_name": "Agent", "redirect_uris": [CALLBACK], "token_endpoint_auth_method": "none"}
    status, _headers, body = post_chunked(server, "/plugins/todo/oauth/register", json.dumps(metadata).encode())
    assert status == 201, body
    client = OAuthClient.objects.get(client_id=json.loads(body)["client_id"])
    assert (client.name, client.redirect_uris, client.plugin.slug) == ("Agent", CALLBACK, "todo")
