from django.core.management.base import BaseCommand

from gateway.registry import plugin_configs
from gateway.services import plugins_sync


class Command(BaseCommand):
    help = "Load each plugin's demo data for the zero-setup run (safe to run again)."

    def handle(self, *args, **options):
        plugins_sync()
        for config in plugin_configs():
            summary = config.load_demo_data()
            if summary:
                self.stdout.write(f"{config.slug}: {summary}")
