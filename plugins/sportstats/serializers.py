"""Answers in the balldontlie v1 shapes; the classes also document those shapes in the OpenAPI spec."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import STAT_COUNTS, STAT_PCTS


def v1_game_date(day: str) -> str:
    """Return a game's day ("2018-10-16") as balldontlie v1 wrote it: midnight UTC, "2018-10-16T00:00:00.000Z"."""
    return f"{day}T00:00:00.000Z"


@extend_schema_field(OpenApiTypes.DATETIME)
class SportsGameDateField(serializers.DateField):
    """Write a date the way balldontlie v1 did: midnight UTC as an ISO timestamp (so `date-time` in the spec)."""

    def to_representation(self, value):
        return v1_game_date(value.isoformat())


class SportsTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    abbreviation = serializers.CharField()
    city = serializers.CharField()
    conference = serializers.CharField(help_text="East or West.")
    division = serializers.CharField()
    full_name = serializers.CharField()
    name = serializers.CharField()


class SportsPlayerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    position = serializers.CharField()
    height_feet = serializers.IntegerField(allow_null=True)
    height_inches = serializers.IntegerField(allow_null=True)
    weight_pounds = serializers.IntegerField(allow_null=True)
    team = SportsTeamSerializer(allow_null=True)


class SportsGameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = SportsGameDateField()
    home_team_score = serializers.IntegerField()
    visitor_team_score = serializers.IntegerField()
    season = serializers.IntegerField(help_text="The year the season began.")
    period = serializers.IntegerField()
    status = serializers.CharField()
    time = serializers.CharField()
    postseason = serializers.BooleanField()
    home_team = SportsTeamSerializer()
    visitor_team = SportsTeamSerializer()


class SportsStatGameSerializer(serializers.Serializer):
    """The game of a stat line, with team ids instead of nested teams."""

    id = serializers.IntegerField()
    date = SportsGameDateField()
    home_team_id = serializers.IntegerField()
    home_team_score = serializers.IntegerField()
    period = serializers.IntegerField()
    postseason = serializers.BooleanField()
    season = serializers.IntegerField()
    status = serializers.CharField()
    time = serializers.CharField()
    visitor_team_id = serializers.IntegerField()
    visitor_team_score = serializers.IntegerField()


class SportsStatPlayerSerializer(serializers.Serializer):
    """The player of a stat line, with a team id instead of a nested team."""

    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    position = serializers.CharField()
    height_feet = serializers.IntegerField(allow_null=True)
    height_inches = serializers.IntegerField(allow_null=True)
    weight_pounds = serializers.IntegerField(allow_null=True)
    team_id = serializers.IntegerField(allow_null=True)


# The box-score numbers as declared fields of a base class (DRF collects a base's declared fields).
StatNumbers = type(
    "StatNumbers",
    (serializers.Serializer,),
    {name: serializers.IntegerField(allow_null=True) for name in STAT_COUNTS}
    | {name: serializers.FloatField(allow_null=True) for name in STAT_PCTS},
)
AverageNumbers = type(
    "AverageNumbers",
    (serializers.Serializer,),
    {name: serializers.FloatField(help_text="Per-game average, 2 decimals.") for name in STAT_COUNTS}
    | {
        name: serializers.FloatField(help_text="Made / attempted, 3 decimals; 0 without attempts.")
        for name in STAT_PCTS
    },
)


class SportsStatSerializer(StatNumbers):
    id = serializers.IntegerField()
    min = serializers.CharField(help_text='Minutes played, "MM:SS".')
    game = SportsStatGameSerializer()
    player = SportsStatPlayerSerializer()
    team = SportsTeamSerializer()


class SportsSeasonAverageSerializer(AverageNumbers):
    player_id = serializers.IntegerField()
    season = serializers.IntegerField()
    games_played = serializers.IntegerField(help_text="Regular-season games in which the player had minutes.")
    min = serializers.CharField(help_text='Average minutes, "MM:SS".')


class SportsDemoMetaSerializer(serializers.Serializer):
    demo = serializers.BooleanField(
        required=False,
        help_text="true: the answer is from a fictional demo league (invented names and numbers); absent otherwise.",
    )


class SportsMetaSerializer(SportsDemoMetaSerializer):
    total_pages = serializers.IntegerField()
    current_page = serializers.IntegerField()
    next_page = serializers.IntegerField(allow_null=True, help_text="null on the last page.")
    per_page = serializers.IntegerField()
    total_count = serializers.IntegerField()


def envelope(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """Return the serializer of a paginated list of `item`, named for the schema."""
    fields = {"data": item(many=True), "meta": SportsMetaSerializer()}
    return type(name, (serializers.Serializer,), fields)


def answer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """Return the serializer of one bare `item` as a show endpoint answers it (with `meta` on demo data)."""
    return type(name, (item,), {"meta": SportsDemoMetaSerializer(required=False)})


SportsPlayerListSerializer = envelope(SportsPlayerSerializer, "SportsPlayerListSerializer")
SportsTeamListSerializer = envelope(SportsTeamSerializer, "SportsTeamListSerializer")
SportsGameListSerializer = envelope(SportsGameSerializer, "SportsGameListSerializer")
SportsStatListSerializer = envelope(SportsStatSerializer, "SportsStatListSerializer")
SportsPlayerAnswerSerializer = answer(SportsPlayerSerializer, "SportsPlayerAnswerSerializer")
SportsTeamAnswerSerializer = answer(SportsTeamSerializer, "SportsTeamAnswerSerializer")
SportsGameAnswerSerializer = answer(SportsGameSerializer, "SportsGameAnswerSerializer")


class SportsSeasonAverageListSerializer(serializers.Serializer):
    data = SportsSeasonAverageSerializer(many=True)
    meta = SportsDemoMetaSerializer(required=False)
