"""Host/path -> plugin resolution: sets request.plugin and, on a plugin's own host, request.urlconf."""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port
from django.urls import include, path

from .errors import error_response
from .selectors import plugin_for_domain, plugin_for_slug

PATH_PREFIX = "/plugins/"
GATEWAY_OWN_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "testserver"})


class HostURLConf:
    """A URLconf serving one plugin at the root of its own host."""

    def __init__(self, urlpatterns):
        self.urlpatterns = urlpatterns
        self.handler404 = "gateway.errors.not_found"
        self.handler500 = "gateway.errors.server_error"


@cache
def host_urlconf(slug: str) -> HostURLConf:
    """Return the URLconf for a plugin host; one object per slug, so Django's resolver cache is reused."""
    from .registry import plugin_config
    from .urls import plugin_patterns

    return HostURLConf([path("", include(plugin_patterns(plugin_config(slug))))])


def plugin_host_subdomain(domain: str) -> str | None:
    """Return `todo` for `todo.<GATEWAY_DOMAIN>`, else None."""
    suffix = f".{settings.GATEWAY_DOMAIN}"
    if domain.endswith(suffix):
        return domain[: -len(suffix)]
    return None


class PluginHostMiddleware:
    """Attach the plugin a request is for, and answer 404 for an unknown or disabled one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.plugin = None
        domain, _port = split_domain_port(request.get_host())
        subdomain = plugin_host_subdomain(domain)
        if subdomain is not None:
            plugin = plugin_for_slug(slug=subdomain)
            if plugin is None:
                return error_response(404, "not_found", f"No plugin is served at {domain}.")
        elif domain not in GATEWAY_OWN_HOSTS and domain != settings.GATEWAY_DOMAIN:
            # Any other allowed host is either a plugin's custom domain or an alias of the gateway.
            plugin = plugin_for_domain(domain=domain)
        else:
            plugin = None
        if plugin is not None:
            request.plugin = plugin
            request.urlconf = host_urlconf(plugin.slug)
        elif request.path_info.startswith(PATH_PREFIX):
            slug = request.path_info[len(PATH_PREFIX) :].split("/", 1)[0]
            plugin = plugin_for_slug(slug=slug)
            if plugin is None:
                return error_response(404, "not_found", f"No plugin named '{slug}' is installed.")
            request.plugin = plugin
        return self.get_response(request)


def plugin_host_base_url(*, scheme: str, port: str | None, plugin) -> str:
    """Return the root URL of the plugin's own host: its custom domain, else <slug>.<GATEWAY_DOMAIN>."""
    host = plugin.custom_domain or f"{plugin.slug}.{settings.GATEWAY_DOMAIN}"
    default_port = {"http": "80", "https": "443"}[scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{scheme}://{host}{suffix}/"


def plugin_public_urls(plugin) -> tuple[str, str]:
    """Return (path base, host base) of a plugin from GATEWAY_PUBLIC_URL, for use outside a request."""
    public = urlsplit(settings.GATEWAY_PUBLIC_URL)
    path_base = f"{settings.GATEWAY_PUBLIC_URL}{PATH_PREFIX}{plugin.slug}/"
    port = str(public.port) if public.port else None
    return path_base, plugin_host_base_url(scheme=public.scheme, port=port, plugin=plugin)
