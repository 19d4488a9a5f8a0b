"""Read an import document: items of the v1 API shapes, with the line each starts on, checked row by row."""

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import TextIO

from .models import STAT_COUNTS, STAT_PCTS

SECTIONS = ["teams", "players", "games", "stats"]  # dependency order: each refers only to earlier ones
WHITESPACE = re.compile(r"[ \t\n\r]*")
MINUTES = re.compile(r"(\d{1,3})(?::(\d{1,2}))?(?:\.\d+)?")


class RowError(ValueError):
    """A row (or the document) that cannot be imported; the message says why."""


class Document:
    """A JSON import document read incrementally from a text stream (a file or a pipe).

    Only a window of the text is held: each item is decoded as soon as it is complete and the text
    before it is dropped, counting its newlines, so every item is still reported by its line number.
    """

    CHUNK = 1 << 20  # characters read at a time
    LOOKAHEAD = 1 << 16  # kept past the read position, so a value is never cut at the window's end

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.decoder = json.JSONDecoder()
        self.text, self.pos, self.eof = "", 0, False
        self.lines_before, self.counted = 0, 0  # newlines before text[counted]

    @classmethod
    def from_text(cls, text: str) -> "Document":
        return cls(io.StringIO(text))

    def _fill(self, wanted: int = LOOKAHEAD) -> bool:
        """Read until `wanted` characters lie past the position (or the end); return whether any came."""
        grew = False
        while len(self.text) - self.pos < wanted and not self.eof:
            if self.pos > self.CHUNK:  # drop what was read, keeping count of its lines
                self.line(self.pos)
                self.text, self.pos, self.counted = self.text[self.pos :], 0, 0
            chunk = self.stream.read(self.CHUNK)
            self.eof = not chunk
            self.text += chunk
            grew = grew or bool(chunk)
        return grew

    def line(self, pos: int | None = None) -> int:
        """Return the line number at `pos` (default: the read position), counting on from the last call."""
        pos = self.pos if pos is None else pos
        if pos < self.counted:  # behind the count (an error's position): count that stretch back
            return self.lines_before - self.text.count("\n", pos, self.counted) + 1
        self.lines_before += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.lines_before + 1

    def _skip(self) -> None:
        while True:
            self._fill()
            self.pos = WHITESPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text) or self.eof:
                return

    def _expect(self, chars: str) -> str:
        self._skip()
        if self.pos >= len(self.text) or self.text[self.pos] not in chars:
            raise RowError(f"line {self.line()}: expected {' or '.join(repr(c) for c in chars)}")
        self.pos += 1
        return self.text[self.pos - 1]

    def _decode(self):
        self._skip()
        wanted = self.LOOKAHEAD
        while True:
            try:
                value, self.pos = self.decoder.raw_decode(self.text, self.pos)
                return value
            except json.JSONDecodeError as error:
                # A value longer than the window: read more and try again; at the end it is truly invalid.
                wanted *= 4
                if not self._fill(wanted):
                    raise RowError(f"line {self.line(error.pos)}: invalid JSON ({error.msg})") from error

    def items(self) -> Iterator[tuple[str, int, object]]:
        """Yield (section, line, item) for each item of the known sections, in the document's order.

        Unknown keys are skipped; a known key whose value is not a list is refused.
        """
        self._expect("{")
        self._skip()
        if self.text.startswith("}", self.pos):
            return
        while True:
            key = self._decode()
            self._expect(":")
            self._skip()
            if key in SECTIONS:
                if not self.text.startswith("[", self.pos):
                    raise RowError(f"line {self.line()}: '{key}' must be a list")
                self.pos += 1
                self._skip()
                if self.text.startswith("]", self.pos):
                    self.pos += 1
                else:
                    while True:
                        self._skip()
                        line = self.line()
                        yield key, line, self._decode()
                        if self._expect(",]") == "]":
                            break
            else:
                self._decode()  # skip the value
            if self._expect(",}") == "}":
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
