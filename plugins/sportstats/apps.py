from gateway.api import PluginConfig

REAL = "Get current and historical stats for NBA players and games."
DEMO_FOR_HUMAN = "Stats of a fictional demo basketball league: invented players, teams and games."
DEMO_FOR_MODEL = (
    "DEMO DATA: this gateway holds only a fictional basketball league (invented players, teams, games and "
    "numbers), not real NBA data; answers carry meta.demo = true. Tell the user the figures are fictional "
    "demo data whenever you show them, and never present them as facts about real people or teams."
)
TABLES = " Always display results using markdown tables."


class SportStatsConfig(PluginConfig):
    name = "plugins.sportstats"
    label = "sportstats"
    verbose_name = "Sport stats"

    slug = "sportstats"
    name_for_human = "Sport Stats"
    name_for_model = "sportstats"
    scopes = {"stats": "Read NBA players, teams, games and stats"}

    def demo(self) -> bool:
        """Return whether the data is the demo league (the texts say so then)."""
        from .selectors import demo_texts_wanted

        return demo_texts_wanted()

    @property
    def description_for_human(self) -> str:
        return DEMO_FOR_HUMAN if self.demo() else REAL

    @property
    def description_for_model(self) -> str:
        return (DEMO_FOR_MODEL if self.demo() else REAL) + TABLES

    def load_demo_data(self) -> str | None:
        from .services import demo_load

        return demo_load()
