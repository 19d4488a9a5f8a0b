import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gateway.selectors import plugin_for_slug
from gateway.services import oauth_client_create


class Command(BaseCommand):
    help = "Register an OAuth client (e.g. the AI platform) for a plugin; prints its id and secret as JSON, once."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--no-pkce",
            action="store_true",
            dest="pkce_exempt",
            help=(
                "Exempt this client from PKCE. Only for the platform's legacy flows that send none "
                "(ChatGPT plugins, GPT Actions); MCP clients and everything else must use PKCE (S256)."
            ),
        )

    def handle(self, *args, slug, redirect_uris, name, pkce_exempt, **options):
        plugin = plugin_for_slug(slug=slug, enabled_only=False)
        if plugin is None:
            raise CommandError(f"No plugin named '{slug}' is installed.", returncode=2)
        try:
            client, secret = oauth_client_create(
                plugin=plugin, redirect_uris=redirect_uris, name=name, pkce_exempt=pkce_exempt
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=2) from error
        self.stdout.write(json.dumps({"client_id": client.client_id, "client_secret": secret}))
