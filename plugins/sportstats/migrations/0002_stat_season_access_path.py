from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def stat_season_fill(apps, schema_editor):
    """Copy each game's season and postseason flag onto its box scores (one UPDATE)."""
    Game = apps.get_model("sportstats", "Game")
    Stat = apps.get_model("sportstats", "Stat")
    game = Game.objects.filter(id=OuterRef("game_id"))
    Stat.objects.using(schema_editor.connection.alias).update(
        season=Subquery(game.values("season")[:1]), postseason=Subquery(game.values("postseason")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sportstats", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="stat",
            name="postseason",
            field=models.BooleanField(default=False, editable=False, help_text="The game's postseason flag (copied)."),
        ),
        migrations.AddField(
            model_name="stat",
            name="season",
            field=models.SmallIntegerField(
                editable=False, help_text="The game's season (copied from the game).", null=True
            ),
        ),
        migrations.RunPython(stat_season_fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="stat",
            name="season",
            field=models.SmallIntegerField(editable=False, help_text="The game's season (copied from the game)."),
        ),
        migrations.RemoveIndex(
            model_name="game",
            name="sportstats_game_season_idx",
        ),
        migrations.RemoveIndex(
            model_name="stat",
            name="sportstats_stat_player_idx",
        ),
        migrations.AddIndex(
            model_name="game",
            index=models.Index(fields=["season", "home_team"], name="sportstats_game_ssn_home_idx"),
        ),
        migrations.AddIndex(
            model_name="game",
            index=models.Index(fields=["season", "visitor_team"], name="sportstats_game_ssn_away_idx"),
        ),
        migrations.AddIndex(
            model_name="stat",
            index=models.Index(fields=["player", "season", "id"], name="sportstats_stat_player_ssn_idx"),
        ),
    ]
