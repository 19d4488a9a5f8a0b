"""The OAuth endpoints under each plugin's base: DOT's views, adapted to the platform's requests."""

import json

from django.http import JsonResponse, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views

from ..ops.throttling import OAuthThrottleMixin
from .resources import resource_belongs_to_plugin


class JSONBodyMixin:
    """Accept a JSON body where DOT reads a form: the platform's plugin flow posts JSON to the token URL."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                data = None
            if not isinstance(data, dict):
                return JsonResponse(
                    {"error": "invalid_request", "error_description": "The body must be a JSON object."}, status=400
                )
            form = QueryDict(mutable=True)
            for key, value in data.items():
                values = value if isinstance(value, list) else [value]
                form.setlist(key, ["" if item is None else str(item) for item in values])
            request.POST = form
            request.META["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        return super().dispatch(request, *args, **kwargs)


class PluginResourceMixin:
    """Refuse an RFC 8707 `resource` outside this plugin; DOT then binds the grant and token to it."""

    def dispatch(self, request, *args, **kwargs):
        resources = request.GET.getlist("resource") + (request.POST.getlist("resource") if request.POST else [])
        # The consent form posts an empty `resource` when none was asked for.
        foreign = [uri for uri in resources if uri and not resource_belongs_to_plugin(request, request.plugin, uri)]
        if foreign:
            description = f"The resource {foreign[0]} is not served by this plugin."
            return JsonResponse({"error": "invalid_target", "error_description": description}, status=400)
        return super().dispatch(request, *args, **kwargs)


class AuthorizationView(PluginResourceMixin, dot_views.AuthorizationView):
    """Sign in (on this plugin's host), then approve or deny on the consent page."""

    template_name = "oauth/consent.html"

    def get_login_url(self):
        return reverse(f"{self.request.plugin.slug}:login")


# Machine-to-machine endpoints (client-authenticated, no cookies): CSRF does not apply, as in DOT.
@method_decorator(csrf_exempt, name="dispatch")
class TokenView(OAuthThrottleMixin, JSONBodyMixin, PluginResourceMixin, dot_views.TokenView):
    pass


@method_decorator(csrf_exempt, name="dispatch")
class RevokeTokenView(OAuthThrottleMixin, JSONBodyMixin, dot_views.RevokeTokenView):
    pass
