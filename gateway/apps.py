from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "gateway"
    verbose_name = "Plugin gateway"

    def ready(self):
        from django.contrib import admin
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import checks, signals  # noqa: F401 - registers checks and signal receivers
        from .accounts import sign_in_limited
        from .admin import oauth_admin_for_the_gateway
        from .managers import plugin_saved_or_deleted
        from .models import Plugin
        from .oauth import tokencache
        from .throttling import sign_in_failed

        post_migrate.connect(signals.plugins_sync_after_migrate, sender=self)
        # Cached rows are forgotten by every worker at once when they change.
        for signal in (post_save, post_delete):
            signal.connect(plugin_saved_or_deleted, sender=Plugin, dispatch_uid=f"plugin-row-{id(signal)}")
        tokencache.connect()
        # Failed sign-ins are counted wherever a form authenticates; the admin's login is limited too.
        user_login_failed.connect(sign_in_failed, dispatch_uid="gateway.sign_in_failed")
        admin.site.login = sign_in_limited(admin.site.login)
        # After django.contrib.admin's ready() (first in INSTALLED_APPS) has loaded every admin module.
        oauth_admin_for_the_gateway()
