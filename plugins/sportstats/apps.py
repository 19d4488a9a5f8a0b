from gateway.registry import PluginConfig


class SportStatsConfig(PluginConfig):
    name = "plugins.sportstats"
    label = "sportstats"
    verbose_name = "Sport stats"

    slug = "sportstats"
    name_for_human = "Sport Stats"
    name_for_model = "sportstats"
    description_for_human = "Get current and historical stats for NBA players and games."
    description_for_model = (
        "Get current and historical stats for NBA players and games. Always display results using markdown tables."
    )
    scopes = {"stats": "Read NBA players, teams, games and stats"}

    def load_demo_data(self) -> str | None:
        from .services import demo_load

        return demo_load()
