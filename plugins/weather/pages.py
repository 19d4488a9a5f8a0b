"""The place page: plain HTML with OpenGraph tags, so links in answers get a preview on the platform."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response

from gateway.api import AuthMode, PublicPluginPage

from . import selectors
from .links import SIGNATURE_PARAM, place_link_valid
from .serializers import WeatherQuerySerializer

UNSIGNED = (
    "This link has no signature. While this plugin requires sign-in, its place page shows only the links "
    "its answers contain; ask the assistant for the weather to get one."
)
TAMPERED = (
    "This link's signature does not match its place, coordinates or units: it was changed after the plugin "
    "made it. Use the link exactly as the assistant's answer gave it."
)


def summary(answer: dict) -> str:
    """Return one line such as "18.2 °C, partly cloudy (feels like 17.5 °C), humidity 60%, wind 12.0 km/h"."""
    now, units = answer["current"], answer["units"]
    parts = [f"{now['temperature']} {units['temperature']}"]
    if now["conditions"]:
        parts[0] += f", {now['conditions']}"
    if now["feels_like"] is not None:
        parts[0] += f" (feels like {now['feels_like']} {units['temperature']})"
    if now["humidity"] is not None:
        parts.append(f"humidity {now['humidity']}%")
    if now["wind_speed"] is not None:
        parts.append(f"wind {now['wind_speed']} {units['wind_speed']}")
    return ", ".join(parts) + f". Observed {now['observed_at'][11:16]} local time."


@extend_schema(exclude=True)
class PlacePage(PublicPluginPage):
    """Show the current weather at a place, with OpenGraph tags for link previews.

    Public on purpose: the platform's preview fetcher sends no credentials. What keeps it from
    being a free, unauthenticated way into the upstream: when the plugin needs auth it serves only
    links the API signed (links.py), and the plugin's rate limits apply as to any call.
    """

    renderer_classes = (TemplateHTMLRenderer,)
    http_method_names = ["get", "head"]
    template_name = "weather/place.html"

    def get(self, request):
        serializer = WeatherQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        # No region fallback: a link always names its place.
        where = selectors.where_resolve(
            place=query.get("place"), lat=query.get("lat"), lon=query.get("lon"), region=None
        )
        if request.plugin.auth_mode != AuthMode.NONE:
            signature = request.query_params.get(SIGNATURE_PARAM, "")
            if not signature:
                raise PermissionDenied(UNSIGNED)
            if not place_link_valid(request, where=where, units=query["units"], signature=signature):
                raise PermissionDenied(TAMPERED)
        answer = selectors.weather_current(where=where, units=query["units"])
        place = answer["place"]
        title = f"Weather in {place['name']}" + (f", {place['country']}" if place["country"] else "")
        context = {
            "page_url": request.build_absolute_uri(),
            "answer": answer,
            "title": title,
            "description": summary(answer),
            "image_url": request.build_absolute_uri(reverse("weather:logo")),
            "site_name": request.plugin.text("name_for_human"),
        }
        return Response(context, headers={"Cache-Control": "public, max-age=600"})

    def handle_exception(self, exc):
        """Answer every refusal (bad ask, unsigned link, throttle, upstream error) as the page, same status."""
        response = super().handle_exception(exc)
        headers = {name: response[name] for name in ("Retry-After",) if response.has_header(name)}
        # The envelope's message: the same words an API caller gets for the same refusal.
        context = {"page_url": self.request.build_absolute_uri(), "error": response.data["error"]["message"]}
        return Response(context, status=response.status_code, headers=headers)
