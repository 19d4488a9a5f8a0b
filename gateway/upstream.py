"""Calls to a plugin's upstream API: explicit timeouts, and upstream failures mapped to clear 5xx errors."""

import httpx
from rest_framework import status
from rest_framework.exceptions import APIException


class UpstreamError(APIException):
    """The upstream answered with an error or nonsense: 502."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "upstream_error"
    default_detail = "The upstream service failed; try again later."


class UpstreamTimeout(APIException):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_code = "upstream_timeout"
    default_detail = "The upstream service did not answer in time; try again later."


class UpstreamUnavailable(APIException):
    """The upstream is rate-limiting or down for a while: 503, with Retry-After when known."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "upstream_unavailable"
    default_detail = "The upstream service is busy; try again later."

    def __init__(self, detail=None, retry_after: int | None = None):
        super().__init__(detail)
        self.wait = retry_after


def upstream_timeout(*, connect: float = 3.0, total: float = 10.0) -> httpx.Timeout:
    """Return an httpx timeout: `connect` to connect, `total` for each read, write and pool wait."""
    return httpx.Timeout(total, connect=connect)


def upstream_get_json(client: httpx.Client, url: str, *, params=None, name: str = "upstream"):
    """GET a JSON document; map transport errors, 5xx, 429 and bad JSON to the errors above.

    4xx answers other than 429 are returned to the caller as (status, body) so a plugin can say
    what they mean for its users (an unknown city is not an outage).
    """
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException as error:
        raise UpstreamTimeout(f"{name} did not answer in time; try again later.") from error
    except httpx.HTTPError as error:
        raise UpstreamError(f"{name} could not be reached ({type(error).__name__}); try again later.") from error
    if response.status_code == 429:
        retry_after = response.headers.get("Retry-After", "60")
        seconds = int(retry_after) if retry_after.isdigit() else 60
        raise UpstreamUnavailable(f"{name} is rate-limiting the gateway; try again later.", retry_after=seconds)
    if response.status_code >= 500:
        raise UpstreamError(f"{name} failed with HTTP {response.status_code}; try again later.")
    try:
        body = response.json()
    except ValueError as error:
        raise UpstreamError(f"{name} answered with something that is not JSON.") from error
    return response.status_code, body
