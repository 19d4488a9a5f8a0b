"""Find plugin apps through INSTALLED_APPS: a plugin is an app whose AppConfig is a PluginConfig."""

from django.apps import AppConfig, apps


class PluginConfig(AppConfig):
    """Declare a Django app as a gateway plugin; the attributes are the defaults an operator can override."""

    # Django picks an app's config among the AppConfig classes in its apps.py; this base class is
    # imported there too, so it steps aside and each plugin's own subclass is the default.
    default = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = True

    slug: str = ""
    name_for_human: str = ""
    name_for_model: str = ""
    description_for_human: str = ""
    description_for_model: str = ""
    # Auth modes this plugin can be switched to; the first is the default for a new install.
    auth_modes: tuple[str, ...] = ("none", "service_http", "user_http", "oauth")
    # OAuth scopes the plugin understands: name -> what the consent page tells the user.
    scopes: dict[str, str] = {}
    api_version: str = "1.0.0"

    @property
    def api_urlconf(self) -> str:
        """Return the module holding the plugin's API urlpatterns (relative to its base)."""
        return f"{self.name}.urls"

    @property
    def logo(self) -> str:
        """Return the static path of the plugin's logo."""
        return f"{self.slug}/logo.png"

    @property
    def default_auth_mode(self) -> str:
        return self.auth_modes[0]

    def load_demo_data(self) -> str | None:
        """Load demo rows for the zero-setup run (idempotently); return a one-line summary or None."""
        return None


def plugin_configs() -> list[PluginConfig]:
    """Return every installed plugin, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, PluginConfig)]


def plugin_config(slug: str) -> PluginConfig | None:
    """Return the installed plugin with this slug, or None."""
    return next((config for config in plugin_configs() if config.slug == slug), None)
