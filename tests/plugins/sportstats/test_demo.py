from django.core.management import call_command

from plugins.sportstats.models import Game, Player, Stat, Team

from .conftest import BASE


def test_demo_data_is_real_teams_and_players_with_a_labelled_generated_season(client, db):
    call_command("demo_data")
    assert Team.objects.filter(is_demo=True).count() == 30
    assert Player.objects.filter(first_name="LeBron", last_name="James", is_demo=True).exists()
    assert Game.objects.exclude(is_demo=True).count() == 0
    first_run = list(Stat.objects.order_by("id").values_list("id", "pts")[:50])
    call_command("demo_data")  # idempotent: nothing added or changed
    assert Team.objects.count() == 30
    assert list(Stat.objects.order_by("id").values_list("id", "pts")[:50]) == first_run
    lebron = client.get(f"{BASE}/players?query=lebron james").json()["data"][0]
    averages = client.get(f"{BASE}/season_averages?player_ids={lebron['id']}").json()["data"]
    assert averages[0]["season"] == 2025
    assert averages[0]["games_played"] > 50


def test_importing_with_drop_demo_replaces_the_demo_rows(db, write_document):
    from .conftest import dataset

    call_command("demo_data")
    call_command("sportstats_import", write_document(dataset()), drop_demo=True)
    assert Team.objects.count() == 3
    assert not Stat.objects.filter(is_demo=True).exists()


def test_generator_adds_seasons_until_the_count_and_is_repeatable(db):
    call_command("sportstats_generate", stats=25_000)
    assert Stat.objects.count() == 25_000
    assert sorted(set(Game.objects.values_list("season", flat=True))) == [2024, 2025]
    call_command("sportstats_generate", stats=25_000)
    assert Stat.objects.count() == 25_000
