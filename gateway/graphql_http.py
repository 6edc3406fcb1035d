"""GraphQL over HTTP: the ``application/graphql-response+json`` media type and its status codes.

A client that accepts ``application/graphql-response+json`` (at least as much as
``application/json``) gets that media type, and the status codes the GraphQL-over-HTTP
specification gives it: a *request error* (the document does not parse or validate, a variable
cannot be coerced, an operation limit refuses it: nothing executed, so the errors carry no
``path``) is HTTP 400 with no ``data`` entry; anything that executed is HTTP 200, field errors
included. Clients that accept only ``application/json`` (or send no ``Accept``) keep the legacy
behaviour: HTTP 200 and ``"data": null``.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from .security.middleware import error_body

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def _quality(accept: str, media_type: str) -> float:
    """The q-value ``accept`` gives ``media_type`` (wildcards count for less than exact matches)."""
    main_type = media_type.split("/", 1)[0]
    best, best_precision = 0.0, -1
    for part in accept.split(","):
        fields = [field.strip() for field in part.split(";")]
        candidate = fields[0].lower()
        if candidate == media_type:
            precision = 2
        elif candidate == f"{main_type}/*":
            precision = 1
        elif candidate == "*/*":
            precision = 0
        else:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if precision > best_precision:
            best, best_precision = quality, precision
    return best


def response_media_type(accept: str | None) -> str:
    """``application/graphql-response+json`` when the client accepts it at least as much as
    ``application/json``; otherwise ``application/json`` (also with no ``Accept`` at all)."""
    if not accept:
        return JSON
    wanted = _quality(accept, GRAPHQL_RESPONSE)
    if wanted > 0 and GRAPHQL_RESPONSE in accept.lower() and wanted >= _quality(accept, JSON):
        return GRAPHQL_RESPONSE
    return JSON


def is_request_error(payload: Any) -> bool:
    """Nothing executed: no data, and errors none of which points into a result (no ``path``)."""
    if not isinstance(payload, dict) or payload.get("data") is not None:
        return False
    errors = payload.get("errors")
    return (
        isinstance(errors, list)
        and bool(errors)
        and all(isinstance(error, dict) and not error.get("path") for error in errors)
    )


def negotiate(accept: str | None, response: Response) -> Response:
    """``response`` (a JSON GraphQL response) in the media type and status the client asked for."""
    if response.media_type != JSON or response_media_type(accept) != GRAPHQL_RESPONSE:
        return response
    response.media_type = GRAPHQL_RESPONSE
    response.headers["content-type"] = GRAPHQL_RESPONSE
    if response.status_code == 200 and b'"errors"' in response.body:
        payload = orjson.loads(response.body)
        if is_request_error(payload):
            payload.pop("data", None)
            response.body = orjson.dumps(payload)
            response.headers["content-length"] = str(len(response.body))
            response.status_code = 400
    return response


#: ``extensions.code`` of a request refused before any GraphQL work, by HTTP status (the security
#: layer's codes for the same refusals)
_REFUSAL_CODES = {405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


def refusal(status: int, reason: str, accept: str | None, request_id: str | None) -> Response:
    """A request refused before it was a GraphQL operation (unparseable body, unknown operation
    name, batching off...) as a GraphQL response: ``{"errors": [{"message", "extensions": {"code",
    "requestId"}}]}`` (``error_body``, as the security layer's refusals, without ``data``: nothing
    executed) with its status kept, in the media type the client asked for, so that clients
    (GraphiQL included) show the reason rather than failing to parse plain text."""
    payload = orjson.loads(error_body(reason, _REFUSAL_CODES.get(status, "BAD_REQUEST"), request_id))
    del payload["data"]
    return Response(orjson.dumps(payload), status_code=status, media_type=response_media_type(accept))


__all__ = ["GRAPHQL_RESPONSE", "JSON", "is_request_error", "negotiate", "refusal", "response_media_type"]
