from gateway.api import PluginConfig


class EchoConfig(PluginConfig):
    """A plugin that exists only in the test suite, to prove a plugin needs no edit in gateway/."""

    name = "tests.fake_plugin"
    label = "echo"
    slug = "echo"
    name_for_human = "Echo"
    name_for_model = "echo"
    description_for_human = "Echoes what you send."
    description_for_model = "Echo a message back, to test the gateway."
    auth_modes = ("none", "service_http", "user_http")
