"""RFC 7591 dynamic client registration, per plugin: open to anonymous MCP clients, rate-limited.

DOT's own DCR view cannot bind a client to a plugin, so this small view creates the client itself.
Anyone may register, so the metadata is checked strictly: a client may not name itself after an AI
platform or this plugin (the consent page shows the name), and its redirect URIs must survive DOT's
space-separated storage unchanged.
"""

import json
import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from ..throttling import client_address, oauth_too_many, window_count, window_of, window_peek
from .discovery import oauth_plugin

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
AUTH_METHODS = {"none": "public", "client_secret_basic": "confidential", "client_secret_post": "confidential"}
GRANT_TYPES = {"authorization_code", "refresh_token"}
MAX_REDIRECT_URIS = 10
MAX_REDIRECT_URI_LENGTH = 2000
MAX_CLIENT_NAME_LENGTH = 100
# Names a self-registered client may not take, matched case-insensitively anywhere in its name with
# spaces and punctuation ignored, unless every redirect URI is on that platform's own domains (its
# real connector registers this way and its callback cannot hand a code to anyone else).
RESERVED_NAMES = {
    ("chatgpt", "openai", "gpt"): ("chatgpt.com", "openai.com"),
    ("claude", "anthropic"): ("claude.ai", "claude.com", "anthropic.com"),
    ("gemini", "google", "bard"): ("google.com",),
    ("copilot", "microsoft", "bing"): ("microsoft.com", "bing.com"),
    ("perplexity",): ("perplexity.ai",),
    ("mistral",): ("mistral.ai",),
    ("plugingateway",): (),
}


def metadata_error(description: str, error: str = "invalid_client_metadata") -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=400)


def redirect_uri_error(uri) -> str | None:
    """Return why a redirect URI is refused: it must be https, or http on this machine (native apps)."""
    if not isinstance(uri, str):
        return "Each redirect_uri must be a string."
    if len(uri) > MAX_REDIRECT_URI_LENGTH:
        return f"Each redirect_uri must be at most {MAX_REDIRECT_URI_LENGTH} characters."
    # DOT keeps the URIs space-separated and splits them on any whitespace, so one URI holding a
    # space would register a second; only printable ASCII (RFC 3986) is taken, anything else encoded.
    if not uri.isascii() or not uri.isprintable() or " " in uri:
        return f"{uri!r}: use printable ASCII only, no spaces (percent-encode other characters)."
    try:
        parts = urlsplit(uri)
        # Reading the port raises ValueError when it is not a number or out of range.
        valid_port = parts.port != 0
    except ValueError:
        valid_port = False
    if not valid_port:
        return f"{uri}: not a valid URL."
    if parts.fragment or not parts.hostname or parts.scheme not in {"http", "https"}:
        return f"{uri}: use an absolute URL without a fragment."
    if parts.username is not None or parts.password is not None:
        return f"{uri}: a user name or password in the URL is not allowed."
    if parts.scheme == "https" or parts.hostname in LOCAL_HOSTS:
        return None
    return f"{uri}: use https (http only for localhost)."


# Letters and digits that read as Latin letters (a few of Unicode TS #39's confusables): a name is
# compared by its skeleton, so `Сlaude` (Cyrillic С), `0penAI` and `OpenAl` read as the names they mimic.
LOOKALIKES = str.maketrans(
    {
        **dict(zip("аеһіјкмноорсԁԛѕтуԝхɑαβεικνορτυχγ", "aehijkmhoopcdqstywxaabeikvoptuxy", strict=True)),
        **dict(zip("0135|", "oiesi", strict=True)),
        "l": "i",
    }
)


def squash(text: str) -> str:
    """Return text folded for comparing names: NFKC, case-folded, look-alikes mapped, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(LOOKALIKES)
    return re.sub(r"[\W_]+", "", folded).replace("rn", "m").replace("vv", "w")


# Alphabets whose letters pass for one another; other scripts mix legitimately (Japanese: kanji and kana).
LOOKALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


def lookalike_scripts_of(text: str) -> set[str]:
    """Return which of the look-alike alphabets (Latin, Cyrillic, Greek) the letters of text use."""
    names = {unicodedata.name(char, "?").split()[0] for char in unicodedata.normalize("NFKC", text) if char.isalpha()}
    return names & LOOKALIKE_SCRIPTS


def reserved_name_error(name: str, plugin, redirect_uris: list[str]) -> str | None:
    """Return why a client name is refused: it claims to be an AI platform, the gateway or this plugin."""
    folded = squash(name)
    hosts = {urlsplit(uri).hostname for uri in redirect_uris}
    own_names = tuple(squash(text) for text in (plugin.slug, plugin.display_name, plugin.text("name_for_model")))
    for words, domains in [*RESERVED_NAMES.items(), (own_names, ())]:
        if not any(word and squash(word) in folded for word in words):
            continue
        if domains and all(any(host == d or host.endswith(f".{d}") for d in domains) for host in hosts):
            continue
        return f"client_name: '{name}' is reserved (an AI platform's or this plugin's name); use your app's own name."
    return None


class InvalidClientMetadata(ValueError):
    """Client metadata (a registration, or a client ID metadata document) that the gateway refuses."""

    def __init__(self, description: str, error: str = "invalid_client_metadata"):
        super().__init__(description)
        self.description, self.error = description, error


def client_metadata(data, plugin, *, default_auth_method: str = "client_secret_basic") -> dict:
    """Return the checked client metadata (redirect_uris, name, auth_method); raise InvalidClientMetadata.

    Both self-registration (RFC 7591) and client ID metadata documents are held to these rules: the
    consent page shows the name, and DOT stores the redirect URIs space-separated.
    """
    if not isinstance(data, dict):
        raise InvalidClientMetadata("The body must be a JSON object.")
    redirect_uris = data.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not redirect_uris:
        raise InvalidClientMetadata("redirect_uris: give at least one redirect URI.", "invalid_redirect_uri")
    if len(redirect_uris) > MAX_REDIRECT_URIS:
        raise InvalidClientMetadata(f"redirect_uris: at most {MAX_REDIRECT_URIS}.", "invalid_redirect_uri")
    for uri in redirect_uris:
        if (problem := redirect_uri_error(uri)) is not None:
            raise InvalidClientMetadata(f"redirect_uris: {problem}", "invalid_redirect_uri")
    grant_types = data.get("grant_types", ["authorization_code"])
    if not isinstance(grant_types, list) or not all(isinstance(g, str) and g in GRANT_TYPES for g in grant_types):
        raise InvalidClientMetadata("grant_types: a list of authorization_code and refresh_token.")
    response_types = data.get("response_types", ["code"])
    if not isinstance(response_types, list) or not all(r == "code" for r in response_types):
        raise InvalidClientMetadata('response_types: only ["code"] is supported.')
    auth_method = data.get("token_endpoint_auth_method", default_auth_method)
    if not isinstance(auth_method, str) or auth_method not in AUTH_METHODS:
        raise InvalidClientMetadata(f"token_endpoint_auth_method: use one of {', '.join(AUTH_METHODS)}.")
    name = data.get("client_name", "")
    if not isinstance(name, str) or len(name) > MAX_CLIENT_NAME_LENGTH:
        raise InvalidClientMetadata(f"client_name: a string of at most {MAX_CLIENT_NAME_LENGTH} characters.")
    # A blank name would read "Allow  to use ..." on the consent page.
    name = name.strip() or "MCP client"
    if len(lookalike_scripts_of(name)) > 1:
        raise InvalidClientMetadata(
            "client_name: do not mix Latin, Cyrillic and Greek letters (mixed alphabets imitate other names)."
        )
    # Control and format characters (NUL, bidirectional overrides) would reach the database or
    # reorder the name the consent page shows.
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InvalidClientMetadata("client_name: control or formatting characters are not allowed.")
    if (problem := reserved_name_error(name, plugin, redirect_uris)) is not None:
        raise InvalidClientMetadata(problem)
    if "scope" in data and not isinstance(data["scope"], str):
        raise InvalidClientMetadata("scope: a space-separated string.")
    uris = list(dict.fromkeys(redirect_uris))
    return {"redirect_uris": uris, "name": name, "auth_method": auth_method}


def registration_counters(request, plugin) -> tuple[list[tuple[int, str]], int]:
    """Return this hour's registration counters (limit, key), per client address and per plugin, and the wait."""
    window, retry_after = window_of(3600)
    counters = [
        (settings.GATEWAY_DCR_PER_HOUR, f"gateway:dcr:{plugin.slug}:ip:{client_address(request)}:{window}"),
        (settings.GATEWAY_DCR_PLUGIN_PER_HOUR, f"gateway:dcr:{plugin.slug}:all:{window}"),
    ]
    return counters, retry_after


@csrf_exempt
@require_POST
def register(request):
    """Register an OAuth client of this plugin from RFC 7591 metadata; answer its client_id (and secret)."""
    plugin = oauth_plugin(request, None)
    # Only registrations that succeed are counted (after the save), so junk cannot use up the hour.
    counters, retry_after = registration_counters(request, plugin)
    if any(window_peek(key) >= limit for limit, key in counters):
        return oauth_too_many("Too many client registrations; retry after Retry-After seconds.", retry_after)
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):
        data = None
    try:
        metadata = client_metadata(data, plugin)
    except InvalidClientMetadata as refused:
        return metadata_error(refused.description, refused.error)
    Client = get_application_model()
    client = Client(
        plugin=plugin,
        name=metadata["name"],
        client_type=AUTH_METHODS[metadata["auth_method"]],
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(metadata["redirect_uris"]),
        registration_source=Client.RegistrationSource.DCR,
    )
    secret = client.client_secret if client.client_type == Client.CLIENT_CONFIDENTIAL else None
    try:
        client.full_clean()
    except ValidationError as exc:
        return metadata_error("; ".join(exc.messages))
    client.save()
    for _limit, key in counters:
        window_count(key, 3600)
    answer = {
        "client_id": client.client_id,
        "client_id_issued_at": int(client.created.timestamp()),
        "client_name": client.name,
        "redirect_uris": metadata["redirect_uris"],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": metadata["auth_method"],
        "scope": " ".join(plugin.config.scopes),
    }
    if secret is not None:
        answer.update(client_secret=secret, client_secret_expires_at=0)
    return JsonResponse(answer, status=201)
