from corsheaders.signals import check_request_enabled
from django.dispatch import receiver


def plugins_sync_after_migrate(sender, using="default", **kwargs):
    """Create the operator settings row of every installed plugin after `migrate`."""
    from .services import plugins_sync

    plugins_sync(using=using)


@receiver(check_request_enabled)
def cors_allow_plugin_hosts(sender, request, **kwargs):
    """Enable CORS on every plugin URL, including those on a plugin's own host."""
    return getattr(request, "plugin", None) is not None
