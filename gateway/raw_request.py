"""The cache-relevant parts of a raw ASGI request, read before anything is parsed by Strawberry.

``operation_of(json)`` / ``operation_of_query_string(raw)`` give the ``RawOperation`` a request
asks for (document hash, operation name, variables, whether it names a persisted document), or
None for what only the normal path can answer (batches, malformed bodies, a hash that does not
match its document), remembered per raw request by ``ParsedRequests``. ``read_body`` and
``replay`` read an ASGI body once and hand it on; ``media_type`` and ``header`` read raw
headers. The response cache's hot path in ``view`` is built on these.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

import orjson

from .cache.responses import document_hash
from .graphql_http import response_media_type
from .security.persisted import normalise_document_id, requested_hash


@dataclass(frozen=True, slots=True)
class RawOperation:
    digest: str
    operation_name: Any
    variables: Any
    persisted: bool


def operation_of(data: Any) -> RawOperation | None:
    """The cache-relevant parts of one request's JSON, or None (batches, malformed, no document)."""
    if not isinstance(data, dict):
        return None
    data = normalise_document_id(data)
    query, variables, extensions = data.get("query"), data.get("variables"), data.get("extensions")
    if not isinstance(variables, (dict, type(None))) or not isinstance(extensions, (dict, type(None))):
        return None
    requested = requested_hash(extensions)
    if isinstance(query, str):
        digest = document_hash(query)
        if requested is not None and requested != digest:
            return None  # the normal path reports the mismatch
    elif query is None and requested is not None:
        digest = requested
    else:
        return None
    return RawOperation(digest, data.get("operationName"), variables, requested is not None)


def operation_of_query_string(raw: bytes) -> RawOperation | None:
    params = dict(urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    data: dict[str, Any] = {k: params[k] for k in ("query", "operationName", "documentId") if k in params}
    try:
        for name in ("variables", "extensions"):
            if params.get(name):
                data[name] = orjson.loads(params[name])
    except orjson.JSONDecodeError:
        return None
    return operation_of(data)


_UNSEEN = object()
MEMO_ENTRIES = 1024  # requests whose parsed operation is remembered (then forgotten all at once)
MEMO_MAX_BYTES = 4096  # larger requests are parsed every time


class ParsedRequests:
    """The operation a POST body (or a GET query string) asks for, with a dictionary for its
    response-cache keys by principal, or None when it is not one cacheable operation; remembered
    per raw request for the ones that come again (clients send the same bytes for the same query)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[bool, bytes], tuple[RawOperation, dict[int, Any]] | None] = {}

    def of_body(self, raw: bytes) -> tuple[RawOperation, dict[int, Any]] | None:
        return self._get(raw, False)

    def of_query_string(self, raw: bytes) -> tuple[RawOperation, dict[int, Any]] | None:
        return self._get(raw, True)

    def _get(self, raw: bytes, query_string: bool) -> tuple[RawOperation, dict[int, Any]] | None:
        memo = self._memo
        found = memo.get((query_string, raw), _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        if query_string:
            operation = operation_of_query_string(raw)
        else:
            try:
                operation = operation_of(orjson.loads(raw))
            except orjson.JSONDecodeError:
                operation = None
        found = None if operation is None else (operation, {})
        if len(raw) <= MEMO_MAX_BYTES:
            if len(memo) >= MEMO_ENTRIES:
                memo.clear()
            memo[(query_string, raw)] = found
        return found


async def read_body(receive: Any, message: dict[str, Any]) -> bytes:
    """The request body, ``message`` being the first message ``receive`` gave."""
    chunks = []
    while message["type"] == "http.request":
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
        message = await receive()
    return b"".join(chunks)


def replay(body: bytes, receive_next: Any) -> Any:
    """``receive`` giving ``body`` again, then the connection's own messages (a streamed
    response, such as a subscription's event stream, learns of the client leaving that way)."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return await receive_next()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


_MEDIA_TYPES: dict[bytes | None, bytes] = {}


def media_type(accept: bytes | None) -> bytes:
    """``response_media_type`` of a raw ``Accept`` header, remembered per header value."""
    found = _MEDIA_TYPES.get(accept)
    if found is None:
        found = response_media_type((accept or b"").decode("latin-1")).encode()
        if len(_MEDIA_TYPES) < 256:
            _MEDIA_TYPES[accept] = found
    return found


def header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value
    return None
