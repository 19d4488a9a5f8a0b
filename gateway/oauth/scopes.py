"""OAuth scopes come from the plugins' AppConfigs: a client may ask only for its own plugin's scopes."""

from oauth2_provider.scopes import BaseScopes

from gateway.registry import plugin_configs


class PluginScopes(BaseScopes):
    def get_all_scopes(self):
        return {name: text for config in plugin_configs() for name, text in config.scopes.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return list(self.get_all_scopes())
        return list(application.plugin.config.scopes)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        # An empty `scope` (which the platform may send) means everything the plugin offers.
        return self.get_available_scopes(application, request)
