"""Links to the plugin's place page, built from the request so they work in path and host mode."""

from urllib.parse import urlencode

from django.urls import reverse


def place_link(request, *, where, units: str) -> str:
    """Return the absolute URL of the place page for this ask."""
    if where.query:
        params = {"place": where.query}
    else:
        params = {"lat": f"{where.place.latitude:.4f}", "lon": f"{where.place.longitude:.4f}"}
    if units != "metric":
        params["units"] = units
    return request.build_absolute_uri(f"{reverse('weather:place')}?{urlencode(params)}")
