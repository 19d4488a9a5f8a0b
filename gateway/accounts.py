"""End users' pages: sign in, sign up, personal API keys (user_http mode) and connected apps (oauth mode)."""

import math
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .models import AuthMode, Plugin, UserKey
from .oauth.selectors import connected_app_list
from .oauth.services import connected_app_revoke
from .registry import plugin_configs
from .selectors import user_key_list
from .services import user_key_create, user_key_revoke
from .throttling import sign_in_retry_after


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def sign_in_limited(view):
    """Refuse a sign-in (429 page) while its account or the client's address is out of failed attempts.

    Failures are counted by the `user_login_failed` receiver (gateway.throttling.sign_in_failed),
    so this one decorator limits every sign-in form, the admin's included.
    """

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            retry_after = sign_in_retry_after(request, request.POST.get("username", ""))
            if retry_after is not None:
                context = {"minutes": math.ceil(retry_after / 60)}
                response = render(request, "accounts/too_many_attempts.html", context, status=429)
                response["Retry-After"] = str(retry_after)
                return response
        return view(request, *args, **kwargs)

    return limited


def _default_destination(request, gateway_page: str) -> str:
    """Return where a sign-in or sign-up with no usable `next` lands: the plugin's base on its pages."""
    plugin = getattr(request, "plugin", None)
    # A plugin's own host has no gateway pages to reverse (and its session is not the gateway's).
    return reverse(f"{plugin.slug}:base") if plugin is not None else reverse(gateway_page)


@method_decorator(sign_in_limited, name="dispatch")
class SignInView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return _default_destination(self.request, settings.LOGIN_REDIRECT_URL)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signup_url": _here(self.request, "signup")}


@require_http_methods(["GET", "POST"])
def signup(request):
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_next_url(request, _default_destination(request, "account")))
    context = {"form": form, "next": _next_url(request, ""), "login_url": _here(request, "login")}
    return render(request, "accounts/signup.html", context)


def _here(request, name: str) -> str:
    """Reverse an account URL on the host the request came in on (a plugin's, or the gateway's)."""
    plugin = getattr(request, "plugin", None)
    return reverse(f"{plugin.slug}:{name}" if plugin is not None else name)


def sign_in_required(view):
    """Send a signed-out visitor to the sign-in page of the host they are on (a plugin's, or the gateway's)."""

    @wraps(view)
    def signed_in(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _here(request, "login"))
        return view(request, *args, **kwargs)

    return signed_in


class PluginChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class UserKeyForm(forms.ModelForm):
    """Name a new personal key for a plugin that takes them: enabled, installed and in user_http mode."""

    plugin = PluginChoiceField(
        queryset=Plugin.objects.filter(enabled=True, auth_mode=AuthMode.USER_HTTP),
        to_field_name="slug",  # the POST names the plugin as its URLs do
        empty_label=None,
        error_messages={
            "required": "Choose one of the plugins listed.",
            "invalid_choice": "Choose one of the plugins listed: that one takes no personal keys.",
        },
    )

    class Meta:
        model = UserKey
        fields = ["plugin", "name"]
        labels = {"name": "Name (to recognise it later)"}
        error_messages = {"name": {"required": "Give the key a name."}}

    def __init__(self, *args, plugin: Plugin | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A row whose app was uninstalled stays in the table; it serves nothing, so it takes no keys.
        installed = [config.slug for config in plugin_configs()]
        queryset = self.fields["plugin"].queryset.filter(slug__in=installed)
        # On a plugin's own pages, only that plugin.
        self.fields["plugin"].queryset = queryset if plugin is None else queryset.filter(pk=plugin.pk)


@sign_in_required
@require_http_methods(["GET", "POST"])
def account(request):
    """List the user's personal API keys and connected apps; create a key (shown once), revoke a key or an app.

    On a plugin's pages (its base + account/) the lists hold that plugin's keys and apps only.
    """
    plugin = getattr(request, "plugin", None)
    action = next((name for name in ("revoke", "disconnect") if name in request.POST), "create")
    creating = request.method == "POST" and action == "create"
    form = UserKeyForm(request.POST if creating else None, plugin=plugin)
    new_key, error = None, None
    if request.method == "POST" and action == "revoke":
        if user_key_revoke(user=request.user, key_id=request.POST["revoke"]):
            return redirect(_here(request, "account"))
        error = "There is no such key among yours; nothing was revoked."
    elif request.method == "POST" and action == "disconnect":
        if connected_app_revoke(user=request.user, client_id=request.POST["disconnect"]):
            messages.success(request, "Access revoked: that app can no longer act for you.")
            return redirect(_here(request, "account"))
        error = "There is no such app among those you connected; nothing was revoked."
    elif creating and form.is_valid():
        new_key = user_key_create(user=request.user, **form.cleaned_data)
        form = UserKeyForm(plugin=plugin)  # the next key starts blank
    keys = [key for key in user_key_list(user=request.user) if plugin is None or key.plugin_id == plugin.pk]
    apps = connected_app_list(user=request.user, plugin=plugin)
    context = {
        "form": form,
        "keys": keys,
        "apps": apps,
        "new_key": new_key,
        "error": error,
        "plugin": plugin,
        # A plugin's page shows what its mode uses (and anything left from an earlier mode).
        "show_keys": plugin is None or plugin.auth_mode == AuthMode.USER_HTTP or bool(keys),
        "show_apps": plugin is None or plugin.auth_mode == AuthMode.OAUTH or bool(apps),
    }
    return render(request, "accounts/account.html", context, status=400 if error or form.errors else 200)
