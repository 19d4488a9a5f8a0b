"""One guard for hostile input: refuse what no view can use before any view (or the database) sees it.

Refused with a 4xx, in the shape the endpoint's clients read (gateway.errors.refusal):
- a body over GATEWAY_MAX_REQUEST_BYTES (413), by its Content-Length or as read;
- NUL anywhere (PostgreSQL cannot store it, so psycopg raises and the caller got a 500): in the path,
  query parameters, form fields, JSON strings and keys, cookies, the Authorization header and the
  decoded HTTP Basic credentials (DOT unquotes those, so `%00` there becomes a NUL);
- lone UTF-16 surrogates in JSON strings (`"\\ud800"` parses, then psycopg cannot encode it);
- the other C0 control characters and DEL in URLs, cookies and credentials, where no identifier,
  code or redirect URI has a use for them and they would reach log lines and headers; bodies keep
  them (tabs and newlines are ordinary in a todo's text, and PostgreSQL stores them);
- JSON nested deeper than GATEWAY_MAX_JSON_DEPTH: Python's parser and every serializer recurse, so a
  deep body was a RecursionError. It is parsed once here (a RecursionError caught) and its depth
  measured without recursion.
JSON that does not parse is left to the views, which answer their own 400s.

A GET without a body costs a regular-expression search of the path and of the query parameters and
cookies Django parses once per request anyway; nothing is read or parsed beyond that.
"""

import base64
import binascii
import json
import re
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

from .errors import refusal

# PostgreSQL text cannot hold NUL; a lone surrogate cannot be encoded as UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# In URLs, cookies and credentials: every C0 control character and DEL as well.
CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# What json_readings yields for a body the parser could not descend (RecursionError).
TOO_DEEP = object()


class HostileInputGuard:
    """Answer 400 or 413 to hostile paths, parameters, cookies, credentials and bodies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = url_problem(request) or credentials_problem(request) or body_problem(request)
        except RequestDataTooBig:
            problem = (413, f"The request body is over the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes accepted.")
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # Too many fields or files, a malformed multipart body: Django's own refusals, reworded.
            problem = (400, f"The request could not be read: {exc}")
        if problem is not None:
            return refusal(request, *problem)
        return self.get_response(request)


def url_problem(request) -> tuple[int, str] | None:
    """Return why the path, a query parameter or a cookie is refused, or None."""
    if CONTROL.search(request.path_info):
        return (400, "The path contains a control character (such as NUL).")
    for name, values in request.GET.lists():
        if CONTROL.search(name) or any(CONTROL.search(value) for value in values):
            return (400, f"The query parameter '{printable(name)}' contains a control character (such as NUL).")
    for name, value in request.COOKIES.items():
        if CONTROL.search(name) or CONTROL.search(value):
            return (400, "A cookie contains a control character (such as NUL).")
    return None


def credentials_problem(request) -> tuple[int, str] | None:
    """Return why the Authorization header, or the Basic credentials it carries, are refused, or None."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if not header:
        return None
    if CONTROL.search(header):
        return (400, "The Authorization header contains a control character (such as NUL).")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None  # not credentials at all: the endpoint answers invalid_client itself
    # Decoded the way django-oauth-toolkit decodes them (RFC 6749 §2.3.1 form-encodes both parts).
    if CONTROL.search(decoded) or CONTROL.search(unquote_plus(decoded)):
        return (400, "The Basic credentials contain a control character (such as NUL).")
    return None


def body_problem(request) -> tuple[int, str] | None:
    """Return why the body is refused (too large, NUL in a form field, hostile JSON), or None."""
    length = content_length(request)
    if not length:
        return None
    limit = settings.GATEWAY_MAX_REQUEST_BYTES
    if length > limit:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # Of a chunked body only the first limit + 1 bytes were read (gateway.wsgi): its length is unknown.
            return (413, f"The request body is over the {limit:,} bytes accepted.")
        return (413, f"The request body has {length:,} bytes, over the {limit:,} accepted.")
    body = request.body  # bounded by the check above (and by DATA_UPLOAD_MAX_MEMORY_SIZE as read)
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for name, values in request.POST.lists():
            if UNSTORABLE.search(name) or any(UNSTORABLE.search(value) for value in values):
                return (400, f"The form field '{printable(name)}' contains a NUL character.")
    # Whatever the declared type: the registration and MCP views parse any body as JSON.
    for document in json_readings(request, body):
        problem = json_problem(document)
        if problem is not None:
            return (400, problem)
    return None


def content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body for an unreadable length either


def json_readings(request, body: bytes):
    """Yield the body as each reader would parse it; a RecursionError yields the sentinel TOO_DEEP.

    json.loads(bytes) guesses UTF-8/16/32 as the gateway's views do; DRF decodes by the declared
    charset instead, so a body is read both ways when the two could differ.
    """
    texts = [body]
    if request.encoding and request.encoding.lower().replace("-", "") != "utf8":
        texts.append(body.decode(request.encoding, errors="replace"))
    for text in texts:
        try:
            yield json.loads(text)
        except RecursionError:
            yield TOO_DEEP
        except ValueError:
            continue  # not JSON: the view answers its own 400


def json_problem(document) -> str | None:
    """Return why a parsed JSON document is refused (too deep, NUL or a lone surrogate), or None."""
    limit = settings.GATEWAY_MAX_JSON_DEPTH
    too_deep = f"The JSON body nests deeper than {limit} levels."
    if document is TOO_DEEP:
        return too_deep
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                return "A JSON string contains a NUL character or a lone surrogate."
        elif isinstance(value, (dict, list)):
            if depth > limit:
                return too_deep
            if isinstance(value, dict):
                if any(UNSTORABLE.search(key) for key in value):
                    return "A JSON key contains a NUL character or a lone surrogate."
                value = value.values()
            stack.extend((item, depth + 1) for item in value)
    return None


def printable(text: str) -> str:
    """Return a name as it may be shown back: controls escaped, at most 40 characters."""
    return CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text[:40])
