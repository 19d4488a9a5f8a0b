"""Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), one plugin at a time.

A client may send an https URL as its client_id. The plugin fetches the JSON document there,
checks it as it checks a self-registration (gateway.oauth.registration) plus the draft's own rules,
and keeps it as one of its public clients (OAuthClient.metadata_url) under a client_id of its own.
Each plugin is its own authorization server and DOT finds a client by client_id alone, so the same
URL used with two plugins is two rows; the authorize, token and revoke views put the row's
client_id in place of the URL before DOT reads the request (gateway.oauth.views).

DOT 3.4 ships CIMD too (oauth2_provider.cimd), but its resolver keeps one client per URL for the
whole server, bound to no plugin; its settings (the fetch limits in gateway.oauth.documents, the
cache ages, the failure backoff) are the ones read here, and its own CIMD_ENABLED stays off.
"""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.cimd import CIMDError
from oauth2_provider.settings import oauth2_settings

from ..models import OAuthClient, Plugin
from ..throttling import window_count, window_of
from .documents import MetadataFetcher
from .registration import InvalidClientMetadata, client_metadata

MAX_URL_LENGTH = 255  # the metadata_url and client_id columns


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
