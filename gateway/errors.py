"""One error envelope everywhere: {"error": {"code": ..., "message": ...}}."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


# The OAuth endpoints machines call: their clients parse RFC 6749 §5.2 / RFC 7591 §3.2.2 errors.
OAUTH_ENDPOINTS = frozenset({"token", "revoke", "register"})
# Under a plugin, the pages a person opens in a browser; its other URLs are APIs and documents.
PLUGIN_PAGES = frozenset({"authorize", "login", "signup", "legal"})
# On the gateway's own host everything is a page but the probes and the discovery documents.
GATEWAY_DOCUMENTS = frozenset({"healthz", "readyz"})


def oauth_error_response(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def error_page(request, status: int, message: str) -> HttpResponse:
    """Render the readable error page (templates/400.html, which also serves Django's own 400s)."""
    titles = {400: "Bad request", 413: "Request too large"}
    context = {"title": titles.get(status, "Request refused"), "message": message}
    return render(request, "400.html", context, status=status)


def answer_shape(request) -> str:
    """Return how a refusal of this request reads: "oauth", "json" (the envelope) or "html"."""
    plugin = getattr(request, "plugin", None)
    try:
        name = resolve(request.path_info, getattr(request, "urlconf", None)).url_name
    except Resolver404:
        name = None
    if plugin is None:
        json_document = name in GATEWAY_DOCUMENTS or request.path_info.startswith("/.well-known/")
        return "json" if json_document else "html"
    if name in OAUTH_ENDPOINTS:
        return "oauth"
    return "html" if name in PLUGIN_PAGES else "json"


def refusal(request, status: int, message: str) -> HttpResponse:
    """Refuse a request the way its endpoint's clients read errors (the shape from answer_shape)."""
    shape = answer_shape(request)
    if shape == "oauth":
        return oauth_error_response(status, "invalid_request", message)
    if shape == "html":
        return error_page(request, status, message)
    return error_response(status, "request_too_large" if status == 413 else "invalid_request", message)


def _flatten(detail, prefix: str = "") -> list[str]:
    """Turn DRF's nested error detail into "field: message" lines a model can act on."""
    if isinstance(detail, dict):
        lines = []
        for field, value in detail.items():
            name = "" if field == "non_field_errors" else str(field)
            lines += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return lines
    if isinstance(detail, list):
        return [line for item in detail for line in _flatten(item, prefix)]
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def exception_handler(exc, context):
    """Wrap DRF's error answers in the gateway's envelope."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = exc.get_codes() if not isinstance(exc, exceptions.ValidationError) else "invalid"
        code = code if isinstance(code, str) else "invalid"
    else:
        detail, code = response.data.get("detail", response.data), "error"
    response.data = error_body(code, "; ".join(_flatten(detail)))
    return response


def not_found(request, exception=None):
    if getattr(request, "plugin", None) is not None:
        return error_response(404, "not_found", f"No such endpoint: {request.path}")
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this inside its `except`, so the exception is at hand: a database outage is a
    # 503 (retry later), not a bug. It covers failures in middleware too (the plugin row lookup).
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = error_response(503, "database_unavailable", "The database is unavailable; retry shortly.")
        response["Retry-After"] = "5"
        return response
    if getattr(request, "plugin", None) is not None:
        return error_response(500, "server_error", "The gateway failed to answer; this is a bug.")
    return render(request, "500.html", status=500)
