"""One error envelope everywhere: {"error": {"code": ..., "message": ...}}."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


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
