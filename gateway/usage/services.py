"""Writes of usage rows: one cheap insert, a bulk insert of buffered rows, and pruning by age."""

import contextlib
import json
import logging
from datetime import UTC, datetime
from functools import cache

from django.db import connection, transaction

from .models import Call

logger = logging.getLogger(__name__)


def call_from_row(row: dict) -> Call:
    """Return the unsaved Call of a row (gateway.usage.recorder.call_row)."""
    return Call(**{**row, "created_at": datetime.fromtimestamp(row["created_at"], tz=UTC)})


@cache
def call_insert_sql() -> tuple[str, list]:
    """Return a one-statement PostgreSQL INSERT whose commit skips the WAL flush wait, and its fields.

    Cached per process like gateway.hosting.host_urlconf: it derives from the model's code only, and
    building it (db_type of every field) would cost more than the insert's round trip.

    set_config(..., true) lasts for the statement's own transaction (autocommit), so the commit
    returns without waiting for the disk: a crash may lose the last fraction of a second of
    analytics, never the API's own writes. One round trip, where SET LOCAL needs BEGIN ... COMMIT.
    The casts give the SELECT list the columns' types (bare parameters there would be text).
    """
    fields = [field for field in Call._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(f"%s::{field.db_type(connection)}" for field in fields)
    # Identifiers come from the model; every value is a parameter.
    table = quote(Call._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT {values} FROM set_config('synchronous_commit', 'off', true)"  # noqa: S608
    return sql, fields


def call_create(call: Call) -> None:
    """Insert one usage row (on PostgreSQL without waiting for the WAL flush, see call_insert_sql)."""
    if connection.vendor != "postgresql":
        call.save(force_insert=True)
        return
    sql, columns = call_insert_sql()
    params = [field.get_db_prep_save(getattr(call, field.attname), connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def call_record(row: dict) -> None:
    """Insert one call's row; log and swallow any failure (analytics never fail a call).

    In autocommit (production) a failed statement leaves the connection usable; inside a caller's
    transaction (tests, ATOMIC_REQUESTS) a savepoint keeps that transaction usable.
    """
    try:
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            call_create(call_from_row(row))
    except Exception as exc:
        logger.warning("Usage of %s %s not recorded: %s: %s", row["plugin"], row["operation"], type(exc).__name__, exc)


def calls_insert(rows: list[dict]) -> None:
    """Insert buffered rows in one statement; a row already written (same event_id) is skipped."""
    Call.objects.bulk_create([call_from_row(row) for row in rows], ignore_conflicts=True)


@cache
def calls_insert_json_sql() -> str:
    """Return a PostgreSQL INSERT of a JSON array of rows (one parameter), skipping rows already written.

    PostgreSQL parses the rows (json_to_recordset, typed by the model's columns), so a batch costs
    Python no object per row: a drain of 500 rows took 22-27 ms of CPU through bulk_create. Cached
    per process as call_insert_sql, and with the same asynchronous commit.
    """
    fields = [field for field in Call._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    # created_at travels as seconds since the epoch (recorder.call_row).
    types = {field.attname: field.db_type(connection) for field in fields} | {"created_at": "float8"}
    record = ", ".join(f"{quote(name)} {kind}" for name, kind in types.items())
    values = ", ".join(
        f"to_timestamp(r.{quote(name)})" if name == "created_at" else f"r.{quote(name)}" for name in types
    )
    # Identifiers and types come from the model; the rows are the one parameter.
    table = quote(Call._meta.db_table)
    return (
        f"INSERT INTO {table} ({columns}) SELECT {values} "  # noqa: S608
        f"FROM json_to_recordset(%s::json) AS r({record}), set_config('synchronous_commit', 'off', true) "
        "ON CONFLICT DO NOTHING"
    )


def calls_insert_json(rows: list[bytes]) -> None:
    """Insert buffered rows as the buffer holds them (JSON objects), as calls_insert does."""
    if connection.vendor != "postgresql":
        calls_insert([json.loads(row) for row in rows])
        return
    with connection.cursor() as cursor:
        cursor.execute(calls_insert_json_sql(), ["[" + b",".join(rows).decode() + "]"])


def call_prune(*, before, batch_size: int = 10_000) -> int:
    """Delete rows created before `before`, a batch per statement (short locks); return how many."""
    deleted = 0
    while True:
        ids = list(Call.objects.filter(created_at__lt=before).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += Call.objects.filter(pk__in=ids).delete()[0]
