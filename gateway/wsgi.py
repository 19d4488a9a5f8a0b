import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.production")

# Traces only when a collector is named: otherwise OpenTelemetry is never imported (gateway.ops.traces).
if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
    from gateway.ops.traces import traces_start

    traces_start()

application = get_wsgi_application()
