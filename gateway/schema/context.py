"""The per-request GraphQL context: collaborators, fresh DataLoaders, request id, stale notes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import MutableHeaders

from gateway.cache.reads import ReadLog
from gateway.loaders import Loaders, StaleNote
from gateway.noyo import request_id as upstream_request_id

REQUEST_ID_HEADER = "x-request-id"


@dataclass
class Context:
    request: Any
    response: Any
    services: Any
    settings: Any
    noyo: Any
    cache: Any
    loaders: Loaders
    request_id: str
    stale: list[StaleNote] = field(default_factory=list)
    principal: Any = None  # set by the security layer (scopes, PHI masking)
    reads: ReadLog = field(default_factory=ReadLog)  # what the response was built from (response cache)
    operation: Any = None  # set once the operation is known: its type and whether it introspects
    #: told the operation's kind once it is known (the response cache: a mutation is never shared)
    on_operation: Callable[[Any], None] | None = None
    selections: dict[int, frozenset[str]] = field(default_factory=dict)  # see ``schema.selection``
    below: dict[int, dict[str, frozenset[str]]] = field(default_factory=dict)  # ``selection.fields_below``
    #: GraphQL views of records many places share, per (type, id): ``(record, view)`` (see ``carrier_of``)
    views: dict[tuple[str, str], tuple[Any, Any]] = field(default_factory=dict)
    connection_params: Any = None  # a WebSocket's ``connection_init`` payload (credentials)
    expires_at: float | None = None  # when the credentials of a long-lived connection expire (epoch s)
    #: False for one plain HTTP request/response (no event stream): a subscription is refused there
    streams: bool = True
    #: True for a response cache's background refresh (``gateway.response_refresh``): no client waits
    refresh: bool = False


def _request_id(request: Any) -> str:
    headers = getattr(request, "headers", None) or {}
    supplied = headers.get(REQUEST_ID_HEADER, "")
    if supplied and len(supplied) <= 128 and supplied.isprintable():
        return supplied
    return uuid.uuid4().hex


async def build_context(request: Any, response: Any, services: Any) -> Context:
    """A ``Context`` for one GraphQL request; its loaders live exactly as long as the request."""
    stale: list[StaleNote] = []
    reads = ReadLog()
    loaders = Loaders(services.noyo, services.cache, services.settings, on_stale=stale.append, reads=reads)
    request_id = _request_id(request)
    upstream_request_id.set(request_id)  # the Noyo client forwards it upstream
    if isinstance(getattr(response, "headers", None), MutableHeaders):  # not a WebSocket's request headers
        response.headers[REQUEST_ID_HEADER] = request_id
    return Context(
        request=request,
        response=response,
        services=services,
        settings=services.settings,
        noyo=services.noyo,
        cache=services.cache,
        loaders=loaders,
        request_id=request_id,
        stale=stale,
        reads=reads,
    )
