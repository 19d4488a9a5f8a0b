"""Liveness and readiness for load balancers and container healthchecks (gateway host only)."""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Answer 200 while the process serves requests; touch nothing else, so a DB outage never restarts it."""
    return JsonResponse({"status": "ok"})


def database_problem() -> str | None:
    """Return why the database is not ready (unreachable, or migrations not applied), or None."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"database unreachable: {type(exc).__name__}"
    if pending:
        return f"{len(pending)} migration(s) not applied, e.g. {pending[0][0].app_label}.{pending[0][0].name}"
    return None


def cache_problem() -> str | None:
    """Return why the cache cannot store and read back a value, or None."""
    key, value = "gateway:readyz", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        if cache.get(key) != value:
            return "cache did not return what was stored"
    except Exception as exc:  # the Redis client raises its own errors, with no base worth naming
        return f"cache unreachable: {type(exc).__name__}"
    return None


@never_cache
@require_safe
def readyz(request):
    """Answer 200 when the database is reachable and migrated and the cache works, else 503 naming why."""
    checks = {"database": database_problem(), "cache": cache_problem()}
    problems = [f"{name}: {problem}" for name, problem in checks.items() if problem]
    if problems:
        body = {
            "status": "unavailable",
            "checks": {name: problem or "ok" for name, problem in checks.items()},
            "error": {"code": "not_ready", "message": "; ".join(problems)},
        }
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "checks": {name: "ok" for name in checks}})
