"""Every GraphQL error leaves the gateway through here.

``ErrorFormatter`` (a schema extension) rewrites the result's errors once the
operation finished:
- errors we raised on purpose (``GatewayError``, e.g. ``BAD_USER_INPUT``) pass through;
  GraphQL's own syntax/validation errors keep their message, code ``GRAPHQL_VALIDATION_FAILED``;
- the ``NoyoError`` tree maps to a stable ``extensions.code`` and a safe message
  (never the upstream body, URL or a stack trace);
- anything else becomes ``INTERNAL_SERVER_ERROR`` carrying the request id.
``log_errors`` (called by the schema's ``process_errors``) logs each error once
with the request id: unexpected exceptions with their traceback, upstream ones
by class only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.noyo import errors as noyo_errors

logger = logging.getLogger("gateway.errors")

BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


class GatewayError(Exception):
    """An error meant for the client as is: ``message`` and ``extensions.code``."""

    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extensions = extensions


def bad_input(message: str, **extensions: Any) -> GatewayError:
    return GatewayError(message, BAD_USER_INPUT, **extensions)


# (code, safe message) by NoyoError class name; the most specific class in the MRO wins.
_UPSTREAM: dict[str, tuple[str, str]] = {
    "NoyoTimeout": ("UPSTREAM_TIMEOUT", "The upstream service did not answer in time."),
    "NoyoRateLimited": ("UPSTREAM_RATE_LIMITED", "The upstream service is rate limiting requests; retry later."),
    "NoyoUnavailable": ("UPSTREAM_UNAVAILABLE", "The upstream service is unavailable; retry later."),
    "NoyoServerError": ("UPSTREAM_ERROR", "The upstream service failed to answer."),
    "NoyoNotFound": ("NOT_FOUND", "The requested record does not exist."),
    "NoyoValidationError": (BAD_USER_INPUT, "The upstream service rejected the request's parameters."),
    "NoyoConflict": ("CONFLICT", "The record changed upstream; reload and retry."),
    "NoyoForbidden": ("FORBIDDEN", "The upstream service refused this operation."),
    "NoyoUnauthorized": ("UPSTREAM_UNAUTHORIZED", "The gateway could not authenticate with the upstream service."),
    "NoyoAuthError": ("UPSTREAM_UNAUTHORIZED", "The gateway could not authenticate with the upstream service."),
    "NoyoError": ("UPSTREAM_ERROR", "The upstream service failed to answer."),
}


_BAD_VARIABLE = re.compile(
    r"^Variable '\$(?P<name>\w+)' (?:got|has) invalid value"
    r"(?: at (?:'(?P<quoted>[\w.\[\]]*)'|(?P<path>[\w.\[\]]+)))?"
)
# Why graphql-core refused a value, most specific first; each reason names types and fields only.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Field '(?P<f>\w+)' of required type '(?P<t>[\w!\[\]]+)' was not provided"),
        "required field '{f}' is missing",
    ),
    (re.compile(r"to include required field '(?P<f>\w+)'"), "required field '{f}' is missing"),
    (re.compile(r"type '(?P<t>\w+)' not to include unknown field '(?P<f>\w+)'"), "'{f}' is not a field of {t}"),
    (re.compile(r"Field '(?P<f>\w+)' is not defined by type '(?P<t>\w+)'"), "'{f}' is not a field of {t}"),
    (re.compile(r"Expected non-nullable type '(?P<t>[\w!\[\]]+)' not to be None"), "expected a non-null {t}"),
    (re.compile(r"Expected type '(?P<t>\w+)' to be a mapping"), "expected an object {t}"),
    (re.compile(r"Value '?.*?'? does not exist in '(?P<t>\w+)' enum", re.S), "expected a value of the enum {t}"),
    (re.compile(r"Expected (?:value of )?type '(?P<t>[\w!\[\]]+?)!?'"), "expected {t}"),
    (re.compile(r"(?<!\w)(?P<t>(?!Value\b)\w+) cannot represent"), "expected {t}"),
    (re.compile(r"Value cannot represent an? (?P<t>\w+)"), "expected {t}"),
)
_LITERAL = re.compile(
    r"^(?:Expected value of type|(?:Value )?cannot represent|\w+ cannot represent|Value .* does not exist in)", re.S
)


def _reason(detail: str) -> str:
    """The reason a value was refused (``expected Date``), never the value itself."""
    for pattern, template in _REASONS:
        match = pattern.search(detail)
        if match:
            return template.format(**match.groupdict())
    return "invalid value"


def _variable_error(error: GraphQLError) -> str | None:
    """``Variable $snapshot.employee.person.dateOfBirth: expected Date.``: a bad variable value,
    named by its path with the reason, never repeating the value (it may be PHI)."""
    match = _BAD_VARIABLE.match(error.message)
    if match is None:
        return None
    at = match["quoted"] or match["path"] or ""
    path = match["name"] + (at if at.startswith((".", "[")) or not at else f".{at}")
    return f"Variable ${path}: {_reason(error.message[match.end() :])}."


def _literal_error(message: str) -> str | None:
    """A refused literal of the document, reported without the literal (it may be PHI)."""
    if not _LITERAL.match(message):
        return None
    return f"Invalid literal value: {_reason(message)}."


def upstream_code(exc: BaseException) -> tuple[str, str] | None:
    """``(code, safe message)`` for a ``NoyoError``; None for anything else."""
    if not isinstance(exc, noyo_errors.NoyoError):
        return None
    for cls in type(exc).__mro__:
        if cls.__name__ in _UPSTREAM:
            return _UPSTREAM[cls.__name__]
    return _UPSTREAM["NoyoError"]


def _request_id(context: Any) -> str | None:
    return getattr(context, "request_id", None)


def _rebuild(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def format_error(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """The client-facing version of ``error``."""
    original = error.original_error
    variable_message = _variable_error(error)
    if variable_message is not None:
        return _rebuild(error, variable_message, {"code": BAD_USER_INPUT})
    if original is None:  # syntax / validation errors describe the query itself
        if (error.extensions or {}).get("code"):
            return error
        message = _literal_error(error.message) or error.message
        return _rebuild(error, message, {**(error.extensions or {}), "code": GRAPHQL_VALIDATION_FAILED})
    if isinstance(original, GatewayError):
        return _rebuild(error, original.message, {"code": original.code, **original.extensions})
    if isinstance(original, GraphQLError) and (original.extensions or {}).get("code"):
        # raised on purpose with a code, e.g. Strawberry permission classes (FORBIDDEN)
        return _rebuild(error, original.message, dict(original.extensions or {}))
    mapped = upstream_code(original)
    if mapped is not None:
        code, message = mapped
        extensions: dict[str, Any] = {"code": code}
        retry_after = getattr(original, "retry_after", None)
        if isinstance(retry_after, (int, float)):
            extensions["retryAfter"] = retry_after
        if request_id:
            extensions["requestId"] = request_id
        return _rebuild(error, message, extensions)
    message = "Internal server error." + (f" Request id: {request_id}." if request_id else "")
    return _rebuild(error, message, {"code": INTERNAL_SERVER_ERROR, "requestId": request_id})


def log_errors(errors: list[GraphQLError], context: Any) -> None:
    """Log each error once, with the request id; upstream failures without bodies."""
    request_id = _request_id(context)
    for error in errors:
        original = error.original_error
        path = ".".join(str(p) for p in error.path or [])
        if original is None or isinstance(original, GatewayError) or _variable_error(error):
            logger.info("graphql client error [request_id=%s] path=%s", request_id, path)
        elif isinstance(original, noyo_errors.NoyoError):
            code, _ = upstream_code(original) or ("UPSTREAM_ERROR", "")
            logger.warning(
                "upstream failure [request_id=%s] path=%s code=%s error=%s",
                request_id,
                path,
                code,
                type(original).__name__,
            )
        else:
            logger.error(
                "unexpected error [request_id=%s] path=%s",
                request_id,
                path,
                exc_info=(type(original), original, original.__traceback__),
            )


class ErrorFormatter(SchemaExtension):
    """Rewrites the operation's errors into their client-facing form (see module doc)."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._format(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each event of a subscription (and each streamed result) leaves formatted too."""
        self._format(result)
        yield

    def _format(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            request_id = _request_id(self.execution_context.context)
            result.errors = [format_error(e, request_id) for e in errors]
