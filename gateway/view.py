"""The HTTP face of the schema: Strawberry's ASGI view with our context and GraphiQL page.

Security duties here (the HTTP checks before it are ``gateway.security.middleware``):
- the context carries the request's ``Principal``; partner-scoped principals get scoped
  loaders and Noyo client (``gateway.security.scoping``);
- ``SecurityExtension`` (operation limits, cost, role checks) is on the schema;
- persisted operations (trusted documents or APQ) are resolved before execution;
- JSON array batching is refused unless ``GATEWAY_BATCHING_MAX_OPERATIONS`` > 0;
- GraphiQL is the page bundled with the gateway (``gateway.console``), with example tabs;
- production: no GraphiQL, no "Did you mean ...?" suggestions in error messages;
- subscriptions: graphql-transport-ws on ``/graphql`` (credentials in ``connection_init``,
  checked by ``on_ws_connect``; origins, limits, pings and token expiry in
  ``gateway.websocket``) and Server-Sent Events (``Accept: text/event-stream``, the HTTP
  checks above apply; the stream ends when the bearer token expires).

The hot path: with the response cache on, a single operation's key is computed from the raw
body (or query string) before anything is parsed, and a hit is answered right here (authentication
and rate limits have run in the middleware before; metrics count it). A miss runs Strawberry and,
when the operation is a query that read something and produced no errors or stale data, its body
is stored. A hit in the last tenth of its entry's life also starts the entry's refresh in the
background (``gateway.response_refresh``). Bodies are encoded with orjson. GET requests naming
a persisted document get an ETag and ``304 Not Modified`` for a matching ``If-None-Match``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL, GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from .access_log import REQUEST_ID_SCOPE_KEY, annotate, current_record
from .cache.responses import LATER, ResponseCache, with_miss_extension
from .console import graphiql_page
from .graphql_http import negotiate, refusal
from .raw_request import ParsedRequests, RawOperation, header, media_type, read_body, replay
from .response_refresh import REFRESH_SCOPE_KEY, Refresher, land
from .schema.live import refresh_context
from .security.authn import AuthenticationError, Authenticator
from .security.connection import authenticate_connection, parse_origins, token_expiry
from .security.middleware import PRINCIPAL_SCOPE_KEY
from .security.persisted import PersistedQueries, PersistedQueryError, normalise_document_id
from .security.principal import NOBODY, Principal
from .security.scoping import scope_context
from .settings import Settings
from .websocket import GatewayWSHandler, TextWebSocketAdapter

logger = logging.getLogger("gateway.view")

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
TOKEN_LIMIT_TEXT = "Document contains more than"  # noqa: S105 - graphql-core's parser, past ``max_tokens``


def strip_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


@dataclass
class _Pending:
    """A miss being executed: where its body goes once it is known to be cacheable (the
    response cache the request began with: a shutdown meanwhile detaches the view's)."""

    responses: ResponseCache
    key: str
    started_at: float
    conditional: bool  # GET of a persisted document: answer with an ETag
    context: Any = None
    cacheable: bool = False
    body: bytes | None = None
    stored: Any = None  # the StoredResponse once saved
    flights: dict[str, asyncio.Future[Any]] | None = None  # the view's misses in flight, and ours
    flight: asyncio.Future[Any] | None = None

    def operation_known(self, kind: Any) -> None:
        """Not a query (a mutation, subscription or introspection): identical requests waiting on
        this one's response run their own at once instead of after it (it will not be stored)."""
        if kind != "query" and self.flight is not None and self.flights is not None:
            land(self.flights, self.key, self.flight, None)


_PENDING: ContextVar[_Pending | None] = ContextVar("gateway_response_pending", default=None)


async def _discard(message: Any) -> None:
    """``send`` of a refresh: its response is stored, not sent."""


REFRESH_LIMIT = 16  # background refreshes of cached responses running at once (per process)


class GatewayGraphQL(GraphQL):
    """Strawberry's ASGI view, building our per-request context; GraphiQL is the bundled page."""

    graphql_transport_ws_handler_class = GatewayWSHandler
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(
        self,
        schema: Any,
        *,
        settings: Settings,
        persisted: PersistedQueries | None = None,
        authenticator: Authenticator | None = None,
    ) -> None:
        production = settings.gateway_env == "production"
        super().__init__(
            schema,
            graphql_ide=None if production else "graphiql",
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL),
            connection_init_wait_timeout=timedelta(seconds=settings.gateway_ws_connection_init_timeout),
            max_subscriptions_per_connection=None,  # GatewayWSHandler enforces its own, with a code
            allowed_origins=parse_origins(settings.gateway_ws_allowed_origins),
        )
        self.settings = settings
        self.production = production
        self.persisted = persisted
        self.authenticator = authenticator or Authenticator(settings)
        self.responses: ResponseCache | None = None  # set by the app's lifespan (``attach``)
        self.refresher: Refresher | None = None
        self._flights: dict[str, asyncio.Future[Any]] = {}  # misses and refreshes executing, by key
        self._parsed = ParsedRequests()
        self.metrics: Any = None

    def attach(self, responses: ResponseCache | None, metrics: Any) -> None:
        """The lifespan's collaborators: the response cache (refreshed ahead unless
        ``GATEWAY_RESPONSE_CACHE_REFRESH_AHEAD`` is off) and the metrics."""
        self.responses, self.metrics = responses, metrics
        self.refresher = None
        if responses is not None and self.settings.gateway_response_cache_refresh_ahead:
            self.refresher = Refresher(
                self._flights,
                self._refresh,
                stats=responses.stats,
                limit=REFRESH_LIMIT,
                timeout=self.settings.gateway_request_timeout,
            )

    async def detach(self) -> None:
        """At shutdown: no more cached responses; refreshes still running are cancelled."""
        refresher, self.refresher, self.responses = self.refresher, None, None
        if refresher is not None:
            await refresher.close()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        responses = self.responses
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if responses is None:
            await self._respond(scope, receive, send, None)
            return
        started = time.perf_counter()
        parsed = body = None
        method = scope["method"]
        if method == "POST":
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                body = message.get("body", b"")  # the whole body in one message: what clients send
            else:
                body = await read_body(receive, message)
            parsed = self._parsed.of_body(body)
        elif method == "GET" and scope.get("query_string"):
            parsed = self._parsed.of_query_string(scope["query_string"])
        if parsed is None:
            await self._respond(scope, receive if body is None else replay(body, receive), send, None)
            return
        operation, keys = parsed
        principal = scope.get(PRINCIPAL_SCOPE_KEY)
        if not isinstance(principal, Principal):
            principal = NOBODY
        known = keys.get(id(principal))  # principals are made once per caller and reused
        if known is not None and known[0] is principal:
            key = known[1]
        else:
            key = responses.key(operation.digest, operation.operation_name, operation.variables, principal)
            if len(keys) < 64:
                keys[id(principal)] = (principal, key)  # the principal kept: its id is not reused meanwhile
        conditional = operation.persisted and method == "GET"
        stored = responses.lookup_now(key)
        if stored is LATER:
            stored = await responses.lookup(key)
        if stored is None:
            replayed = receive if body is None else replay(body, receive)
            stored = await self._miss(responses, key, scope, replayed, send, conditional)
            if stored is None:
                return
        now = responses.clock()
        if now >= stored.refresh_at and self.refresher is not None:
            self.refresher.start(key, scope, body)  # served now; replaced before it expires
        age = responses.age(stored, now)
        if conditional:
            etag = stored.etag.encode()
            headers = [(b"age", b"%d" % age), (b"x-response-cache", b"hit"), (b"etag", etag)]
            if header(scope, b"if-none-match") in (etag, b"*"):
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                self._observe(started, operation)
                return
        else:
            headers = [(b"age", b"%d" % age), (b"x-response-cache", b"hit")]
        payload = responses.render(stored, age)
        headers.append((b"content-type", media_type(header(scope, b"accept"))))
        headers.append((b"content-length", b"%d" % len(payload)))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
        self._observe(started, operation)

    async def _miss(
        self, responses: ResponseCache, key: str, scope: Any, receive: Any, send: Any, conditional: bool
    ) -> Any:
        """Execute a miss, or wait for the identical one already executing in this process (a
        herd of concurrent misses runs once). Returns the stored response to serve as a hit, or
        None once the response has been sent."""
        flight = self._flights.get(key)
        if flight is not None:
            stored = await asyncio.shield(flight)
            if stored is not None:
                return stored
            flight = None  # the first one was not cacheable: run ours
        else:
            flight = self._flights[key] = asyncio.get_running_loop().create_future()
        pending = _Pending(responses, key, responses.clock(), conditional, flights=self._flights, flight=flight)
        try:
            await self._respond(scope, receive, send, pending)
        finally:
            if flight is not None:
                land(self._flights, key, flight, pending.stored)
        return None

    async def _refresh(self, key: str, scope: Any, receive: Any) -> Any:
        """A refresh's execution (``gateway.response_refresh``): a miss whose answer goes nowhere
        but the cache; returns the stored response, or None when it was not stored."""
        responses = self.responses
        if responses is None:  # shut down since the refresh was started
            return None
        pending = _Pending(responses, key, responses.clock(), False)
        await self._respond(scope, receive, _discard, pending)
        return pending.stored

    def _observe(self, started: float, operation: RawOperation) -> None:
        """A hit is an operation like any other for the access log and the metrics."""
        record = current_record()
        if record is not None:  # what ``annotate`` does, without its keyword arguments
            record.operation_type = "query"
            name = operation.operation_name
            record.operation_name = name[:128] if isinstance(name, str) else None  # as a miss logs it
            if record.outcome is None:
                record.outcome = "OK"
        if self.metrics is not None:
            self.metrics.observe_operation("query", True, time.perf_counter() - started)

    async def _respond(self, scope: Any, receive: Any, send: Any, pending: _Pending | None) -> None:
        """Strawberry's handling of one request; a cacheable miss's body is stored on the way."""
        token = _PENDING.set(pending)
        try:
            try:
                response = await self.run(Request(scope=scope, receive=receive))
            except HTTPException as exc:
                accept = (header(scope, b"accept") or b"").decode("latin-1")
                response = refusal(exc.status_code, exc.reason, accept, scope.get(REQUEST_ID_SCOPE_KEY))
            if pending is not None and pending.body is not None and response.status_code == 200:
                stored = pending.stored = await pending.responses.save(
                    pending.key, pending.body, pending.context.reads, pending.started_at
                )
                response.headers["x-response-cache"] = "miss"
                if stored is not None and pending.conditional:
                    response.headers["etag"] = stored.etag
        finally:
            _PENDING.reset(token)
        await response(scope, receive, send)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's handling, answered in the media type (and status codes) the client accepts."""
        response = await super().run(request, context, root_value)
        if isinstance(request, Request) and isinstance(response, Response):
            return negotiate(request.headers.get("accept"), response)
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        pending = _PENDING.get()
        if pending is not None and pending.cacheable and isinstance(response_data, dict):
            body = pending.body = with_miss_extension(response_data)
        else:
            body = orjson.dumps(response_data)
        response = Response(body, status_code=sub_response.status_code or 200, media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Any:
        from .schema.context import build_context

        context = await build_context(request, response, request.app.state.services)
        principal = request.scope.get(PRINCIPAL_SCOPE_KEY)
        scope_context(context, principal if isinstance(principal, Principal) else NOBODY)
        context.refresh = REFRESH_SCOPE_KEY in request.scope
        pending = _PENDING.get()
        if pending is not None and pending.flight is not None:
            context.on_operation = pending.operation_known
        if not self.is_websocket_request(request) and self._get_stream_transport_from_headers(request.headers):
            context.expires_at = token_expiry(request.headers)  # Server-Sent Events end with the token
        return context

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        """Authenticate ``connection_init``'s payload like HTTP headers; refuse (4403) otherwise."""
        client = getattr(getattr(context.request, "client", None), "host", None) or "unknown"
        try:
            principal, expires_at = await authenticate_connection(self.authenticator, context.connection_params, client)
        except AuthenticationError as exc:
            logger.info("refused a WebSocket connection: %s", exc.message)
            raise ConnectionRejectionError({"message": exc.message, "code": "UNAUTHENTICATED"}) from None
        context.principal = principal
        context.expires_at = expires_at
        refresh_context(context)
        return UNSET

    async def resolve_persisted(self, query: str | None, extensions: Any) -> str | None:
        """The document to run (trusted documents / APQ); raises ``PersistedQueryError``."""
        if self.persisted is None:
            return query
        return await self.persisted.resolve(query, extensions)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()

    def parse_json(self, data: str | bytes) -> Any:
        return normalise_document_id(super().parse_json(data))

    def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
        limit = self.settings.gateway_batching_max_operations
        if limit <= 0:
            raise HTTPException(400, "Batching is not enabled")
        if len(request_data) > limit:
            raise HTTPException(400, "Too many operations")

    async def execute_single(
        self, request: Any, request_adapter: Any, sub_response: Any, context: Any, root_value: Any, request_data: Any
    ) -> ExecutionResult:
        refused = await self._resolve_persisted(request_data)
        if refused is not None:
            return refused
        context.streams = False  # one JSON answer: a subscription has nowhere to send its events
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)
        pending = _PENDING.get()
        if pending is not None:
            pending.context = context
            pending.cacheable = (
                not result.errors
                and getattr(context, "operation", None) == "query"
                and not getattr(context, "stale", None)
                and not context.reads.empty
            )
        return result

    async def execute_operation(
        self, request: Any, request_adapter: Any, request_data: Any, context: Any, root_value: Any, sub_response: Any
    ) -> Any:
        if not isinstance(request_data, list) and self._get_stream_transport(request_data.protocol):
            refused = await self._resolve_persisted(request_data)  # an event stream runs no execute_single
            if refused is not None:
                return refused
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    async def _resolve_persisted(self, request_data: Any) -> ExecutionResult | None:
        try:
            request_data.query = await self.resolve_persisted(request_data.query, request_data.extensions)
        except PersistedQueryError as exc:
            error = GraphQLError(exc.message, extensions={"code": exc.code})
            return ExecutionResult(data=None, errors=[error])
        return None

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        data = await super().process_result(request, result)
        errors = cast("list[dict[str, Any]]", data.get("errors") or [])
        for error in errors:
            extensions = error.setdefault("extensions", {})
            if not extensions.get("code"):  # the parser's errors come back before any extension ran
                too_large = TOKEN_LIMIT_TEXT in error["message"]
                extensions["code"] = "QUERY_TOO_LARGE" if too_large else "GRAPHQL_PARSE_FAILED"
            annotate(outcome=extensions["code"])
            if self.production:
                error["message"] = strip_suggestions(error["message"])
        return data


__all__ = ["GatewayGraphQL", "strip_suggestions"]
