"""Read an import document: items of the v1 API shapes, with the line each starts on, checked row by row."""

import json
import re
from collections.abc import Iterator
from datetime import date

from .models import STAT_COUNTS, STAT_PCTS

SECTIONS = ["teams", "players", "games", "stats"]  # dependency order: each refers only to earlier ones
WHITESPACE = re.compile(r"[ \t\n\r]*")
MINUTES = re.compile(r"(\d{1,3})(?::(\d{1,2}))?(?:\.\d+)?")


class RowError(ValueError):
    """A row (or the document) that cannot be imported; the message says why."""


class Document:
    """A JSON import document held as text, so every item can be reported by its line number."""

    def __init__(self, text: str):
        self.text = text
        self.decoder = json.JSONDecoder()
        self.sections: dict[str, int] = {}  # section name -> offset of its "["

    def _skip(self, pos: int) -> int:
        return WHITESPACE.match(self.text, pos).end()

    def _expect(self, pos: int, chars: str) -> tuple[str, int]:
        pos = self._skip(pos)
        if pos >= len(self.text) or self.text[pos] not in chars:
            raise RowError(f"line {self.line(pos)}: expected {' or '.join(repr(c) for c in chars)}")
        return self.text[pos], pos + 1

    def _decode(self, pos: int):
        try:
            return self.decoder.raw_decode(self.text, pos)
        except json.JSONDecodeError as error:
            raise RowError(f"line {error.lineno}: invalid JSON ({error.msg})") from error

    def line(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def scan(self) -> None:
        """Find where each known section starts; unknown keys are skipped, a non-object is refused."""
        _, pos = self._expect(0, "{")
        while True:
            pos = self._skip(pos)
            if self.text.startswith("}", pos):
                break
            key, pos = self._decode(pos)
            _, pos = self._expect(pos, ":")
            pos = self._skip(pos)
            if key in SECTIONS:
                if not self.text.startswith("[", pos):
                    raise RowError(f"line {self.line(pos)}: '{key}' must be a list")
                self.sections[key] = pos
            _, pos = self._decode(pos)  # skip the value: items are read later, section by section
            char, pos = self._expect(pos, ",}")
            if char == "}":
                break

    def items(self, section: str) -> Iterator[tuple[int, dict]]:
        """Yield (line, item) for each item of a section, counting lines as it goes."""
        pos = self.sections.get(section)
        if pos is None:
            return
        line, counted = self.line(pos), pos
        pos = self._skip(pos + 1)
        if self.text.startswith("]", pos):
            return
        while True:
            pos = self._skip(pos)
            line += self.text.count("\n", counted, pos)
            counted = pos
            item, pos = self._decode(pos)
            yield line, item
            char, pos = self._expect(pos, ",]")
            if char == "]":
                return


def _ref(item: dict, name: str, *, required: bool = True) -> int | None:
    """Return the id of a nested object (`team: {"id": ...}`) or of its flat form (`team_id`)."""
    nested = item.get(name)
    value = nested.get("id") if isinstance(nested, dict) else item.get(f"{name}_id")
    if value is None and not required:
        return None
    return _int({"id": value}, "id", label=f"{name}.id", minimum=1)


def _int(item: dict, name: str, *, label: str = "", minimum: int = 0, required: bool = True) -> int | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= 2**31 - 1:
        raise RowError(f"'{label or name}' must be an integer from {minimum}, got {value!r}")
    return value


def _str(item: dict, name: str, *, required: bool = False, max_length: int = 100) -> str:
    value = item.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value) or len(value) > max_length:
        raise RowError(f"'{name}' must be a text of 1 to {max_length} characters, got {value!r}")
    return value


def _float(item: dict, name: str) -> float | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RowError(f"'{name}' must be a number, got {value!r}")
    return float(value)


def team_row(item: dict) -> dict:
    return {
        "id": _int(item, "id", minimum=1),
        "abbreviation": _str(item, "abbreviation", required=True, max_length=10),
        "city": _str(item, "city", max_length=60),
        "conference": _str(item, "conference", max_length=10),
        "division": _str(item, "division", max_length=30),
        "full_name": _str(item, "full_name", required=True),
        "name": _str(item, "name", required=True, max_length=60),
    }


def player_row(item: dict) -> dict:
    small = {name: _int(item, name, required=False) for name in ("height_feet", "height_inches", "weight_pounds")}
    if any(value is not None and value > 1000 for value in small.values()):
        raise RowError("height and weight must be below 1000")
    return {
        "id": _int(item, "id", minimum=1),
        "first_name": _str(item, "first_name", required=True, max_length=60),
        "last_name": _str(item, "last_name", required=True, max_length=60),
        "position": _str(item, "position", max_length=10),
        **small,
        "team_id": _ref(item, "team", required=False),
    }


def game_row(item: dict) -> dict:
    raw = item.get("date")
    try:
        # v1 writes "2018-10-16T00:00:00.000Z"; the day is what counts.
        day = date.fromisoformat(raw[:10]) if isinstance(raw, str) and len(raw) >= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise RowError(f"'date' must start with YYYY-MM-DD, got {raw!r}")
    if not isinstance(item.get("postseason", False), bool):
        raise RowError(f"'postseason' must be true or false, got {item.get('postseason')!r}")
    return {
        "id": _int(item, "id", minimum=1),
        "date": day,
        "season": _int(item, "season", minimum=1946),
        "postseason": item.get("postseason", False),
        "status": _str(item, "status", max_length=40),
        "period": _int(item, "period", required=False) or 0,
        "time": _str(item, "time", max_length=20),
        "home_team_id": _ref(item, "home_team"),
        "visitor_team_id": _ref(item, "visitor_team"),
        "home_team_score": _int(item, "home_team_score", required=False) or 0,
        "visitor_team_score": _int(item, "visitor_team_score", required=False) or 0,
    }


def seconds_played(minutes) -> int | None:
    """Parse v1 minutes ("36:49", "36", "" or null) into seconds; None when the player did not play."""
    if minutes is None or minutes == "":
        return None
    match = MINUTES.fullmatch(minutes) if isinstance(minutes, str) else None
    if match is None:
        raise RowError(f"'min' must look like \"36:49\", got {minutes!r}")
    return int(match[1]) * 60 + int(match[2] or 0)


def stat_row(item: dict) -> dict:
    player = item.get("player")
    team_id = _ref(item, "team", required=False)
    if team_id is None and isinstance(player, dict):
        team_id = _ref(player, "team", required=False)  # older dumps carry the team on the player only
    if team_id is None:
        raise RowError("'team' (or player.team_id) is required")
    counts = {name: _int(item, name, required=False) for name in STAT_COUNTS}
    if any(value is not None and value > 32767 for value in counts.values()):
        raise RowError("box-score counts must be below 32768")
    return {
        "id": _int(item, "id", minimum=1),
        "game_id": _ref(item, "game"),
        "player_id": _ref(item, "player"),
        "team_id": team_id,
        "min": _str(item, "min", max_length=10) if item.get("min") is not None else "",
        "seconds": seconds_played(item.get("min")),
        **counts,
        **{name: _float(item, name) for name in STAT_PCTS},
    }


ROW_PARSERS = {"teams": team_row, "players": player_row, "games": game_row, "stats": stat_row}
