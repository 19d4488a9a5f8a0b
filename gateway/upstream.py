"""Calls to a plugin's upstream API: explicit timeouts, and upstream failures mapped to clear 5xx errors.

Each failure is logged once, by the view it fails (UpstreamFailureLogMixin), on the `gateway.upstream`
logger: what the client was told and the cause behind it (timeout, refused connection, the upstream's
HTTP status, a body that is not JSON...). A line never carries a query string or a header, where
upstream keys travel.
"""

import logging

import httpx
from rest_framework import status
from rest_framework.exceptions import APIException

logger = logging.getLogger("gateway.upstream")


class UpstreamFailure(APIException):
    """An upstream call failed; `cause` says why for the operator's log (the detail is for the client)."""

    def __init__(self, detail=None, *, cause: str = ""):
        super().__init__(detail)
        self.cause = cause


class UpstreamError(UpstreamFailure):
    """The upstream answered with an error or nonsense: 502."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "upstream_error"
    default_detail = "The upstream service failed; try again later."


class UpstreamTimeout(UpstreamFailure):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_code = "upstream_timeout"
    default_detail = "The upstream service did not answer in time; try again later."


class UpstreamUnavailable(UpstreamFailure):
    """The upstream is rate-limiting or down for a while: 503, with Retry-After when known."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "upstream_unavailable"
    default_detail = "The upstream service is busy; try again later."

    def __init__(self, detail=None, retry_after: int | None = None, *, cause: str = ""):
        super().__init__(detail, cause=cause)
        self.wait = retry_after


def upstream_timeout(*, connect: float = 3.0, total: float = 10.0) -> httpx.Timeout:
    """Return an httpx timeout: `connect` to connect, `total` for each read, write and pool wait."""
    return httpx.Timeout(total, connect=connect)


def _where(request: httpx.Request) -> str:
    # Without the query string: some upstreams (OpenWeather) take their key there.
    return f"GET {request.url.copy_with(query=None)}"


def upstream_get_json(client: httpx.Client, url: str, *, params=None, name: str = "upstream"):
    """GET a JSON document; map transport errors, 5xx, 429 and bad JSON to the errors above.

    4xx answers other than 429 are returned to the caller as (status, body) so a plugin can say
    what they mean for its users (an unknown city is not an outage).
    """
    request = client.build_request("GET", url, params=params)
    try:
        response = client.send(request)
    except httpx.TimeoutException as error:
        cause = f"timeout ({type(error).__name__}) on {_where(request)}"
        raise UpstreamTimeout(f"{name} did not answer in time; try again later.", cause=cause) from error
    except httpx.HTTPError as error:
        # httpx's transport messages are the socket's ("[Errno 111] Connection refused"), not the URL.
        cause = f"{type(error).__name__}: {error} on {_where(request)}"
        raise UpstreamError(
            f"{name} could not be reached ({type(error).__name__}); try again later.", cause=cause
        ) from error
    cause = f"HTTP {response.status_code} from upstream on {_where(request)}"
    if response.status_code == 429:
        retry_after = response.headers.get("Retry-After", "60")
        seconds = int(retry_after) if retry_after.isdigit() else 60
        raise UpstreamUnavailable(
            f"{name} is rate-limiting the gateway; try again later.", retry_after=seconds, cause=cause
        )
    if response.status_code >= 500:
        raise UpstreamError(f"{name} failed with HTTP {response.status_code}; try again later.", cause=cause)
    try:
        body = response.json()
    except ValueError as error:
        raise UpstreamError(
            f"{name} answered with something that is not JSON.", cause=f"unparsable body ({error}), {cause}"
        ) from error
    return response.status_code, body


def upstream_failure_cause(error: UpstreamFailure) -> str:
    """Return what caused the failure: the helper's cause, else the exception it was raised from, else the detail."""
    if error.cause:
        return error.cause
    if error.__cause__ is not None:
        return f"{type(error.__cause__).__name__}: {error.__cause__}"
    return str(error.detail)


class UpstreamFailureLogMixin:
    """Log each upstream failure of a DRF view once, naming its cause.

    Django's request logger would add a bare "Bad Gateway: <path>" for the same failure; the final
    answer is marked as logged (the flag Django's log_response sets and honours) so it does not.
    """

    upstream_failed = False

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, UpstreamFailure):
            self.upstream_failed = True
            logger.error(
                "Upstream failure on %s %s -> %s: %s Cause: %s",
                self.request.method,
                self.request.path,
                response.status_code,
                exc.detail,
                upstream_failure_cause(exc),
                extra={"fields": {"path": self.request.path, "status": response.status_code}},
            )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Marked here, not in handle_exception: a view may answer the failure with a new response (a page).
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.upstream_failed:
            response._has_been_logged = True
        return response
