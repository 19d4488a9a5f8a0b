"""The WSGI entry of every production server (serve.py's granian, gunicorn)."""

import io
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.production")

# Traces only when a collector is named: otherwise OpenTelemetry is never imported (gateway.ops.traces).
if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
    from gateway.ops.traces import traces_start

    traces_start()


def chunked_body_read(environ) -> None:
    """Give a chunked body (no Content-Length) the length Django reads, up to the limit plus one byte.

    Django reads CONTENT_LENGTH bytes only, so a chunked body was empty. granian and gunicorn both
    hand the decoded body in wsgi.input and mark it `wsgi.input_terminated` (it ends where the body
    does). Reading one byte past GATEWAY_MAX_REQUEST_BYTES lets the guard answer an over-limit body
    with the same 413 as a Content-Length one, without holding more of it in memory.
    """
    if environ.get("CONTENT_LENGTH") or "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return
    if not environ.get("wsgi.input_terminated"):
        return  # a server that does not say the stream ends: reading it could wait forever
    wanted = settings.GATEWAY_MAX_REQUEST_BYTES + 1
    stream, chunks, size = environ["wsgi.input"], [], 0
    while size < wanted:
        chunk = stream.read(wanted - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    environ["wsgi.input"] = io.BytesIO(b"".join(chunks))
    environ["CONTENT_LENGTH"] = str(size)


django_application = get_wsgi_application()


def application(environ, start_response):
    chunked_body_read(environ)
    return django_application(environ, start_response)
