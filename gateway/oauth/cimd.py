"""Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), one plugin at a time.

A client may send an https URL as its client_id. The plugin fetches the JSON document there,
checks it as it checks a self-registration (gateway.oauth.registration) plus the draft's own rules,
and keeps it as one of its public clients (OAuthClient.metadata_url) under a client_id of its own.
Each plugin is its own authorization server and DOT finds a client by client_id alone, so the same
URL used with two plugins is two rows; the authorize, token and revoke views put the row's
client_id in place of the URL before DOT reads the request (gateway.oauth.views).

DOT 3.4 ships CIMD too (oauth2_provider.cimd), but its resolver keeps one client per URL for the
whole server, bound to no plugin, and its fetcher's deadline does not cover a body sent a byte at
a time; its settings (CIMD_FETCH_TIMEOUT_SECONDS, CIMD_MAX_DOCUMENT_SIZE, the cache ages and the
failure backoff) are the ones read here, its own CIMD_ENABLED stays off.
"""

import contextlib
import hashlib
import http.client
import json
import re
import socket
import ssl
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.cimd import CIMDError, _ip_is_public
from oauth2_provider.settings import oauth2_settings

from ..models import OAuthClient, Plugin
from ..ops.throttling import window_count, window_of
from .registration import InvalidClientMetadata, client_metadata

MAX_URL_LENGTH = 255  # the metadata_url and client_id columns
MAX_AGE_RE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
READ_CHUNK = 4096


def names_a_document(client_id: str) -> bool:
    """Return whether a client_id is a URL, so a metadata document (https, or refused for want of it)."""
    return client_id[:8].lower() == "https://" or client_id[:7].lower() == "http://"


def metadata_url_problem(url: str) -> str | None:
    """Return why a client_id URL cannot name a metadata document (draft §3), or None."""
    if len(url) > MAX_URL_LENGTH:
        return f"The client_id URL is longer than {MAX_URL_LENGTH} characters."
    if not url.isascii() or not url.isprintable() or " " in url:
        return "The client_id URL must be printable ASCII without spaces."
    try:
        parts = urlsplit(url)
        port_ok = parts.port != 0
    except ValueError:
        port_ok = False
    if not port_ok or parts.scheme != "https" or not parts.hostname:
        return "The client_id URL must be an absolute https URL."
    if parts.username is not None or parts.password is not None or parts.fragment:
        return "The client_id URL must not carry a user name, a password or a fragment."
    if parts.path in {"", "/"} or any(segment in {".", ".."} for segment in parts.path.split("/")):
        return "The client_id URL must have a path, without . or .. segments."
    return None


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


def document_metadata(document, *, url: str, plugin: Plugin) -> dict:
    """Return the client metadata a document gives, checked; raise CIMDError."""
    if not isinstance(document, dict):
        raise CIMDError("The client's metadata document must be a JSON object.")
    if document.get("client_id") != url:
        raise CIMDError("The client's metadata document names another client_id than its own URL.")
    if "client_secret" in document or "client_secret_expires_at" in document:
        raise CIMDError("A client metadata document must not carry a client secret.")
    try:
        metadata = client_metadata(document, plugin, default_auth_method="none")
    except InvalidClientMetadata as refused:
        raise CIMDError(f"The client's metadata document is refused: {refused.description}") from refused
    if metadata["auth_method"] != "none":
        raise CIMDError("A client metadata document must say token_endpoint_auth_method none (no secret).")
    return metadata


def cimd_client_id(plugin: Plugin, url: str) -> str:
    """Return the client_id DOT knows this plugin's client by: the same for the same URL, every time."""
    return "cimd-" + hashlib.sha256(f"{plugin.pk} {url}".encode()).hexdigest()[:40]


def cimd_client_for(*, plugin: Plugin, url: str) -> OAuthClient | None:
    """Return the plugin's client for a metadata document URL, as last fetched, or None."""
    return OAuthClient.objects.filter(plugin=plugin, metadata_url=url).first()


def failure_key(plugin: Plugin, url: str) -> str:
    return f"gateway:cimd:fail:{plugin.pk}:{hashlib.sha256(url.encode()).hexdigest()}"


def cimd_client_resolve(*, plugin: Plugin, url: str, address: str) -> OAuthClient:
    """Return the plugin's client for a metadata document URL, fetched anew when unknown or stale.

    Raise CIMDError, with a message for the person at the consent page, and change nothing when
    the URL or its document is refused; a refusal is remembered for CIMD_FAILURE_BACKOFF_SECONDS,
    and each client address may make GATEWAY_CIMD_FETCHES_PER_HOUR fetches.
    """
    if (problem := metadata_url_problem(url)) is not None:
        raise CIMDError(problem)
    client = cimd_client_for(plugin=plugin, url=url)
    if client is not None and client.cimd_expires_at is not None and timezone.now() < client.cimd_expires_at:
        return client
    if (reason := cache.get(failure_key(plugin, url))) is not None:
        raise CIMDError(f"{reason} (Refused a moment ago: try again in a minute.)")
    window, _retry_after = window_of(3600)
    if window_count(f"gateway:cimd:fetch:{address}:{window}", 3600) > settings.GATEWAY_CIMD_FETCHES_PER_HOUR:
        raise CIMDError("Too many client metadata documents fetched for this address; try again later.")
    try:
        document, seconds = MetadataFetcher().fetch(url)
        metadata = document_metadata(document, url=url, plugin=plugin)
        return cimd_client_save(plugin=plugin, url=url, metadata=metadata, seconds=seconds)
    except CIMDError as refused:
        cache.set(failure_key(plugin, url), str(refused), oauth2_settings.CIMD_FAILURE_BACKOFF_SECONDS)
        raise


def cimd_client_save(*, plugin: Plugin, url: str, metadata: dict, seconds: int) -> OAuthClient:
    """Create or update the plugin's public client from a checked document."""
    client = cimd_client_for(plugin=plugin, url=url) or OAuthClient(
        plugin=plugin, metadata_url=url, client_id=cimd_client_id(plugin, url)
    )
    client.name = metadata["name"]
    client.redirect_uris = " ".join(metadata["redirect_uris"])
    client.client_type = OAuthClient.CLIENT_PUBLIC
    client.authorization_grant_type = OAuthClient.GRANT_AUTHORIZATION_CODE
    client.registration_source = OAuthClient.RegistrationSource.CIMD
    client.cimd_expires_at = timezone.now() + timedelta(seconds=seconds)
    try:
        client.full_clean(exclude=["client_secret"], validate_unique=False)
    except ValidationError as error:
        raise CIMDError(f"The client's metadata document is refused: {'; '.join(error.messages)}") from error
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        # Two first sights of the same URL at once: the other request saved the same row.
        client = cimd_client_for(plugin=plugin, url=url)
        if client is None:
            raise CIMDError("The client could not be saved; try again.") from None
    return client
