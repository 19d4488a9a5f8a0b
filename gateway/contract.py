"""The plugin view bases: auth, throttling, the answer cap and the error answers on the class itself.

A plugin reaches these through gateway.api. They set explicitly what DRF would otherwise take from
the global REST_FRAMEWORK defaults, so a plugin view that subclasses them cannot skip any of it, and
the system check gateway.E005 refuses a plugin view that does not.
"""

from django.conf import settings
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .auth import PluginAccess, PluginAuthentication
from .calls import api_operation
from .errors import error_response, exception_handler
from .throttling import PluginRateThrottle
from .upstream import UpstreamFailureLogMixin

# The answer cap: plugin answers stay within the size the AI platforms accept (GATEWAY_MAX_RESPONSE_CHARS).
# A longer answer is replaced by a 502 `response_too_large` error rather than cut: a truncated list
# would look complete to a model, and a cut JSON document would not parse. 502 because the gateway
# got an answer from the plugin it cannot pass on (as from a bad upstream); a 500 would mean a bug,
# and 413 is about request bodies. Plugins keep answers small by paging or filtering. It holds for
# plugin answers only, whichever way they are called (HTTP or an MCP tool call); the gateway's own
# documents are not capped.


def response_too_large(response) -> str | None:
    """Return why an answer is over GATEWAY_MAX_RESPONSE_CHARS, or None when it fits."""
    limit = settings.GATEWAY_MAX_RESPONSE_CHARS
    # Bytes >= characters in UTF-8, so decoding is needed only for a long body.
    if len(response.content) <= limit:
        return None
    length = len(response.content.decode(response.charset or "utf-8", errors="replace"))
    if length <= limit:
        return None
    return (
        f"The answer has {length:,} characters, over the {limit:,} an AI platform accepts; "
        "ask for less (narrower filters or fewer results)."
    )


class PluginViewMixin(UpstreamFailureLogMixin):
    """What every plugin view gets, public or not: throttling, the error envelope, the answer cap."""

    throttle_classes = (PluginRateThrottle,)
    renderer_classes = (JSONRenderer,)
    parser_classes = (JSONParser,)

    def get_exception_handler(self):
        return exception_handler

    def dispatch(self, request, *args, **kwargs):
        record = request.call
        # An MCP tool call's inner request arrives named after its tool (the same operationId).
        if record.operation is None:
            record.operation = api_operation(request, request.plugin)
        response = super().dispatch(request, *args, **kwargs)
        if getattr(response, "streaming", False):
            return response
        # Rendered here rather than by Django's handler, so the cap reads the bytes the caller would get
        # (an MCP tool call runs this same view and sees the same refusal).
        if hasattr(response, "render"):
            response.render()
        message = response_too_large(response)
        return response if message is None else error_response(502, "response_too_large", message)


class PluginAPIView(PluginViewMixin, APIView):
    """Base of every plugin API view: the plugin's auth mode decides who may call it."""

    authentication_classes = (PluginAuthentication,)
    permission_classes = (PluginAccess,)


class PluginGenericAPIView(PluginViewMixin, GenericAPIView):
    """PluginAPIView for DRF's generic views: combine with its mixins (ListModelMixin) and pagination."""

    authentication_classes = (PluginAuthentication,)
    permission_classes = (PluginAccess,)


class PublicPluginPage(PluginViewMixin, APIView):
    """Base of a plugin page that must answer without credentials (say why in its docstring).

    Public means unauthenticated only: the plugin's rate limits and the answer cap still apply.
    """

    authentication_classes = ()
    permission_classes = ()
