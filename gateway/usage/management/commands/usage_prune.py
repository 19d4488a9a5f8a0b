from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...conf import retention_days
from ...services import call_prune


class Command(BaseCommand):
    help = "Delete recorded API calls older than N days (default GATEWAY_USAGE_RETENTION_DAYS, 30), in batches."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Keep this many days (default: GATEWAY_USAGE_RETENTION_DAYS).")
        parser.add_argument("--batch-size", type=int, default=10_000, help="Rows per DELETE (default 10000).")

    def handle(self, *args, days=None, batch_size, **options):
        days = retention_days() if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.", returncode=2)
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.", returncode=2)
        before = timezone.now() - timedelta(days=days)
        deleted = call_prune(before=before, batch_size=batch_size)
        self.stdout.write(f"Deleted {deleted} API call(s) recorded before {before:%Y-%m-%d %H:%M} UTC.")
