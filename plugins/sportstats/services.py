"""Writes: the importer's batches, the demo loader and the benchmark generator."""

from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction

from gateway.api import plugin_changed

from . import demo
from .importing import ROW_PARSERS, SECTIONS, Document, RowError
from .models import Game, Player, Stat, Team
from .selectors import DEMO_CACHE_KEY

MODELS = {"teams": Team, "players": Player, "games": Game, "stats": Stat}
# Which ids of which section each row refers to, checked against the database batch by batch.
REFERENCES = {
    "players": {"team_id": Team},
    "games": {"home_team_id": Team, "visitor_team_id": Team},
    "stats": {"game_id": Game, "player_id": Player, "team_id": Team},
}
MAX_REPORTED = 20


def statistics_refresh() -> None:
    """Have PostgreSQL re-read the tables' statistics after a bulk load (ANALYZE).

    Until autovacuum gets to it (a minute or more later), the planner believes the new rows are not
    there: right after the demo load, getStats for one player and season joined all 874 games one
    index probe at a time (1.6 ms) instead of the player's 59 box scores (0.8 ms).
    """
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in MODELS.values())
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def _upsert(model, rows: list[dict]) -> None:
    """Insert rows or update the ones whose id exists; an imported row is never demo data."""
    fields = [name for name in rows[0] if name != "id"] + ["is_demo"]
    objects = [model(is_demo=False, **row) for row in rows]
    model.objects.bulk_create(objects, update_conflicts=True, unique_fields=["id"], update_fields=fields)


def _missing_references(section: str, batch: list[tuple[int, dict]]) -> list[str]:
    errors = []
    for field, model in REFERENCES.get(section, {}).items():
        wanted = {row[field] for _, row in batch if row[field] is not None}
        known = set(model.objects.filter(id__in=wanted).values_list("id", flat=True))
        name = field.removesuffix("_id")
        errors += [f"line {line}: {name} {row[field]} does not exist" for line, row in batch if row[field] not in known]
    return errors


def document_check(document: Document) -> dict[str, int]:
    """Check every row's shape before anything is written; return the row count per section."""
    document.scan()
    counts, errors = {}, []
    for section in SECTIONS:
        counts[section] = 0
        for line, item in document.items(section):
            counts[section] += 1
            try:
                if not isinstance(item, dict):
                    raise RowError("each item must be a JSON object")
                ROW_PARSERS[section](item)
            except RowError as error:
                errors.append(f"line {line}: {section}: {error}")
        if len(errors) >= MAX_REPORTED:
            break
    if errors:
        raise RowError("refused, nothing imported:\n" + "\n".join(errors[:MAX_REPORTED]))
    return counts


def document_import(
    document: Document, *, batch_size: int = 2000, progress: Callable[[str, int], None] | None = None
) -> None:
    """Upsert a checked document section by section, one transaction per batch.

    A batch that refers to a missing team, player or game is rolled back whole and stops the
    import; the batches before it stay (re-running after a fix is safe: rows are upserted by id).
    """
    for section in SECTIONS:
        done = 0
        for batch in _batches(document.items(section), batch_size):
            rows = [(line, ROW_PARSERS[section](item)) for line, item in batch]
            with transaction.atomic():
                errors = _missing_references(section, rows)
                if errors:
                    raise RowError(
                        f"{section}: batch starting at line {rows[0][0]} refused (earlier batches were imported):\n"
                        + "\n".join(errors[:MAX_REPORTED])
                    )
                _upsert(MODELS[section], [row for _, row in rows])
            done += len(rows)
            if progress:
                progress(section, done)
    statistics_refresh()


def _batches(items: Iterable, size: int) -> Iterable[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def demo_changed() -> None:
    """Make every answer, text and cached spec say afresh whether the data is the demo league.

    Drops the cached flag and saves the plugin's row: its new version keys a new OpenAPI document
    (whose descriptions carry the demo note), and saving evicts the cached row in every worker.
    """
    cache.delete(DEMO_CACHE_KEY)
    plugin_changed(slug=apps.get_app_config("sportstats").slug)


def demo_drop() -> int:
    """Delete every demo row (before importing real data); return how many."""
    deleted = 0
    with transaction.atomic():
        for model in (Stat, Game, Player, Team):
            deleted += model.objects.filter(is_demo=True).delete()[1].get(model._meta.label, 0)
    demo_changed()  # after the commit: a worker reading the flag meanwhile would cache the old rows' answer
    return deleted


def demo_load() -> str:
    """Load the fictional league and one generated season, unless any team exists already."""
    with transaction.atomic():
        if Team.objects.exists():
            return "sport stats data already present"
        teams, players = demo.league_teams_players()
        games, stats = demo.season_generate(season=demo.DEMO_SEASON, teams=teams, players=players)
        for model, rows in ((Team, teams), (Player, players), (Game, games), (Stat, stats)):
            model.objects.bulk_create(rows, batch_size=500)
    statistics_refresh()
    demo_changed()
    return (
        f"a fictional DEMO league: {len(teams)} teams, {len(players)} invented players, and a generated season "
        f"{demo.DEMO_SEASON} ({len(games)} games, {len(stats)} box scores); answers say meta.demo = true"
    )


def stats_generate(*, stats: int, progress: Callable[[int], None] | None = None) -> int:
    """Generate demo seasons backwards from the demo season until `stats` box scores exist; return the count.

    Ids are derived from the season, so a second run inserts nothing new.
    """
    demo_load()
    teams, players = list(Team.objects.order_by("id")), list(Player.objects.filter(is_demo=True).order_by("id"))
    made, season = 0, demo.DEMO_SEASON
    while made < stats and season >= 1946:
        games, rows = demo.season_generate(season=season, teams=teams, players=players)
        rows = rows[: stats - made]
        with transaction.atomic():
            Game.objects.bulk_create(games, batch_size=2000, ignore_conflicts=True)
            Stat.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        made += len(rows)
        season -= 1
        if progress:
            progress(made)
    statistics_refresh()
    return made
