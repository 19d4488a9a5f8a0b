from corsheaders.signals import check_request_enabled
from django.conf import settings
from django.dispatch import receiver


def plugins_sync_after_migrate(sender, using="default", **kwargs):
    """Create the operator settings row of every installed plugin after `migrate`."""
    from .services import plugins_sync

    plugins_sync(using=using)


@receiver(check_request_enabled)
def cors_allow_plugin_urls(sender, request, **kwargs):
    """Allow the configured origins on plugin URLs (either mode), and nowhere else.

    django-cors-headers treats a true answer as "allowed for this origin", so the origin is checked here.
    """
    if getattr(request, "plugin", None) is None:
        return False
    return request.headers.get("origin") in settings.CORS_ALLOWED_ORIGINS
