from django.contrib import admin
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from oauth2_provider.admin import ApplicationAdmin

from .models import OAuthClient, Plugin, UserKey
from .services import plugin_rotate_service_key


class OAuthClientInline(admin.TabularInline):
    """The plugin's OAuth clients, on its admin page (edit one through its own link)."""

    model = OAuthClient
    fields = ["name", "client_id", "client_type", "redirect_uris", "registration_source", "pkce_exempt", "created"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


class UserKeyInline(admin.TabularInline):
    model = UserKey
    fields = ["user", "name", "hint", "created_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class OAuthClientAdmin(ApplicationAdmin):
    """DOT's application admin, with the plugin the client belongs to. Copy the secret before saving."""

    list_display = ["name", "plugin", "client_id", "client_type", "registration_source", "pkce_exempt", "created"]
    list_filter = ["plugin", "client_type", "registration_source", "pkce_exempt"]


@admin.register(Plugin)
class PluginAdmin(admin.ModelAdmin):
    list_display = ["slug", "enabled", "auth_mode", "display_name", "custom_domain", "service_key"]
    list_filter = ["enabled", "auth_mode"]
    list_editable = ["enabled"]
    readonly_fields = ["slug", "service_key", "usage", "updated_at"]
    actions = ["rotate_service_key"]
    inlines = [OAuthClientInline, UserKeyInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["slug", "enabled", "auth_mode", "usage", "updated_at"]}),
        (
            "Manifest texts (blank = the plugin's default)",
            {
                "fields": [
                    "name_for_human",
                    "name_for_model",
                    "description_for_human",
                    "description_for_model",
                    "contact_email",
                    "legal_info_url",
                    "privacy_policy_url",
                ]
            },
        ),
        ("Platform", {"fields": ["verification_token", "service_key", "oauth_token_content_type", "custom_domain"]}),
        ("Rate limits (0 = unlimited)", {"fields": ["rate_limit_per_minute", "total_rate_limit_per_minute"]}),
    ]

    def has_add_permission(self, request):
        # Rows are created for installed plugins after `migrate`; there is nothing else to add.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.config is not None:
            for field in (
                "name_for_human",
                "name_for_model",
                "description_for_human",
                "description_for_model",
            ):
                form.base_fields[field].widget.attrs["placeholder"] = getattr(obj.config, field)
        return form

    @admin.display(description="Name")
    def display_name(self, obj):
        return obj.text("name_for_human") if obj.config else obj.slug

    @admin.display(description="Usage")
    def usage(self, obj):
        url = reverse("admin:usage_call_plugin", args=[obj.slug])
        return format_html('<a href="{}">Calls, errors, latency and users of this plugin</a>', url)

    @admin.display(description="Service key")
    def service_key(self, obj):
        if not obj.has_service_key:
            return "none yet: use the action 'Generate a new service key'"
        return f"{obj.service_key_hint}… (only its hash is stored)"

    @admin.action(description="Generate a new service key (the old one stops working)")
    def rotate_service_key(self, request, queryset):
        keys = [(plugin, plugin_rotate_service_key(plugin=plugin)) for plugin in queryset]
        for plugin, _key in keys:
            self.log_change(request, plugin, "Rotated the service key.")
        context = {**self.admin_site.each_context(request), "keys": keys, "opts": self.model._meta}
        return TemplateResponse(request, "admin/gateway/plugin/service_keys.html", context)
