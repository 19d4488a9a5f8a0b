"""OpenTelemetry traces of every request, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

gateway/wsgi.py imports this module only then, so without the variable no OpenTelemetry code is
loaded and a request pays nothing. The exporter reads the standard OTEL_EXPORTER_OTLP_* variables
itself (endpoint, headers, timeout); spans leave in batches from a background thread, which the SDK
restarts in each gunicorn worker after the fork.
"""

import os

from django.core.exceptions import ImproperlyConfigured

try:
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
except ImportError as exc:  # the optional `otel` extra
    raise ImproperlyConfigured(
        "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: pip install '.[otel]'."
    ) from exc


def traces_start() -> None:
    """Send a span per request to the OTLP/HTTP collector; call before the WSGI handler loads middleware."""
    name = os.environ.get("OTEL_SERVICE_NAME") or "plugin-gateway"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    # Adds its middleware to settings.MIDDLEWARE, hence before get_wsgi_application().
    DjangoInstrumentor().instrument()
