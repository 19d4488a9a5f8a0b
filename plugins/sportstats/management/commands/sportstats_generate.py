from django.core.management.base import BaseCommand, CommandError

from plugins.sportstats import services


class Command(BaseCommand):
    help = "Generate demo seasons of box scores for benchmarks (labelled demo data; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--stats", type=int, default=1_000_000, help="How many box scores (default 1000000).")

    def handle(self, *args, stats, **options):
        if stats < 1:
            raise CommandError("--stats must be at least 1.")

        def progress(made: int) -> None:
            self.stderr.write(f"\rstats {made}/{stats}", ending="")
            self.stderr.flush()

        made = services.stats_generate(stats=stats, progress=progress)
        self.stderr.write("")
        self.stdout.write(f"{made} demo box scores present.")
