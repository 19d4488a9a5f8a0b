"""The usage settings: a Django setting when the project defines one, else the environment, else the default.

Read when used, never at import time.
"""

import os

from django.conf import settings


def usage_setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else os.environ.get(name, default)


def usage_enabled() -> bool:
    """Return whether API calls are recorded (GATEWAY_USAGE_ENABLED, on by default)."""
    return usage_setting("GATEWAY_USAGE_ENABLED", "1").strip().lower() in {"1", "true", "yes", "on"}


def retention_days() -> int:
    """Return how many days of calls `usage_prune` keeps (GATEWAY_USAGE_RETENTION_DAYS, 30)."""
    return int(usage_setting("GATEWAY_USAGE_RETENTION_DAYS", "30"))
