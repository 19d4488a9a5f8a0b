from django.core.management.base import BaseCommand

from gateway.manifest import plugin_public_urls
from gateway.selectors import plugin_list


class Command(BaseCommand):
    help = "List the installed plugins: slug, enabled, auth mode, path URL and host URL."

    def handle(self, *args, **options):
        self.stdout.write("\t".join(["slug", "enabled", "auth", "path_url", "host_url"]))
        for plugin in plugin_list():
            path_url, host_url = plugin_public_urls(plugin)
            enabled = "yes" if plugin.enabled else "no"
            self.stdout.write("\t".join([plugin.slug, enabled, plugin.auth_mode, path_url, host_url]))
