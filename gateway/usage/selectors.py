"""Reads for the usage pages: a constant number of queries whatever the number of rows.

Everything is plain ORM (TruncHour/TruncDay, Count, Avg) so the same code runs on PostgreSQL and on
the SQLite of the zero-setup run; percentiles use ORDER BY ... OFFSET, which both support.
"""

import math
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDay, TruncHour

from .models import Call

ERRORS = Count("id", filter=Q(is_error=True))


def call_queryset(*, plugin: str | None = None, since: datetime | None = None) -> QuerySet[Call]:
    queryset = Call.objects.all()
    if plugin is not None:
        queryset = queryset.filter(plugin=plugin)
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    return queryset


def call_percentile(*, queryset: QuerySet[Call], count: int, fraction: float) -> float | None:
    """Return the duration percentile as PostgreSQL's percentile_cont does (linear interpolation), in one query."""
    if count == 0:
        return None
    position = fraction * (count - 1)
    low = math.floor(position)
    values = list(queryset.order_by("duration_ms").values_list("duration_ms", flat=True)[low : low + 2])
    if len(values) == 1:
        return values[0]
    return values[0] + (position - low) * (values[1] - values[0])


def call_summary(*, plugin: str, since: datetime) -> dict:
    """Return totals, error rate, p50/p95 latency and distinct users of a plugin since a time."""
    queryset = call_queryset(plugin=plugin, since=since)
    summary = queryset.aggregate(
        calls=Count("id"),
        errors=ERRORS,
        users=Count("user_id", distinct=True),
        platform_users=Count("ephemeral_user_id", distinct=True, filter=~Q(ephemeral_user_id="")),
        conversations=Count("conversation_id", distinct=True, filter=~Q(conversation_id="")),
    )
    summary["error_rate"] = summary["errors"] / summary["calls"] if summary["calls"] else None
    summary["p50"] = call_percentile(queryset=queryset, count=summary["calls"], fraction=0.5)
    summary["p95"] = call_percentile(queryset=queryset, count=summary["calls"], fraction=0.95)
    return summary


def call_totals_by_plugin(*, since: datetime) -> dict[str, dict]:
    """Return {slug: {calls, errors, avg_ms, users}} for every plugin with calls since a time."""
    rows = (
        call_queryset(since=since)
        .values("plugin")
        .annotate(calls=Count("id"), errors=ERRORS, avg_ms=Avg("duration_ms"), users=Count("user_id", distinct=True))
        .order_by()
    )
    return {row.pop("plugin"): row for row in rows}


def call_counts(*, plugin: str, since: datetime, unit: str) -> dict[datetime, tuple[int, int]]:
    """Return {bucket start: (calls, errors)} per hour or day since a time, for buckets with calls."""
    trunc = {"hour": TruncHour, "day": TruncDay}[unit]
    rows = (
        call_queryset(plugin=plugin, since=since)
        .annotate(bucket=trunc("created_at"))
        .values("bucket")
        .annotate(calls=Count("id"), errors=ERRORS)
        .order_by("bucket")
    )
    return {row["bucket"]: (row["calls"], row["errors"]) for row in rows}


def call_top_operations(*, plugin: str, since: datetime, limit: int = 10) -> list[dict]:
    """Return the most called operations (per client kind) with their error counts and mean latency."""
    return list(
        call_queryset(plugin=plugin, since=since)
        .values("operation", "client")
        .annotate(calls=Count("id"), errors=ERRORS, avg_ms=Avg("duration_ms"))
        .order_by("-calls", "operation", "client")[:limit]
    )


def window_start(*, now: datetime, unit: str, count: int) -> datetime:
    """Return the start of the oldest of `count` whole hours or days ending with the current one."""
    if unit == "hour":
        current = now.replace(minute=0, second=0, microsecond=0)
        return current - timedelta(hours=count - 1)
    current = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return current - timedelta(days=count - 1)
