"""Writes: the importer's batches, the demo loader and the benchmark generator."""

from collections.abc import Callable
from contextlib import ExitStack

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max

from gateway.api import plugin_changed

from . import demo
from .importing import ROW_PARSERS, SECTIONS, Document, RowError
from .models import Game, Player, Stat, Team
from .selectors import DEMO_CACHE_KEY

MODELS = {"teams": Team, "players": Player, "games": Game, "stats": Stat}
# Which ids each section's rows refer to, checked against the tables once the earlier sections are in.
REFERENCES = {
    "players": {"team_id": Team},
    "games": {"home_team_id": Team, "visitor_team_id": Team},
    "stats": {"game_id": Game, "player_id": Player, "team_id": Team},
}
MAX_REPORTED = 20
PROGRESS_EVERY = 50_000  # rows read between two progress reports
SQLITE_BATCH = 2000  # rows per executemany where there is no COPY
# The raw SQL below (noqa: S608) is built only from model table names and the parsers' fixed column
# names; every value travels by COPY or as a query parameter.


def statistics_refresh() -> None:
    """Have PostgreSQL re-read the tables after a bulk load: VACUUM ANALYZE, or ANALYZE inside a transaction.

    Until autovacuum gets to it (a minute or more later), the planner believes the new rows are not
    there; until a VACUUM sets the visibility map, counts cannot be answered from the index alone
    (getStats' count: 12 ms instead of 1.8 ms at a million rows). VACUUM cannot run in a transaction,
    so a caller inside one (a test) gets the ANALYZE only.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in MODELS.values())
    with connection.cursor() as cursor:
        cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {tables}")


class Staging:
    """Temporary tables holding a document's rows (with their line) until all of them are checked.

    PostgreSQL receives them by COPY, one COPY per section as the document streams by; SQLite by
    batched INSERTs. The tables live in the import's transaction and go with it.
    """

    def __init__(self, cursor, stack: ExitStack):
        self.cursor, self.stack = cursor, stack
        self.columns: dict[str, list[str]] = {}
        self.counts = dict.fromkeys(SECTIONS, 0)
        self.copy, self.section, self.pending = None, None, []

    @staticmethod
    def table(section: str) -> str:
        return f"sportstats_import_{section}"

    def add(self, section: str, line: int, row: dict) -> None:
        if section != self.section:
            self.flush()
            self.section = section
        if section not in self.columns:
            self.columns[section] = list(row)
            target = MODELS[section]._meta.db_table
            # The real table's column types, without its constraints: a row is checked before it gets there.
            self.cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table(section)} AS SELECT {', '.join(row)} FROM {target} LIMIT 0"  # noqa: S608
            )
            self.cursor.execute(f"ALTER TABLE {self.table(section)} ADD COLUMN n integer")
            self.cursor.execute(f"ALTER TABLE {self.table(section)} ADD COLUMN line integer")
        self.counts[section] += 1
        values = [*row.values(), self.counts[section], line]
        if connection.vendor == "postgresql":
            if self.copy is None:
                columns = ", ".join([*self.columns[section], "n", "line"])
                self.copy = self.stack.enter_context(
                    self.cursor.copy(f"COPY {self.table(section)} ({columns}) FROM STDIN")
                )
            self.copy.write_row(values)
        else:
            self.pending.append(values)
            if len(self.pending) >= SQLITE_BATCH:
                self.flush()

    def flush(self) -> None:
        """End the running COPY (or write the pending rows) of the current section."""
        if self.copy is not None:
            self.copy = None
            self.stack.close()  # the COPY is the only context on the stack
        if self.pending:
            columns = [*self.columns[self.section], "n", "line"]
            marks = ", ".join(["%s"] * len(columns))
            self.cursor.executemany(
                f"INSERT INTO {self.table(self.section)} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                self.pending,
            )
            self.pending = []

    def drop(self) -> None:
        for section in self.columns:
            self.cursor.execute(f"DROP TABLE {self.table(section)}")


def _missing_references(cursor, section: str) -> list[str]:
    errors = []
    for field, model in REFERENCES.get(section, {}).items():
        cursor.execute(
            f"SELECT s.line, s.{field} FROM {Staging.table(section)} s WHERE s.{field} IS NOT NULL AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {model._meta.db_table} t WHERE t.id = s.{field}) ORDER BY s.n LIMIT {MAX_REPORTED}"
        )
        name = field.removesuffix("_id")
        errors += [f"line {line}: {section}: {name} {value} does not exist" for line, value in cursor.fetchall()]
    return errors


def _upsert(cursor, section: str, columns: list[str]) -> int:
    """Insert the staged rows or update those whose id exists (the last of duplicates wins); return how many.

    An imported row is never demo data; a box score takes its season and postseason from its game.
    """
    staged = Staging.table(section)
    target = MODELS[section]._meta.db_table
    names, values = [*columns, "is_demo"], [f"s.{name}" for name in columns] + ["%s"]
    joins = ""
    if section == "stats":
        names += ["season", "postseason"]
        values += ["g.season", "g.postseason"]
        joins = f" JOIN {Game._meta.db_table} g ON g.id = s.game_id"
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != "id")
    # "WHERE" before ON CONFLICT keeps SQLite from reading ON as a join constraint.
    cursor.execute(
        f"INSERT INTO {target} ({', '.join(names)}) SELECT {', '.join(values)} FROM {staged} s{joins} "  # noqa: S608
        f"WHERE s.n IN (SELECT max(n) FROM {staged} GROUP BY id) ON CONFLICT (id) DO UPDATE SET {updates}",
        [False],
    )
    return cursor.rowcount


def _stats_follow_games(cursor) -> None:
    """Copy a re-imported game's season and postseason flag onto the box scores it already had."""
    stat, game = Stat._meta.db_table, Game._meta.db_table
    cursor.execute(
        f"UPDATE {stat} SET season = g.season, postseason = g.postseason FROM {game} g "  # noqa: S608
        f"WHERE g.id = {stat}.game_id AND g.id IN (SELECT id FROM {Staging.table('games')}) "
        f"AND ({stat}.season <> g.season OR {stat}.postseason <> g.postseason)"
    )


def document_import(
    document: Document, *, drop_demo: bool = False, progress: Callable[[str, int], None] | None = None
) -> tuple[dict[str, int], int]:
    """Import a document in one transaction, reading it once; return the row count per section and
    how many demo rows `drop_demo` deleted (in the same transaction, so a refused import keeps them).

    Every row is checked as it streams by and staged; only when all rows are well formed and every
    team, player and game they refer to exists (in the tables or the document) are the tables
    upserted, section by section in dependency order. Anything refused leaves the tables untouched.
    Re-importing is safe: rows are upserted by id.
    """
    errors = []
    with transaction.atomic(), connection.cursor() as cursor, ExitStack() as stack:
        staging = Staging(cursor, stack)
        for section, line, item in document.items():
            try:
                if not isinstance(item, dict):
                    raise RowError("each item must be a JSON object")
                row = ROW_PARSERS[section](item)
            except RowError as error:
                errors.append(f"line {line}: {section}: {error}")
                if len(errors) >= MAX_REPORTED:
                    break
                continue
            if not errors:
                staging.add(section, line, row)
                if progress and staging.counts[section] % PROGRESS_EVERY == 0:
                    progress(section, staging.counts[section])
        if errors:
            raise RowError("refused, nothing imported:\n" + "\n".join(errors))
        staging.flush()
        deleted = _demo_delete() if drop_demo else 0
        for section in SECTIONS:
            if section not in staging.columns:
                continue
            missing = _missing_references(cursor, section)
            if missing:
                raise RowError("refused, nothing imported:\n" + "\n".join(missing[:MAX_REPORTED]))
            _upsert(cursor, section, staging.columns[section])
            if section == "games":
                _stats_follow_games(cursor)
            if progress:
                progress(section, staging.counts[section])
        staging.drop()
    if deleted:
        demo_changed()
    statistics_refresh()
    return staging.counts, deleted


def demo_changed() -> None:
    """Make every answer, text and cached spec say afresh whether the data is the demo league.

    Drops the cached flag and saves the plugin's row: its new version keys a new OpenAPI document
    (whose descriptions carry the demo note), and saving evicts the cached row in every worker.
    """
    cache.delete(DEMO_CACHE_KEY)
    plugin_changed(slug=apps.get_app_config("sportstats").slug)


def _demo_delete() -> int:
    deleted = 0
    for model in (Stat, Game, Player, Team):
        deleted += model.objects.filter(is_demo=True).delete()[1].get(model._meta.label, 0)
    return deleted


def demo_drop() -> int:
    """Delete every demo row (before importing real data); return how many."""
    with transaction.atomic():
        deleted = _demo_delete()
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


def _copy(model, objects: list) -> None:
    """Write model instances by COPY on PostgreSQL, by batched bulk_create elsewhere."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=SQLITE_BATCH)
        return
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for instance in objects:
            copy.write_row([getattr(instance, field.attname) for field in fields])


def stats_generate(*, stats: int, progress: Callable[[int], None] | None = None) -> int:
    """Generate demo seasons backwards from the demo season until `stats` box scores exist; return the count.

    Ids are derived from the season, so a second run inserts nothing new: each season writes only the
    games and the box scores (a prefix, in id order) not there yet.
    """
    demo_load()
    teams, players = list(Team.objects.order_by("id")), list(Player.objects.filter(is_demo=True).order_by("id"))
    made, season = 0, demo.DEMO_SEASON
    while made < stats and season >= 1946:
        games, rows = demo.season_generate(season=season, teams=teams, players=players)
        rows = rows[: stats - made]
        with transaction.atomic():
            known = set(Game.objects.filter(id__in=[game.id for game in games]).values_list("id", flat=True))
            _copy(Game, [game for game in games if game.id not in known])
            if rows:
                last = Stat.objects.filter(id__gte=rows[0].id, id__lte=rows[-1].id).aggregate(last=Max("id"))["last"]
                _copy(Stat, [row for row in rows if last is None or row.id > last])
        made += len(rows)
        season -= 1
        if progress:
            progress(made)
    statistics_refresh()
    return made
