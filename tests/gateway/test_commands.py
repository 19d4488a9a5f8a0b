import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gateway.models import Plugin
from gateway.services import secret_matches

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_plugins_lists_slug_state_auth_and_both_urls(settings):
    settings.GATEWAY_PUBLIC_URL = "https://gw.example.com"
    settings.GATEWAY_DOMAIN = "example.com"
    lines = run("plugins").splitlines()
    assert lines[0].split("\t") == ["slug", "enabled", "auth", "path_url", "host_url"]
    assert "todo\tyes\tnone\thttps://gw.example.com/plugins/todo/\thttps://todo.example.com/" in lines


def test_plugin_set_changes_state_auth_and_token():
    run("plugin_set", "todo", "--disable", "--auth", "service_http", "--verification-token", "tok-9")
    plugin = Plugin.objects.get(slug="todo")
    assert (plugin.enabled, plugin.auth_mode, plugin.verification_token) == (False, "service_http", "tok-9")
    run("plugin_set", "todo", "--enable")
    assert Plugin.objects.get(slug="todo").enabled is True


def test_rotate_service_key_prints_the_key_alone_on_the_last_line():
    key = run("plugin_set", "todo", "--rotate-service-key").splitlines()[-1]
    assert key.startswith("sk-")
    assert secret_matches(key, Plugin.objects.get(slug="todo").service_key_hash)


@pytest.mark.parametrize(
    "args",
    [
        ("plugin_set", "nosuch", "--enable"),
        ("plugin_set", "echo", "--auth", "oauth", "--disable"),
    ],
)
def test_bad_arguments_exit_2_and_change_nothing(args):
    before = list(Plugin.objects.values())
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    assert list(Plugin.objects.values()) == before


def test_argparse_errors_exit_2(capsys):
    from django.core.management import ManagementUtility

    for argv in (["plugin_set", "todo", "--auth", "bogus"], ["plugin_set", "todo", "--enable", "--disable"]):
        with pytest.raises(SystemExit) as exit_:
            ManagementUtility(["manage.py", *argv]).execute()
        assert exit_.value.code == 2
        assert "error:" in capsys.readouterr().err
    assert Plugin.objects.get(slug="todo").auth_mode == "none"
