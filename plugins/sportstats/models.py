"""NBA data in balldontlie v1 terms; primary keys are the upstream's public ids, never generated here."""

from django.db import models

from gateway.api import PluginSettings

# The box-score columns of a Stat: counts (averaged per game) and shooting percentages.
STAT_COUNTS = [
    "fgm",
    "fga",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "turnover",
    "pf",
    "pts",
]
STAT_PCTS = ["fg_pct", "fg3_pct", "ft_pct"]


class Team(models.Model):
    id = models.IntegerField(primary_key=True)
    abbreviation = models.CharField(max_length=10)
    city = models.CharField(max_length=60)
    conference = models.CharField(max_length=10, blank=True)
    division = models.CharField(max_length=30, blank=True)
    full_name = models.CharField(max_length=100)
    name = models.CharField(max_length=60)
    is_demo = models.BooleanField(default=False, help_text="Loaded by `manage.py demo_data`, not imported.")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.full_name


class Player(models.Model):
    id = models.IntegerField(primary_key=True)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    position = models.CharField(max_length=10, blank=True)
    height_feet = models.SmallIntegerField(null=True, blank=True)
    height_inches = models.SmallIntegerField(null=True, blank=True)
    weight_pounds = models.SmallIntegerField(null=True, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="players")
    is_demo = models.BooleanField(default=False, help_text="Loaded by `manage.py demo_data`, not imported.")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Game(models.Model):
    id = models.IntegerField(primary_key=True)
    date = models.DateField()
    season = models.SmallIntegerField(help_text="The year the season began: 2018 is 2018-19.")
    postseason = models.BooleanField(default=False)
    status = models.CharField(max_length=40, blank=True)
    period = models.SmallIntegerField(default=0)
    time = models.CharField(max_length=20, blank=True)
    home_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="home_games")
    visitor_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="visitor_games")
    home_team_score = models.SmallIntegerField(default=0)
    visitor_team_score = models.SmallIntegerField(default=0)
    is_demo = models.BooleanField(default=False, help_text="Generated demo game, not a real result.")

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["date", "id"], name="sportstats_game_date_idx"),
            # Games by team and season: one index per side, combined by a BitmapOr (team_ids match either).
            models.Index(fields=["season", "home_team"], name="sportstats_game_ssn_home_idx"),
            models.Index(fields=["season", "visitor_team"], name="sportstats_game_ssn_away_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.visitor_team_id}@{self.home_team_id}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The box scores carry the game's season (their access path); an admin edit must follow it there.
        self.stats.exclude(season=self.season, postseason=self.postseason).update(
            season=self.season, postseason=self.postseason
        )


class Stat(models.Model):
    """One player's box score line in one game."""

    id = models.IntegerField(primary_key=True)
    # The (player, season, id) index below serves player filters; a separate player index would be redundant.
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="stats", db_index=False)
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="stats")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="stats")
    # The game's season and postseason flag, copied here by every loader (a game never changes season):
    # "one player, one season" then reads the player's rows of that season from one index range
    # instead of joining every game of the season.
    season = models.SmallIntegerField(editable=False, help_text="The game's season (copied from the game).")
    postseason = models.BooleanField(default=False, editable=False, help_text="The game's postseason flag (copied).")
    min = models.CharField(max_length=10, blank=True, help_text='Minutes as the upstream wrote them ("36:49").')
    # Seconds played, parsed from `min`; null or 0 means the player did not play (left out of averages).
    seconds = models.IntegerField(null=True, blank=True)
    fgm = models.SmallIntegerField(null=True, blank=True)
    fga = models.SmallIntegerField(null=True, blank=True)
    fg3m = models.SmallIntegerField(null=True, blank=True)
    fg3a = models.SmallIntegerField(null=True, blank=True)
    ftm = models.SmallIntegerField(null=True, blank=True)
    fta = models.SmallIntegerField(null=True, blank=True)
    oreb = models.SmallIntegerField(null=True, blank=True)
    dreb = models.SmallIntegerField(null=True, blank=True)
    reb = models.SmallIntegerField(null=True, blank=True)
    ast = models.SmallIntegerField(null=True, blank=True)
    stl = models.SmallIntegerField(null=True, blank=True)
    blk = models.SmallIntegerField(null=True, blank=True)
    turnover = models.SmallIntegerField(null=True, blank=True)
    pf = models.SmallIntegerField(null=True, blank=True)
    pts = models.SmallIntegerField(null=True, blank=True)
    fg_pct = models.FloatField(null=True, blank=True)
    fg3_pct = models.FloatField(null=True, blank=True)
    ft_pct = models.FloatField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Generated demo box score, not a real one.")

    class Meta:
        ordering = ["id"]
        # Stats by player and season, in id order: the page and its count come from one index range.
        indexes = [models.Index(fields=["player", "season", "id"], name="sportstats_stat_player_ssn_idx")]

    def __str__(self):
        return f"stat {self.id}: player {self.player_id} in game {self.game_id}"

    def save(self, *args, **kwargs):
        self.season, self.postseason = self.game.season, self.game.postseason
        super().save(*args, **kwargs)


class Source(models.TextChoices):
    ENV = "env", "As the environment says (SPORTSTATS_UPSTREAM_URL set: live, else database)"
    DATABASE = "database", "The gateway's database"
    UPSTREAM = "upstream", "A live balldontlie-compatible API (the URL below)"


class SportStatsSettings(PluginSettings):
    """The operator's choice of data source: one row, editable in admin; the environment is the default."""

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENV)
    upstream_url = models.URLField(blank=True, help_text="Base URL of the API, e.g. https://api.example.com/v1.")
    upstream_key = models.CharField(
        max_length=200, blank=True, help_text="Sent as the Authorization header; blank: SPORTSTATS_UPSTREAM_KEY."
    )

    class Meta:
        verbose_name = "settings"
        verbose_name_plural = "settings"

    def __str__(self):
        return f"Sport stats source: {self.get_source_display()}"
