"""One structured log line per request, from its call record (gateway.calls).

Only what identifies the call is logged: never headers (Authorization), bodies or the query
string (upstream keys, OAuth codes and tokens travel there).
"""

import logging

logger = logging.getLogger("gateway.request")


def call_logged(request, response, record, latency_ms: float) -> dict:
    """Log the finished request; return the line's fields (the metrics count from them)."""
    caller, plugin = record.caller, getattr(request, "plugin", None)
    fields = {
        "request_id": record.request_id,
        "plugin": plugin.slug if plugin is not None else None,
        "operation_id": record.operation,
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "latency_ms": round(latency_ms, 2),
        "user_id": caller.user_id if caller is not None else None,
        "auth": caller.kind if caller is not None and caller.authenticated else None,
    }
    logger.info("%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields})
    return fields
