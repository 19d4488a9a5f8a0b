from django.core.management.base import BaseCommand

from ...buffer import buffer_enabled, buffered_count, calls_drain


class Command(BaseCommand):
    help = "Write the usage rows buffered in Redis to the table now (a drain also runs on its own under traffic)."

    def handle(self, *args, **options):
        if not buffer_enabled():
            self.stdout.write("No usage buffer here (REDIS_URL is not set): every call's row is written directly.")
            return
        written = calls_drain()
        self.stdout.write(f"Wrote {written} buffered API call(s); {buffered_count()} still buffered.")
