"""Fetching a client's metadata document without letting its URL reach inside: the SSRF rules in one place.

https only; the host resolved once and refused if any address is not public (loopback too, unless
the test-only GATEWAY_CIMD_ALLOW_LOOPBACK); the connection made to that checked address with the
certificate and Host header of the name, so DNS cannot rebind it; no redirect followed; at most
CIMD_MAX_DOCUMENT_SIZE bytes; the whole answer within CIMD_FETCH_TIMEOUT_SECONDS (DOT's settings).

DOT 3.4's SafeMetadataFetcher works the same way but bounds each socket read, not the answer, and
keeps its address check in a module function a test cannot widen; its check itself is reused.
"""

import contextlib
import http.client
import json
import re
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from oauth2_provider.cimd import CIMDError, _ip_is_public
from oauth2_provider.settings import oauth2_settings

MAX_AGE_RE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)
READ_CHUNK = 4096


def address_allowed(address: str) -> bool:
    """Return whether the fetcher may connect to this address: public ones only (loopback in tests)."""
    if _ip_is_public(address):  # DOT's check, which decodes IPv4 hidden in IPv6 forms (NAT64, 6to4, Teredo)
        return True
    return settings.GATEWAY_CIMD_ALLOW_LOOPBACK and address in {"127.0.0.1", "::1"}


def max_age(cache_control: str) -> int:
    """Return how long to keep a document, from its Cache-Control, within DOT's CIMD bounds."""
    floor = oauth2_settings.CIMD_METADATA_MIN_AGE_SECONDS
    ceiling = oauth2_settings.CIMD_METADATA_MAX_AGE_SECONDS
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return floor
    match = MAX_AGE_RE.search(cache_control)
    return max(floor, min(int(match.group(1)) if match else ceiling, ceiling))


def cut_off(connection: ssl.SSLSocket) -> None:
    """Shut a connection down under a read blocked in another thread (its TLS state left to that thread)."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(connection, socket.SHUT_RDWR)


class MetadataFetcher:
    """Fetch a metadata document: https only, to a checked address, no redirects, bounded in size and time.

    The host is resolved once and every address checked; the connection goes to that same
    address (certificate and Host header for the name), so DNS cannot rebind it to another. A
    socket timeout bounds each read, not the answer (a server can drip its status line, headers
    or body a byte at a time), so the connection is cut at the deadline.
    """

    def fetch(self, url: str) -> tuple[object, int]:
        """Return the parsed JSON document and how many seconds to keep it; raise CIMDError."""
        parts = urlsplit(url)
        port = parts.port or 443
        seconds = oauth2_settings.CIMD_FETCH_TIMEOUT_SECONDS
        deadline = time.monotonic() + seconds
        failure = "no address to connect to"
        for address in self.addresses(parts.hostname, port):
            try:
                return self.fetch_from(address, port, parts, deadline)
            except ssl.SSLCertVerificationError:
                failure = "its TLS certificate is not valid for the host"
            except (OSError, http.client.HTTPException) as error:
                late = time.monotonic() >= deadline or isinstance(error, TimeoutError)
                failure = f"no answer within {seconds} seconds" if late else type(error).__name__
            if time.monotonic() >= deadline:
                break
        raise CIMDError(f"The client's metadata document could not be fetched ({failure}).")

    def fetch_from(self, address: str, port: int, parts, deadline: float) -> tuple[object, int]:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        # The URL passed metadata_url_problem: printable ASCII without spaces, so no header injection.
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        )
        raw = socket.create_connection((address, port), timeout=max(deadline - time.monotonic(), 0.01))
        connection = ssl.create_default_context().wrap_socket(
            raw, server_hostname=parts.hostname, do_handshake_on_connect=False
        )
        watchdog = threading.Timer(max(deadline - time.monotonic(), 0), cut_off, (connection,))
        watchdog.start()
        try:
            connection.do_handshake()
            connection.sendall(request.encode("ascii"))
            response = http.client.HTTPResponse(connection, method="GET")
            response.begin()
            return self.document(response, deadline)
        finally:
            watchdog.cancel()
            connection.close()

    @staticmethod
    def addresses(host: str, port: int) -> list[str]:
        try:
            found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as error:
            raise CIMDError(f"The client_id host {host} does not resolve.") from error
        addresses = list(dict.fromkeys(info[4][0] for info in found))
        # All or nothing: one internal address among public ones refuses the host.
        refused = [address for address in addresses if not address_allowed(address)]
        if refused or not addresses:
            raise CIMDError(f"The client_id host {host} resolves to a private or reserved address.")
        return addresses

    @staticmethod
    def document(response, deadline: float) -> tuple[object, int]:
        limit = oauth2_settings.CIMD_MAX_DOCUMENT_SIZE
        body = b""
        while chunk := response.read1(READ_CHUNK):
            body += chunk
            if len(body) > limit:
                raise CIMDError(f"The client's metadata document is larger than {limit} bytes.")
        # Cut off by the watchdog: the status line, headers or body that arrived are not the whole answer.
        if time.monotonic() >= deadline:
            seconds = oauth2_settings.CIMD_FETCH_TIMEOUT_SECONDS
            raise CIMDError(f"The client's metadata document did not arrive within {seconds} seconds.")
        if 300 <= response.status < 400:
            status = response.status
            raise CIMDError(f"The client's metadata document answered a redirect ({status}); none is followed.")
        if response.status != 200:
            raise CIMDError(f"The client's metadata document answered HTTP {response.status}.")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        json_suffixed = media_type.startswith("application/") and media_type.endswith("+json")
        if media_type != "application/json" and not json_suffixed:
            raise CIMDError("The client's metadata document is not served as application/json.")
        try:
            return json.loads(body), max_age(response.headers.get("Cache-Control", ""))
        except (ValueError, RecursionError) as error:
            raise CIMDError("The client's metadata document is not valid JSON.") from error
