"""gateway.api.represent: a read serializer's answer without DRF's per-field dispatch, identical to DRF's."""

import pytest
from django.core.management import call_command
from rest_framework import serializers

from gateway.api import represent
from plugins.sportstats import serializers as sports
from plugins.sportstats.models import Game, Player, Stat, Team

pytestmark = pytest.mark.django_db

CASES = [
    (sports.SportsTeamSerializer, lambda: Team.objects.all()),
    (sports.SportsPlayerSerializer, lambda: Player.objects.select_related("team")),
    (sports.SportsGameSerializer, lambda: Game.objects.select_related("home_team", "visitor_team")[:200]),
    (sports.SportsStatSerializer, lambda: Stat.objects.select_related("game", "player", "team")[:500]),
]


@pytest.mark.parametrize(("serializer_class", "rows"), CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_every_sport_stats_answer_is_what_drf_would_give(serializer_class, rows):
    call_command("demo_data", verbosity=0)
    instances = list(rows())
    assert instances
    assert represent(serializer_class, instances) == serializer_class(instances, many=True).data


def test_nulls_are_null_whatever_the_field():
    player = Player(id=1, first_name="A", last_name="B", position="G", height_feet=None, team=None)
    assert represent(sports.SportsPlayerSerializer, [player]) == sports.SportsPlayerSerializer([player], many=True).data


class WithAMethodField(serializers.Serializer):
    id = serializers.IntegerField()
    twice = serializers.SerializerMethodField()

    def get_twice(self, row):
        return row["id"] * 2


def test_a_serializer_the_plan_cannot_follow_falls_back_to_drf():
    assert represent(WithAMethodField, [{"id": 2}]) == [{"id": 2, "twice": 4}]
