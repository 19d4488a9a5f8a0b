"""Writes of usage rows: one cheap insert after the response is sent, and pruning by age."""

import logging

from django.db import connection, transaction

from .models import Call
from .record import call_fields

logger = logging.getLogger(__name__)


def call_create(**fields) -> Call:
    """Insert one usage row.

    On PostgreSQL the commit does not wait for the WAL flush: a crash may lose the last fraction of a
    second of analytics, never the API's own data, and the insert costs a round trip, not a disk sync.
    """
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return Call.objects.create(**fields)


def call_record(*, request, response, started: float, duration_ms: float) -> None:
    """Record the request if it was an API call; log and swallow any failure (analytics never fail a call).

    One atomic block around the lookups and the insert, so a failure leaves the connection usable
    (a savepoint when the caller already holds a transaction).
    """
    try:
        with transaction.atomic():
            fields = call_fields(request, response, started=started, duration_ms=duration_ms)
            if fields is not None:
                call_create(**fields)
    except Exception as exc:
        logger.warning("Usage of %s not recorded: %s: %s", request.path, type(exc).__name__, exc)


def call_prune(*, before, batch_size: int = 10_000) -> int:
    """Delete rows created before `before`, a batch per statement (short locks); return how many."""
    deleted = 0
    while True:
        ids = list(Call.objects.filter(created_at__lt=before).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += Call.objects.filter(pk__in=ids).delete()[0]
