from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gateway.models import AuthMode
from gateway.selectors import plugin_for_slug
from gateway.services import plugin_rotate_service_key, plugin_update


class Command(BaseCommand):
    help = "Change a plugin's settings. With --rotate-service-key the new key is the last line of stdout."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        toggle = parser.add_mutually_exclusive_group()
        toggle.add_argument("--enable", dest="enabled", action="store_const", const=True)
        toggle.add_argument("--disable", dest="enabled", action="store_const", const=False)
        parser.add_argument("--auth", choices=AuthMode.values, help="The auth mode.")
        parser.add_argument("--verification-token", help="The token the AI platform gave you.")
        parser.add_argument("--rotate-service-key", action="store_true")

    @transaction.atomic
    def handle(self, *args, slug, enabled, auth, verification_token, rotate_service_key, **options):
        plugin = plugin_for_slug(slug=slug, enabled_only=False)
        if plugin is None:
            raise CommandError(f"No plugin named '{slug}' is installed.", returncode=2)
        try:
            plugin_update(
                plugin=plugin,
                enabled=enabled,
                auth_mode=auth,
                verification_token=verification_token,
            )
        except ValidationError as error:
            messages = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(messages, returncode=2) from error
        self.stdout.write(f"{plugin.slug}: {'enabled' if plugin.enabled else 'disabled'}, auth {plugin.auth_mode}")
        if rotate_service_key:
            self.stdout.write("New service key (shown once):")
            self.stdout.write(plugin_rotate_service_key(plugin=plugin))
