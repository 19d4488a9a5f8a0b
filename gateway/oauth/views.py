"""The OAuth endpoints under each plugin's base: DOT's views, adapted to the platform's requests."""

import json

from django.http import JsonResponse, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views
from oauth2_provider.cimd import CIMDError
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_backends import _add_iss_to_redirect

from ..ops.metrics import TokenMetricsMixin
from ..throttling import OAuthThrottleMixin, client_address
from .cimd import cimd_client_for, cimd_client_resolve, names_a_document
from .resources import plugin_issuer, resource_belongs_to_plugin

# What the token endpoint serves (and each plugin's RFC 8414 document advertises).
GRANT_TYPES = ("authorization_code", "refresh_token")


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
                # One scalar per parameter (RFC 6749 §3.2), so the throttle and DOT read the same
                # client_id; only `resource` may repeat (RFC 8707 §2).
                values = value if isinstance(value, list) and key == "resource" else [value]
                if not all(
                    item is None or (isinstance(item, str | int | float) and not isinstance(item, bool))
                    for item in values
                ):
                    description = f"{key}: give one string value."
                    return JsonResponse({"error": "invalid_request", "error_description": description}, status=400)
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
            return self.resource_refused(foreign[0])
        return super().dispatch(request, *args, **kwargs)

    def resource_refused(self, uri: str):
        description = f"The resource {uri} is not served by this plugin."
        return JsonResponse({"error": "invalid_target", "error_description": description}, status=400)


class MetadataDocumentClientMixin:
    """Take a client_id that is a metadata document's URL (CIMD): DOT reads the plugin's client_id for it.

    The token and revoke endpoints only look the URL up; the authorize view also fetches the
    document (first sight, or past its cache age) once the user has signed in, and answers a
    refused one with the reason on the page: the client's redirect URI is not trusted yet.
    """

    fetches_documents = False

    def dispatch(self, request, *args, **kwargs):
        params = request.POST if request.method == "POST" else request.GET
        url = params.get("client_id", "")
        if not names_a_document(url) or (self.fetches_documents and not request.user.is_authenticated):
            return super().dispatch(request, *args, **kwargs)
        if self.fetches_documents:
            try:
                client = cimd_client_resolve(plugin=request.plugin, url=url, address=client_address(request))
            except CIMDError as refused:
                return self.metadata_document_refused(str(refused))
        else:
            client = cimd_client_for(plugin=request.plugin, url=url)
        if client is not None:
            params = params.copy()
            params["client_id"] = client.client_id
            if request.method == "POST":
                request.POST = params
            else:
                # DOT hands oauthlib the query string, not request.GET.
                request.GET, request.META["QUERY_STRING"] = params, params.urlencode()
        return super().dispatch(request, *args, **kwargs)

    def metadata_document_refused(self, description: str):
        # Only the authorize view fetches, and it answers on its page (consent.html's error branch).
        context = {"error": {"error": "invalid_client", "description": description}}
        return self.render_to_response(context, status=400)


class AuthorizationView(PluginResourceMixin, MetadataDocumentClientMixin, dot_views.AuthorizationView):
    """Sign in (on this plugin's host), then approve or deny on the consent page."""

    template_name = "oauth/consent.html"
    fetches_documents = True

    def get(self, request, *args, **kwargs):
        # DOT lets the client's approval_prompt=auto skip the consent page for a user who approved
        # before; the gateway always asks (REQUEST_APPROVAL_PROMPT=force), whatever the link says.
        if "approval_prompt" in request.GET:
            request.GET = request.GET.copy()
            del request.GET["approval_prompt"]
        return super().get(request, *args, **kwargs)

    def get_login_url(self):
        return reverse(f"{self.request.plugin.slug}:login")

    def resource_refused(self, uri: str):
        # A person reads this answer, not the client: the consent page's error branch, as for a
        # refused client, never a redirect to a callback.
        description = f"The app asked for access to {uri}, which is not {self.request.plugin.display_name}."
        return self.render_to_response({"error": {"error": "invalid_target", "description": description}}, status=400)

    def handle_no_permission(self):
        # A request no sign-in could make valid (no PKCE, an unknown client or redirect URI) is refused
        # before the login page: the client learns at once, and nobody types a password for nothing.
        # A client_id that is a metadata document's URL is judged after sign-in, when it is fetched.
        if names_a_document(self.request.GET.get("client_id", "")):
            return super().handle_no_permission()
        try:
            self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        return super().handle_no_permission()

    def redirect(self, redirect_to, application):
        # Every answer to the client (code, or error) carries this plugin as its RFC 9207 issuer,
        # in place of DOT's single one, as each plugin's RFC 8414 document names itself.
        issuer = plugin_issuer(self.request, self.request.plugin)
        if application is None:
            # DOT passes none for an error found while validating the request, after oauthlib has
            # matched the redirect URI to this client: its schemes (a loopback http one) apply.
            application = self.oauth_client()
        return super().redirect(_add_iss_to_redirect(redirect_to, issuer), application)

    def oauth_client(self):
        client_id = self.request.GET.get("client_id") or self.request.POST.get("client_id")
        return get_application_model().objects.filter(client_id=client_id, plugin=self.request.plugin).first()


# Machine-to-machine endpoints (client-authenticated, no cookies): CSRF does not apply, as in DOT.
@method_decorator(csrf_exempt, name="dispatch")
class TokenView(
    TokenMetricsMixin,
    OAuthThrottleMixin,
    JSONBodyMixin,
    PluginResourceMixin,
    MetadataDocumentClientMixin,
    dot_views.TokenView,
):
    def post(self, request, *args, **kwargs):
        # Refused here, before DOT: its device-code branch reads a missing `device_code` (a 500).
        grant_type = request.POST.get("grant_type")
        if grant_type is not None and grant_type not in GRANT_TYPES:
            description = f"Use one of: {', '.join(GRANT_TYPES)}."
            return JsonResponse({"error": "unsupported_grant_type", "error_description": description}, status=400)
        return super().post(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class RevokeTokenView(OAuthThrottleMixin, JSONBodyMixin, MetadataDocumentClientMixin, dot_views.RevokeTokenView):
    pass
