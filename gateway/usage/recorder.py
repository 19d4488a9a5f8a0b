"""Describe a finished plugin API call as a usage row, and hand it on once the answer has gone out.

With the shared cache (Redis) the row is pushed onto a buffer that is written to the table in
bulk (gateway.usage.buffer); without it (a local run) the row is inserted on its own. Either way
the work happens in response.close(), which the WSGI server calls after sending the body.
"""

import uuid

from .buffer import buffer_enabled, calls_drain, row_buffered
from .conf import usage_enabled
from .services import call_record

# The AI platform's per-call headers -> (column, longest value kept).
PLATFORM_HEADERS = {
    "HTTP_OPENAI_CONVERSATION_ID": ("conversation_id", 100),
    "HTTP_OPENAI_EPHEMERAL_USER_ID": ("ephemeral_user_id", 100),
    "HTTP_OPENAI_SUBDIVISION_1_ISO_CODE": ("subdivision", 10),
}


def call_row(request, response, record, latency_ms: float) -> dict:
    """Return the usage row of a finished call (JSON-ready: the buffer stores it as JSON)."""
    caller = record.caller
    status, is_error = record.outcome(response)
    row = {
        "event_id": uuid.uuid4().hex,
        "created_at": record.started,
        "plugin": request.plugin.slug,
        "operation": record.operation[:100],
        "client": record.client,
        "status": status,
        "is_error": is_error,
        "duration_ms": latency_ms,
        "credential": caller.kind if caller is not None else "none",
        "credential_id": caller.credential_id if caller is not None else None,
        "user_id": caller.user_id if caller is not None else None,
    }
    for header, (column, length) in PLATFORM_HEADERS.items():
        row[column] = request.META.get(header, "")[:length]
    return row


def call_finished(request, response, record, latency_ms: float) -> None:
    """Record a plugin API call (not a CORS preflight) after its answer has been sent."""
    if request.method == "OPTIONS" or not usage_enabled():
        return
    row = call_row(request, response, record, latency_ms)
    close = response.close

    def record_then_close():
        # Before Django's own close: that one fires request_finished, which may close the connection.
        try:
            if buffer_enabled():
                if row_buffered(row):
                    calls_drain(max_batches=1)
            else:
                call_record(row)
        finally:
            close()

    response.close = record_then_close
