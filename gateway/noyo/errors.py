"""The exceptions the Noyo client raises, and the one place HTTP statuses map to them.

Messages are Noyo's own ``message`` (the write path shows Noyo's 4xx messages to
clients) or a generic text; raw upstream bodies are never carried.
"""

from __future__ import annotations

import httpx


class NoyoError(Exception):
    """Base of every Noyo client error. ``status`` is the upstream HTTP status, if any.

    ``in_doubt`` is True when the request may have reached Noyo and been applied although no
    answer says so (the connection broke or timed out after sending, a 500, 502 or 504): a
    write that fails so must be reconciled by reading Noyo, never blindly resent.
    """

    def __init__(
        self, message: str, status: int | None = None, *, retry_after: float | None = None, in_doubt: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.in_doubt = in_doubt

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


class NoyoAuthError(NoyoError):
    """The token endpoint refused or failed to issue an access token."""


class NoyoBadRequest(NoyoError):
    """400: Noyo rejected the request."""


class NoyoUnauthorized(NoyoError):
    """401: the bearer token was refused even after one refresh."""


class NoyoForbidden(NoyoError):
    """403: not allowed (e.g. disconnecting a protected group)."""


class NoyoNotFound(NoyoError):
    """404: no such record."""


class NoyoConflict(NoyoError):
    """409: a stale version or a conflicting state."""


class NoyoValidationError(NoyoError):
    """422: the body failed Noyo's validation."""


class NoyoRateLimited(NoyoError):
    """429: too many requests; ``retry_after`` holds Noyo's hint when given."""


class NoyoServerError(NoyoError):
    """A 5xx other than 502/503/504."""


class NoyoInvalidResponse(NoyoServerError):
    """A 2xx whose body is not the JSON shape the client expects."""


class NoyoUnavailable(NoyoError):
    """502/503/504, or no connection could be made / the connection broke."""


class NoyoTimeout(NoyoError):
    """The upstream call timed out (a single attempt, or the overall deadline)."""


STATUS_ERRORS: dict[int, type[NoyoError]] = {
    400: NoyoBadRequest,
    401: NoyoUnauthorized,
    403: NoyoForbidden,
    404: NoyoNotFound,
    409: NoyoConflict,
    422: NoyoValidationError,
    429: NoyoRateLimited,
    502: NoyoUnavailable,
    503: NoyoUnavailable,
    504: NoyoUnavailable,
}

#: Failures that say nothing about the data and may pass: callers may serve stale data.
TRANSIENT_ERRORS: tuple[type[NoyoError], ...] = (NoyoUnavailable, NoyoTimeout, NoyoRateLimited, NoyoServerError)


def error_class_for(status: int) -> type[NoyoError]:
    """The exception type for an upstream error status."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return NoyoServerError
    return NoyoError


def upstream_message(response: httpx.Response) -> str:
    """Noyo's ``message`` from an error body, or a generic text when there is none."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str) and message.strip():
            return message
    return f"Noyo returned HTTP {response.status_code}"


#: Statuses after which a write may or may not have been applied (503 and 429 say it was not).
IN_DOUBT_STATUSES = frozenset({500, 502, 504})
#: Transport failures that happen before the request is sent (anything else may come after).
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def error_from_response(response: httpx.Response, *, retry_after: float | None = None) -> NoyoError:
    """Build the exception for a non-2xx Noyo response."""
    status = response.status_code
    return error_class_for(status)(
        upstream_message(response), status, retry_after=retry_after, in_doubt=status in IN_DOUBT_STATUSES
    )
