"""Host/path -> plugin resolution: sets request.plugin and, on a plugin's own host, request.urlconf."""

from functools import cache

from django.conf import settings
from django.http.request import split_domain_port
from django.urls import include, path

from .auth import bearer_token
from .errors import error_response
from .manifest import PATH_PREFIX
from .oauth.tokencache import cache_key_of
from .registry import plugin_config
from .selectors import plugin_for_domain, plugin_serving
from .urls import plugin_patterns

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
        # A bearer token's cache entry comes with the plugin row: one round trip (the OAuth check reads it).
        token = bearer_token(request)
        also = (cache_key_of(token),) if token is not None else ()
        if subdomain is not None:
            plugin, request.call.cached = plugin_serving(slug=subdomain, also=also)
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
            plugin, request.call.cached = plugin_serving(slug=slug, also=also)
            if plugin is None:
                return error_response(404, "not_found", f"No plugin named '{slug}' is installed.")
            request.plugin = plugin
        return self.get_response(request)
