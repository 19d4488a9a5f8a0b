from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "gateway"
    verbose_name = "Plugin gateway"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401 - registers checks and signal receivers
        from .ops import signals as ops_signals

        post_migrate.connect(signals.plugins_sync_after_migrate, sender=self)
        ops_signals.connect()
