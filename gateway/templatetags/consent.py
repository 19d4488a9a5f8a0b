"""Template filters for the consent page."""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def url_host(uri) -> str:
    """Return the host (and any explicit port) a URL leads to, without any user name or password in it."""
    try:
        parts = urlsplit(str(uri or ""))
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address, bracketed as in a URL
        host = f"[{host}]"
    return f"{host}:{port}" if port is not None and host else host
