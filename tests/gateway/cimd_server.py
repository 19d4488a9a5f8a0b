"""A client's side of CIMD: an https server on localhost publishing metadata documents, good and hostile."""

import base64
import hashlib
import json
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import trustme

CALLBACK = "https://app.example/oauth/callback"


def document(url: str, **fields) -> dict:
    """Return a valid client metadata document for `url`, with `fields` changed (None removes one)."""
    doc = {
        "client_id": url,
        "client_name": "Example Assistant",
        "redirect_uris": [CALLBACK],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        **fields,
    }
    return {key: value for key, value in doc.items() if value is not None}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_path(base: str, client_id: str, challenge: str, *, redirect_uri=CALLBACK, state="s-1") -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "",
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}oauth/authorize?{urlencode(query)}"


class DocumentServer:
    """Serve paths over TLS on 127.0.0.1 (certificate for localhost); a handler writes each answer itself."""

    def __init__(self, ca: trustme.CA):
        self.routes: dict[str, Callable] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://localhost:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def serve(self, path: str, body, *, status=200, content_type="application/json", headers=None, delay=0.0):
        """Answer GET path with a JSON (or raw bytes) body; return the document's URL."""

        def answer(handler):
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            time.sleep(delay)
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)

        self.routes[path] = answer
        return self.url + path

    def drip(self, path: str, body: bytes, *, every: float, headers_too: bool = False):
        """Answer GET path one byte at a time: the body, or the whole answer from its status line."""

        def answer(handler):
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            head += f"Content-Length: {len(body)}\r\n\r\n".encode()
            if not headers_too:
                handler.wfile.write(head)
            for byte in (head + body) if headers_too else body:
                try:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                except OSError:  # the gateway hung up, as it should
                    return
                time.sleep(every)

        self.routes[path] = answer
        return self.url + path


def running_document_server(settings, monkeypatch, tmp_path):
    """Yield a running DocumentServer that the gateway's fetcher trusts and may reach (loopback, test-only).

    For a module's `documents` fixture: `yield from running_document_server(settings, monkeypatch, tmp_path)`.
    """
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    # ssl.create_default_context() loads OpenSSL's default paths, which honour SSL_CERT_FILE.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    settings.GATEWAY_CIMD_ALLOW_LOOPBACK = True
    server = DocumentServer(ca)
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
