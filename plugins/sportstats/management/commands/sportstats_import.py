import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plugins.sportstats import selectors, services
from plugins.sportstats.importing import Document, RowError

PROGRESS_FROM = 10_000  # rows; smaller files import too fast for a progress bar to help


class Command(BaseCommand):
    help = (
        'Import {"teams": [...], "players": [...], "games": [...], "stats": [...]} (balldontlie v1 shapes). '
        "Safe to run again: rows are upserted by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON document to import.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per transaction (default 2000).")
        parser.add_argument("--drop-demo", action="store_true", help="Delete the demo data first.")

    def handle(self, *args, path, batch_size, drop_demo, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            document = Document(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            counts = services.document_check(document)
            if drop_demo:
                self.stdout.write(f"Deleted {services.demo_drop()} demo rows.")
            bar = ProgressBar(counts, self.stderr) if sum(counts.values()) >= PROGRESS_FROM else None
            services.document_import(document, batch_size=batch_size, progress=bar)
        except RowError as error:
            raise CommandError(str(error)) from error
        finally:
            if sys.stderr.isatty():
                self.stderr.write("")
        self.stdout.write(", ".join(f"{count} {section}" for section, count in counts.items()) + " imported.")
        if selectors.demo_present(fresh=True):
            self.stdout.write("Demo rows remain, so answers still say meta.demo = true; --drop-demo deletes them.")


class ProgressBar:
    """Redraw one line per section on stderr: `stats  [#####.....] 500000/1000000`."""

    def __init__(self, counts: dict[str, int], stream):
        self.counts, self.stream = counts, stream

    def __call__(self, section: str, done: int) -> None:
        total = self.counts[section] or 1
        filled = 30 * done // total
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{section:8} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending=end)
        self.stream.flush()
