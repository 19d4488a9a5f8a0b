from django.contrib import admin
from django.db import models
from django.template.response import TemplateResponse

from .models import Plugin
from .services import plugin_rotate_service_key


@admin.register(Plugin)
class PluginAdmin(admin.ModelAdmin):
    list_display = ["slug", "enabled", "auth_mode", "display_name", "custom_domain", "service_key"]
    list_filter = ["enabled", "auth_mode"]
    list_editable = ["enabled"]
    readonly_fields = ["slug", "service_key", "updated_at"]
    actions = ["rotate_service_key"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # noqa: RUF012
    fieldsets = [
        (None, {"fields": ["slug", "enabled", "auth_mode", "updated_at"]}),
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
                ]
            },
        ),
        ("Platform", {"fields": ["verification_token", "service_key", "custom_domain"]}),
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
