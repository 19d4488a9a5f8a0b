"""The usage settings (Django settings, from the environment in gateway.settings.base)."""

from django.conf import settings


def usage_enabled() -> bool:
    """Return whether API calls are recorded (GATEWAY_USAGE_ENABLED, on by default)."""
    return settings.GATEWAY_USAGE_ENABLED


def retention_days() -> int:
    """Return how many days of calls `usage_prune` keeps (GATEWAY_USAGE_RETENTION_DAYS, 30)."""
    return settings.GATEWAY_USAGE_RETENTION_DAYS
