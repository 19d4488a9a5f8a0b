"""Query-parameter serializers: every filter the operations take, validated before any query runs."""

import re

from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_ID = 2**31 - 1
MAX_PER_PAGE = 100
# Above MAX_PER_PAGE a page size is capped (as balldontlie does); above this it is a mistake worth a 400.
MAX_PER_PAGE_ASKED = 1000
MAX_LIST_ITEMS = 100
SEASON_RE = re.compile(r"(\d{4})(?:-(\d{2}|\d{4}))?")
FIRST_SEASON, LAST_SEASON = 1946, 2100
NO_PLAYERS = "Give at least one player id (from getPlayers), e.g. player_ids=237."


class QueryListField(serializers.ListField):
    """A list read from `name=`, `name[]=` (both repeatable) and comma-separated values."""

    def get_value(self, dictionary):
        if not isinstance(dictionary, QueryDict):
            return super().get_value(dictionary)
        raw = dictionary.getlist(self.field_name) + dictionary.getlist(f"{self.field_name}[]")
        if not raw:
            return serializers.empty
        return [item.strip() for value in raw for item in value.split(",") if item.strip()]


def id_list(help_text: str, **options) -> QueryListField:
    options.setdefault("required", False)
    return QueryListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_LIST_ITEMS,
        help_text=help_text,
        **options,
    )


# What the field takes, as its schema says (and MCP checks tool arguments against): assistants send a
# season as the number 2018 as often as the text "2018-19".
SEASON_SCHEMA = {
    "type": ["integer", "string"],
    "minimum": FIRST_SEASON,
    "maximum": LAST_SEASON,
    "pattern": SEASON_RE.pattern.join("^$"),
}


@extend_schema_field(SEASON_SCHEMA)
class SeasonField(serializers.CharField):
    """A season as the year it began: 2018 or "2018"; "2018-19" and "2018-2019" are read the same way."""

    default_error_messages = {"season": "Use the year the season began, e.g. 2018 for 2018-19 (1946 to 2100)."}

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        match = SEASON_RE.fullmatch(text)
        if match is None:
            self.fail("season")
        start, end = int(match[1]), match[2]
        if not FIRST_SEASON <= start <= LAST_SEASON or (end and int(end) != int(str(start + 1)[-len(end) :])):
            self.fail("season")
        return start


def season_list() -> QueryListField:
    return QueryListField(
        child=SeasonField(), required=False, max_length=MAX_LIST_ITEMS, help_text="Seasons by start year: 2018."
    )


def date_field(help_text: str) -> serializers.DateField:
    return serializers.DateField(input_formats=["%Y-%m-%d"], required=False, help_text=help_text)


class SportsPageFilter(serializers.Serializer):
    page = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, default=1, help_text="Page number; 0 and 1 are the first."
    )
    per_page = serializers.IntegerField(
        min_value=1, max_value=MAX_PER_PAGE_ASKED, required=False, help_text="Results per page (max 100)."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_PER_PAGE_ASKED, required=False, help_text="The max number of results (max 100)."
    )

    default_per_page = 25

    def validate(self, attrs):
        asked = attrs.pop("limit", None) or attrs.get("per_page") or self.default_per_page
        attrs["per_page"] = min(asked, MAX_PER_PAGE)
        attrs["page"] = max(attrs["page"], 1)
        return attrs


class SportsPlayerFilter(SportsPageFilter):
    query = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Part of the player's name, e.g. 'davis' matches players with 'davis' in their first or last name.",
    )
    search = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="Same as query.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        search = attrs.pop("search", "")
        attrs["query"] = attrs.get("query") or search
        return attrs


class SportsTeamFilter(SportsPageFilter):
    default_per_page = 30


class SportsGameFilter(SportsPageFilter):
    seasons = season_list()
    team_ids = id_list("Team ids (home or visitor), from getTeams.")
    start_date = date_field("Games on or after this date, YYYY-MM-DD.")
    end_date = date_field("Games on or before this date, YYYY-MM-DD.")
    postseason = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: playoffs only; false: regular season only."
    )


class SportsStatFilter(SportsPageFilter):
    player_ids = id_list("Player ids, from getPlayers.")
    game_ids = id_list("Game ids, from getGames.")
    seasons = season_list()
    start_date = date_field("Stats of games on or after this date, YYYY-MM-DD.")
    end_date = date_field("Stats of games on or before this date, YYYY-MM-DD.")
    postseason = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: playoffs only; false: regular season only."
    )


class SportsSeasonAverageFilter(serializers.Serializer):
    season = SeasonField(required=False, help_text="Season by start year (2018 is 2018-19); default: the latest.")
    # Required, as balldontlie had it: an empty answer would read as "these players have no stats".
    player_ids = id_list(
        "Player ids, from getPlayers (at least one).",
        required=True,
        allow_empty=False,
        error_messages=dict.fromkeys(["required", "empty"], NO_PLAYERS),
    )
