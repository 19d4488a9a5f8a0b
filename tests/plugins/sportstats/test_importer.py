import json
import os
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from plugins.sportstats.models import Game, Player, Stat, Team

from .conftest import dataset


def counts() -> tuple[int, int, int, int]:
    return Team.objects.count(), Player.objects.count(), Game.objects.count(), Stat.objects.count()


def test_import_loads_every_row_with_the_upstream_ids(league):
    assert counts() == (3, 4, 5, 12)
    stat = Stat.objects.get(id=3)
    assert (stat.player_id, stat.game_id, stat.team_id, stat.seconds, stat.min) == (237, 1002, 14, 2209, "36:49")
    assert Stat.objects.get(id=7).seconds is None
    assert not Team.objects.filter(is_demo=True).exists()


def test_the_planner_sees_the_imported_rows_at_once(league):
    """The import ends with ANALYZE: PostgreSQL's row estimates match the tables, not "never analyzed" (-1)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [[model._meta.db_table for model in (Team, Player, Game, Stat)]],
        )
        estimates = dict(cursor.fetchall())
    assert estimates == {"sportstats_team": 3, "sportstats_player": 4, "sportstats_game": 5, "sportstats_stat": 12}


def test_reimport_updates_rows_and_makes_no_duplicates(db, write_document, league):
    changed = dataset()
    changed["players"][0]["last_name"] = "James Sr."
    changed["stats"][0]["pts"] = 31
    call_command("sportstats_import", write_document(changed))
    assert counts() == (3, 4, 5, 12)
    assert Player.objects.get(id=237).last_name == "James Sr."
    assert Stat.objects.get(id=1).pts == 31


def test_sections_may_come_in_any_order(db, write_document):
    data = dataset()
    reordered = {"stats": data["stats"], "games": data["games"], "players": data["players"], "teams": data["teams"]}
    call_command("sportstats_import", write_document(reordered))
    assert counts() == (3, 4, 5, 12)


@pytest.mark.parametrize(
    ("section", "index", "change", "reason"),
    [
        ("games", 2, {"date": "20 October 2022"}, "'date' must start with YYYY-MM-DD"),
        ("stats", 4, {"min": "forty"}, "'min' must look like"),
        ("stats", 0, {"pts": "30"}, "'pts' must be an integer"),
        ("players", 1, {"id": None}, "'id' must be an integer"),
        ("teams", 0, {"abbreviation": ""}, "'abbreviation' must be a text"),
        ("games", 0, {"home_team": {"name": "no id"}}, "'home_team.id' must be an integer"),
    ],
)
def test_malformed_row_is_refused_with_its_line_and_reason_and_nothing_is_imported(
    db, write_document, section, index, change, reason
):
    data = dataset()
    data[section][index].update(change)
    path = write_document(data)
    text = Path(path).read_text()
    # The refused item starts on the line of its "{", the line before its first key ("id"; unique here).
    first_key = json.dumps(data[section][index], indent=2).splitlines()[1].strip()
    expected_line = text.count("\n", 0, text.index(first_key, text.index(f'"{section}"')))
    with pytest.raises(CommandError) as error:
        call_command("sportstats_import", path)
    message = str(error.value)
    assert reason in message
    assert "nothing imported" in message
    assert f"line {expected_line}: {section}:" in message
    assert counts() == (0, 0, 0, 0)


def test_invalid_json_is_refused_with_a_line(db, write_document):
    path = write_document('{"teams": [\n{"id": 1,\n}]}')
    with pytest.raises(CommandError, match="line 3: invalid JSON"):
        call_command("sportstats_import", path)


def test_a_row_referring_to_a_missing_game_refuses_the_whole_import_with_its_line(db, write_document):
    data = dataset()
    data["stats"][7]["game"]["id"] = 4242  # stat id 8
    path = write_document(data)
    text = Path(path).read_text()
    line = text.count("\n", 0, text.index('"id": 8,'))  # the item's "{" is the line before its "id"
    with pytest.raises(
        CommandError, match=rf"refused, nothing imported:\nline {line}: stats: game 4242 does not exist"
    ):
        call_command("sportstats_import", path)
    assert counts() == (0, 0, 0, 0)


def test_progress_is_reported_for_large_files(db, write_document, capsys):
    data = dataset()
    base = data["stats"][0]
    data["stats"] = [base | {"id": index} for index in range(1, 50_001)]
    call_command("sportstats_import", write_document(data))
    assert "stats    50000 rows" in capsys.readouterr().err
    assert Stat.objects.count() == 50_000


def test_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("sportstats_import", "/nonexistent/dump.json")


def test_a_dump_streams_through_a_pipe_without_being_held_in_memory(db):
    """200,000 box scores written into a pipe as they are generated: the importer reads them as they come."""
    data = dataset()
    base = data["stats"][2]
    read, write = os.pipe()
    written = []

    def writer():
        with os.fdopen(write, "w", encoding="utf-8") as stream:
            head = {key: data[key] for key in ("teams", "players", "games")}
            stream.write(json.dumps(head)[:-1] + ', "stats": [\n')
            for index in range(1, 200_001):
                line = json.dumps(base | {"id": index, "pts": index % 50})
                stream.write(line + (",\n" if index < 200_000 else "\n]}\n"))
                written.append(len(line))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        call_command("sportstats_import", f"/dev/fd/{read}")
    finally:
        thread.join()
        os.close(read)
    assert Stat.objects.count() == 200_000
    assert Stat.objects.get(id=199_999).pts == 199_999 % 50
    assert set(Stat.objects.values_list("season", flat=True).distinct()) == {2022}
