from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from oauth2_provider import admin as oauth_admin
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from .models import AuthMode, OAuthClient, Plugin, UserKey
from .oauth.services import oauth_client_access_revoke
from .services import plugin_rotate_service_key

admin.site.site_header = "Plugin gateway"
admin.site.site_title = "Plugin gateway admin"
admin.site.index_title = "Plugins, OAuth clients and usage"

# Fields of the plugin page that only some auth modes use; every other field applies to all modes.
MODE_FIELDS = {
    # The manifest carries verification_tokens in these two modes only (REFERENCE.md §3).
    "verification_token": {AuthMode.SERVICE_HTTP, AuthMode.OAUTH},
    "service_key": {AuthMode.SERVICE_HTTP},
    "oauth_token_content_type": {AuthMode.OAUTH},
}


class OAuthClientInline(admin.TabularInline):
    """The plugin's OAuth clients, on its admin page (edit one through its own link)."""

    model = OAuthClient
    auth_mode = AuthMode.OAUTH
    fields = [
        "name",
        "client_id",
        "domain",
        "client_type",
        "redirect_uris",
        "registration_source",
        "pkce_exempt",
        "created",
    ]
    readonly_fields = fields
    show_change_link = True
    view_on_site = False  # DOT's get_absolute_url names a page the gateway does not mount
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


class UserKeyInline(admin.TabularInline):
    model = UserKey
    auth_mode = AuthMode.USER_HTTP
    fields = ["user", "name", "hint", "created_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class OAuthClientAdmin(oauth_admin.ApplicationAdmin):
    """DOT's application admin, with the plugin the client belongs to. Copy the secret before saving.

    Clients that came by a metadata document (CIMD) are listed with the domain that published it.
    Deleting a client deletes its tokens; a CIMD client comes back on its next authorization, so to
    end its access now and make every user approve it again, use the revoke action.
    """

    list_display = ["name", "plugin", "domain", "client_type", "registration_source", "pkce_exempt", "created"]
    list_filter = ["plugin", "client_type", "registration_source", "pkce_exempt"]
    search_fields = ["name", "client_id", "metadata_url", "redirect_uris"]
    readonly_fields = [*oauth_admin.ApplicationAdmin.readonly_fields, "metadata_url"]
    actions = ["revoke_access"]
    view_on_site = False  # as on the inline: no such page

    @admin.action(description="Revoke every token of the selected clients (users must approve them again)")
    def revoke_access(self, request, queryset):
        for client in queryset:
            revoked = oauth_client_access_revoke(client_pk=client.pk)
            self.log_change(request, client, f"Revoked {revoked} tokens.")
        self.message_user(request, f"Revoked the access of {len(queryset)} client(s); their tokens no longer work.")


class HashedTokenAdminMixin:
    """Leave the token out: the gateway stores only its SHA-256 (the token column is blank, RFC 9700)."""

    hidden_fields = ("token", "token_checksum")

    def get_exclude(self, request, obj=None):
        return (*(super().get_exclude(request, obj) or ()), *self.hidden_fields)

    def get_readonly_fields(self, request, obj=None):
        # DOT's masked token is the blank column's last characters: an empty cell.
        return [field for field in super().get_readonly_fields(request, obj) if field != "masked_token"]


class AccessTokenAdmin(HashedTokenAdminMixin, oauth_admin.AccessTokenAdmin):
    list_display = ["pk", "user", "application", "scope", "expires"]
    hidden_fields = (*HashedTokenAdminMixin.hidden_fields, "id_token")  # OIDC is off


class RefreshTokenAdmin(HashedTokenAdminMixin, oauth_admin.RefreshTokenAdmin):
    list_display = ["pk", "user", "application", "created", "revoked"]


def oauth_admin_for_the_gateway(site=admin.site):
    """Unregister DOT's pages the gateway has no use for; list its tokens without a token column.

    Called from GatewayConfig.ready(), after the admin modules are loaded: DOT registers its models
    while it imports this module (APPLICATION_ADMIN_CLASS points here), so this cannot run at import.
    """
    # OIDC is off, so no ID token is ever issued; an authorization code lives a minute and is stored
    # hashed, so its page could only show a hash.
    site.unregister([get_id_token_model(), get_grant_model()])
    for model, model_admin in (
        (get_access_token_model(), AccessTokenAdmin),
        (get_refresh_token_model(), RefreshTokenAdmin),
    ):
        site.unregister(model)
        site.register(model, model_admin)


@admin.register(Plugin)
class PluginAdmin(admin.ModelAdmin):
    list_display = ["slug", "enabled", "auth_mode", "display_name", "custom_domain", "service_key_column"]
    list_filter = ["enabled", "auth_mode"]
    list_editable = ["enabled"]
    # Mode-independent, unlike the fieldsets: Django reads these again after the form has set the new mode.
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

    def get_fieldsets(self, request, obj=None):
        """Show the fields every mode uses and those of the plugin's saved auth mode."""
        mode = obj.auth_mode if obj is not None else None
        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            fields = [field for field in options["fields"] if mode in MODE_FIELDS.get(field, {mode})]
            if fields:
                fieldsets.append((title, {**options, "fields": fields}))
        return fieldsets

    def get_inlines(self, request, obj):
        """Show the OAuth clients in oauth mode and the user keys in user_http mode."""
        return [inline for inline in self.inlines if obj is not None and inline.auth_mode == obj.auth_mode]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["auth_mode"].help_text = (
            "The page shows what the saved mode needs (keys, tokens, clients): after changing the mode, save "
            "and set those up here."
        )
        if obj is not None and obj.config is not None:
            for field in (
                "name_for_human",
                "name_for_model",
                "description_for_human",
                "description_for_model",
            ):
                form.base_fields[field].widget.attrs["placeholder"] = getattr(obj.config, field)
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Read by response_change, which is not given the form.
        request.plugin_auth_mode_changed = change and "auth_mode" in form.changed_data

    def response_change(self, request, obj):
        if getattr(request, "plugin_auth_mode_changed", False):
            # The fields follow the saved mode: stay on the page, which now shows the new mode's.
            self.message_user(request, f"Saved: {obj} now uses “{obj.get_auth_mode_display()}”. Set it up below.")
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not Plugin.objects.filter(auth_mode=AuthMode.SERVICE_HTTP).exists():
            # Only a plugin in service_http mode has a service key to generate.
            actions.pop("rotate_service_key", None)
        return actions

    @admin.display(description="Name")
    def display_name(self, obj):
        return obj.text("name_for_human") if obj.config else obj.slug

    @admin.display(description="Usage")
    def usage(self, obj):
        url = reverse("admin:usage_call_plugin", args=[obj.slug])
        return format_html('<a href="{}">Calls, errors, latency and users of this plugin</a>', url)

    @admin.display(description="Service key")
    def service_key_column(self, obj):
        if obj.auth_mode != AuthMode.SERVICE_HTTP:
            return None  # the admin's "-": no key applies
        return f"{obj.service_key_hint}…" if obj.has_service_key else "none yet"

    @admin.display(description="Service key")
    def service_key(self, obj):
        if not obj.has_service_key:
            url = reverse("admin:gateway_plugin_changelist") + f"?auth_mode__exact={AuthMode.SERVICE_HTTP}"
            return format_html(
                'none yet: tick this plugin in the <a href="{}">plugin list</a> and run the action '
                "“Generate a new service key”",
                url,
            )
        return f"{obj.service_key_hint}… (only its hash is stored)"

    @admin.action(description="Generate a new service key (the old one stops working)")
    def rotate_service_key(self, request, queryset):
        skipped = [plugin.slug for plugin in queryset if plugin.auth_mode != AuthMode.SERVICE_HTTP]
        if skipped:
            self.message_user(
                request,
                f"No key was made for {', '.join(skipped)}: only a plugin in service_http mode uses one.",
                messages.WARNING,
            )
        keys = [
            (plugin, plugin_rotate_service_key(plugin=plugin))
            for plugin in queryset.filter(auth_mode=AuthMode.SERVICE_HTTP)
        ]
        if not keys:
            return None  # back to the list, with the warning
        for plugin, _key in keys:
            self.log_change(request, plugin, "Rotated the service key.")
        context = {**self.admin_site.each_context(request), "keys": keys, "opts": self.model._meta}
        return TemplateResponse(request, "admin/gateway/plugin/service_keys.html", context)


class PluginSettingsAdmin(admin.ModelAdmin):
    """Admin of a plugin's settings row (gateway.models.PluginSettings): one row, never deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
