import sys

from django.core.management.base import BaseCommand, CommandError

from plugins.sportstats import selectors, services
from plugins.sportstats.importing import Document, RowError


class Command(BaseCommand):
    help = (
        'Import {"teams": [...], "players": [...], "games": [...], "stats": [...]} (balldontlie v1 shapes), '
        "read as a stream (a file, or - for standard input). All or nothing; safe to run again: rows are "
        "upserted by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON document to import; - reads standard input.")
        parser.add_argument("--drop-demo", action="store_true", help="Delete the demo data first.")

    def handle(self, *args, path, drop_demo, **options):
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            counts, deleted = services.document_import(Document(stream), drop_demo=drop_demo, progress=self.progress)
        except RowError as error:
            raise CommandError(str(error)) from error
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        finally:
            if stream is not sys.stdin:
                stream.close()
        if drop_demo:
            self.stdout.write(f"Deleted {deleted} demo rows.")
        self.stdout.write(", ".join(f"{count} {section}" for section, count in counts.items()) + " imported.")
        if selectors.demo_present(fresh=True):
            self.stdout.write("Demo rows remain, so answers still say meta.demo = true; --drop-demo deletes them.")

    def progress(self, section: str, rows: int) -> None:
        """Report on stderr how many rows of a section were read so far."""
        self.stderr.write(f"{section:8} {rows} rows")
        self.stderr.flush()
