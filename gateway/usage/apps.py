from django.apps import AppConfig


class UsageConfig(AppConfig):
    """Usage analytics: one row per plugin API call (HTTP or MCP tool call), with admin charts."""

    name = "gateway.usage"
    label = "usage"
    verbose_name = "Usage"
    default_auto_field = "django.db.models.BigAutoField"
