"""Settings a deployment gives the gateway's plugins, read one way.

`deployment_setting(name, default)`: the Django setting when the project's settings define it
(tests, a settings file), else the environment variable of the same name, else the default. Read
at call time, never at import, so a changed setting applies at once. An operator's choice saved in
admin (a plugin's PluginSettings row) goes first where the plugin offers one.
"""

import os

from django.conf import settings


def deployment_setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()
