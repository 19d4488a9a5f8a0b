"""Links to the plugin's place page, built from the request so they work in path and host mode.

Each link carries a signature over what it asks for, so the page can tell a link this plugin
handed out (fine to preview without credentials) from coordinates an anonymous caller made up.
"""

from urllib.parse import urlencode

from django.core.signing import BadSignature, Signer
from django.urls import reverse

SIGNATURE_PARAM = "sig"


def place_params(*, where, units: str) -> dict:
    """Return the page's query for this ask (without the signature), as the link spells it."""
    if where.query:
        params = {"place": where.query}
    else:
        params = {"lat": f"{where.place.latitude:.4f}", "lon": f"{where.place.longitude:.4f}"}
    if units != "metric":
        params["units"] = units
    return params


def place_signer(request) -> Signer:
    # Salted per plugin, so a signature made for one plugin's page is worth nothing on another's.
    return Signer(salt=f"plugins.weather.place:{request.plugin.slug}")


def place_link(request, *, where, units: str) -> str:
    """Return the absolute URL of the place page for this ask, signed."""
    params = place_params(where=where, units=units)
    signer = place_signer(request)
    params[SIGNATURE_PARAM] = signer.sign(urlencode(params)).rpartition(signer.sep)[2]
    return request.build_absolute_uri(f"{reverse('weather:api:place')}?{urlencode(params)}")


def place_link_valid(request, *, where, units: str, signature: str) -> bool:
    """Return whether `signature` is this plugin's signature of the ask (constant time, old keys too)."""
    signer = place_signer(request)
    value = urlencode(place_params(where=where, units=units))
    try:
        signer.unsign(f"{value}{signer.sep}{signature}")
    except BadSignature:
        return False
    return True
