"""Live mode: the same operations proxied to a balldontlie-compatible API, briefly cached."""

import hashlib
import json
import re
from dataclasses import dataclass

import httpx
from django.core.cache import cache
from rest_framework.exceptions import NotFound

from gateway.api import UpstreamError, deployment_setting, upstream_get_json, upstream_timeout

from .models import Source, SportStatsSettings
from .serializers import v1_game_date

UPSTREAM_NAME = "The sport stats upstream"
BARE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Upstream:
    url: str
    key: str


def upstream_source() -> Upstream | None:
    """Return the live API to call, or None to answer from the database (admin row first, then env)."""
    row = SportStatsSettings.objects.load()
    if row.source == Source.DATABASE:
        return None
    url = row.upstream_url or deployment_setting("SPORTSTATS_UPSTREAM_URL")
    if not url:
        return None
    return Upstream(url=url.rstrip("/"), key=row.upstream_key or deployment_setting("SPORTSTATS_UPSTREAM_KEY"))


def upstream_params(filters: dict) -> list[tuple[str, str]]:
    """Turn validated filters into the upstream's query: lists as `name[]=`, dates as YYYY-MM-DD."""
    params = []
    for name, value in filters.items():
        if value is None or value == "" or value == []:
            continue
        if name == "query":
            params.append(("search", value))
        elif isinstance(value, list):
            params += [(f"{name}[]", str(item)) for item in value]
        elif isinstance(value, bool):
            params.append((name, "true" if value else "false"))
        else:
            params.append((name, str(value)))
    return params


def upstream_fetch(upstream: Upstream, path: str, filters: dict | None = None) -> dict:
    """GET `path` from the upstream and return its JSON object; errors become 404/502/503/504."""
    params = upstream_params(filters or {})
    digest = hashlib.sha256(json.dumps([upstream.url, upstream.key, path, params]).encode()).hexdigest()
    key = f"sportstats:upstream:{digest}"
    body = cache.get(key)
    if body is not None:
        return body
    headers = {"Authorization": upstream.key} if upstream.key else {}
    total = float(deployment_setting("SPORTSTATS_UPSTREAM_TIMEOUT", "10") or 10)
    with httpx.Client(timeout=upstream_timeout(connect=min(3.0, total), total=total), headers=headers) as client:
        status, body = upstream_get_json(client, f"{upstream.url}/{path}", params=params, name=UPSTREAM_NAME)
    if status == 404 and "/" in path:
        raise NotFound(f"No such {path.split('/')[0].rstrip('s')}: the upstream does not know it.")
    if status in (401, 403):
        raise UpstreamError(f"{UPSTREAM_NAME} refused the gateway's key (HTTP {status}); tell the operator.")
    if status >= 400 or not isinstance(body, dict):
        raise UpstreamError(f"{UPSTREAM_NAME} answered HTTP {status} with an unexpected body.")
    if "/" not in path and not isinstance(body.get("data"), list):
        raise UpstreamError(f"{UPSTREAM_NAME} answered without a 'data' list.")
    v1_game_dates(path, body)
    cache.set(key, body, int(deployment_setting("SPORTSTATS_UPSTREAM_CACHE_SECONDS", "60") or 60))
    return body


def v1_game_dates(path: str, body: dict) -> None:
    """Write the game dates of an upstream answer as v1 did and the spec declares (`date-time`), in place.

    balldontlie v1 sends "2018-10-16T00:00:00.000Z", which passes through as it is; an API that sends
    the bare day ("2018-10-16") would break the spec's format, so that form becomes v1's.
    """
    kind = path.split("/")[0]
    rows = [body] if "/" in path else body.get("data", [])
    if kind == "games":
        games = rows
    elif kind == "stats":
        games = [row.get("game") for row in rows if isinstance(row, dict)]
    else:
        return
    for game in games:
        if isinstance(game, dict) and isinstance(game.get("date"), str) and BARE_DATE.fullmatch(game["date"]):
            game["date"] = v1_game_date(game["date"])
