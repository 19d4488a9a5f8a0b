"""The place page: plain HTML with OpenGraph tags, so links in answers get a preview on the platform."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException, ValidationError

from . import selectors
from .serializers import WeatherQuerySerializer


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


def error_text(error: APIException) -> str:
    """Return the error as a sentence; a ValidationError is one dict of field -> messages here."""
    if isinstance(error, ValidationError) and isinstance(error.detail, dict):
        return "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in error.detail.items())
    return str(error.detail)


@extend_schema(exclude=True)
@require_safe
def place_page(request):
    """Show the current weather at a place, with OpenGraph tags for link previews."""
    serializer = WeatherQuerySerializer(data=request.GET)
    context = {"page_url": request.build_absolute_uri()}
    try:
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        where = selectors.where_resolve(
            place=query.get("place"), lat=query.get("lat"), lon=query.get("lon"), region=None
        )
        answer = selectors.weather_current(where=where, units=query["units"])
    except APIException as error:
        context["error"] = error_text(error)
        return render(request, "weather/place.html", context, status=error.status_code)
    place = answer["place"]
    title = f"Weather in {place['name']}" + (f", {place['country']}" if place["country"] else "")
    context.update(
        {
            "answer": answer,
            "title": title,
            "description": summary(answer),
            "image_url": request.build_absolute_uri(reverse("weather:logo")),
            "site_name": request.plugin.text("name_for_human"),
        }
    )
    response = render(request, "weather/place.html", context)
    response["Cache-Control"] = "public, max-age=600"
    return response
