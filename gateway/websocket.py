"""GraphQL over WebSocket (graphql-transport-ws): Strawberry's handler with the gateway's rules.

On top of Strawberry's protocol handling (``connection_init`` first, ``connection_init`` timeout,
ping/pong, one task per operation), ``GatewayWSHandler``:
- gives every operation its OWN copy of the connection's context, with fresh loaders for the
  connection's principal, so concurrent subscriptions on one connection never share loaders;
- refuses an operation beyond ``GATEWAY_WS_MAX_SUBSCRIPTIONS`` in flight with an ``error``
  message whose ``extensions.code`` is ``TOO_MANY_SUBSCRIPTIONS`` (the connection stays open);
- refuses queries and mutations: they belong on HTTP, where rate limits, body limits and
  timeouts apply (``OPERATION_NOT_SUPPORTED``);
- sends a ``ping`` every ``GATEWAY_WS_KEEPALIVE_INTERVAL`` seconds once acknowledged;
- closes the connection (4401 ``Token expired``) when the JWT it authenticated with expires, before
  any of its streams ends on its own (``EXPIRY_BACKSTOP``), so that clients see why.
``TextWebSocketAdapter`` sends every message as a text frame. Authentication itself is the
view's ``on_ws_connect`` (``gateway.view``); a refused ``connection_init`` closes the socket
with 4403 ``Forbidden``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from contextvars import ContextVar
from typing import Any, cast

from graphql import OperationType, get_operation_ast, parse
from graphql.error import GraphQLSyntaxError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from .schema.live import refresh_context
from .security.persisted import PersistedQueryError

logger = logging.getLogger("gateway.websocket")

TOKEN_EXPIRED = (4401, "Token expired")
#: seconds after the token's expiry at which an operation's stream ends if its connection is still open
EXPIRY_BACKSTOP = 5.0
_operation_context: ContextVar[Any] = ContextVar("gateway_ws_operation_context")


def _error(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """Sends every message as a text frame (graphql-transport-ws is a text protocol), whatever
    the view's JSON encoder returns."""

    async def send_json(self, message: Any) -> None:
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GatewayWSHandler(BaseGraphQLTransportWSHandler):
    """See the module docstring. ``view`` is a ``gateway.view.GatewayGraphQL``."""

    view: Any  # the GatewayGraphQL view (its settings, its persisted documents)
    _connection_context: Any = None
    _tasks: tuple[asyncio.Task[None], ...] = ()

    @property
    def context(self) -> Any:
        """The running operation's context, or the connection's outside operations."""
        return _operation_context.get(self._connection_context)

    @context.setter
    def context(self, value: Any) -> None:
        self._connection_context = value

    @property
    def settings(self) -> Any:
        return self.view.settings

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if not self.connection_acknowledged or self._tasks:
            return
        tasks = [asyncio.create_task(self._keep_alive())]
        expires_at = getattr(self._connection_context, "expires_at", None)
        if expires_at is not None:
            tasks.append(asyncio.create_task(self._close_at(expires_at)))
        self._tasks = tuple(tasks)

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged and message.get("id") not in self.operations:
            refusal = await self._check(message.get("payload"))
            if refusal is not None:
                await self.send_message(cast(Any, {"id": message["id"], "type": "error", "payload": [refusal]}))
                return
        await super().handle_subscribe(message)

    async def _check(self, payload: Any) -> dict[str, Any] | None:
        """A refusal of the operation, or None (persisted documents resolved in ``payload``)."""
        if not isinstance(payload, dict):
            return None  # Strawberry reports it
        try:
            payload["query"] = await self.view.resolve_persisted(payload.get("query"), payload.get("extensions"))
        except PersistedQueryError as exc:
            return _error(exc.message, exc.code)
        return self._refusal(payload)

    def _refusal(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        limit = self.settings.gateway_ws_max_subscriptions
        if len(self.operations) >= limit:
            message = f"This connection already runs {limit} subscriptions, the most it may run at once."
            return _error(message, "TOO_MANY_SUBSCRIPTIONS", max=limit)
        query = payload.get("query")
        if not isinstance(query, str):
            return None  # Strawberry reports it
        try:
            document = parse(query, max_tokens=self.settings.gateway_max_tokens, no_location=True)
        except GraphQLSyntaxError:
            return None  # Strawberry closes the socket with the syntax error, as the protocol says
        operation = get_operation_ast(document, payload.get("operationName"))
        if operation is not None and operation.operation != OperationType.SUBSCRIPTION:
            message = "Only subscriptions run over WebSocket; send queries and mutations over HTTP."
            return _error(message, "OPERATION_NOT_SUPPORTED")
        return None

    async def run_operation(self, operation: Any) -> None:
        # Runs in the operation's own task: the copy is seen by this operation only. The connection
        # closes at the token's expiry (4401, ``_close_at``), which ends the operation; its stream
        # ends on its own only EXPIRY_BACKSTOP seconds later, so that the client never reads a
        # ``complete`` ahead of the close (and never learns why its subscription ended).
        context = dataclasses.replace(self._connection_context)
        if context.expires_at is not None:
            context.expires_at += EXPIRY_BACKSTOP
        refresh_context(context)
        _operation_context.set(context)
        await super().run_operation(operation)

    async def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await super().shutdown()

    async def _keep_alive(self) -> None:
        interval = self.settings.gateway_ws_keepalive_interval
        with contextlib.suppress(WebSocketDisconnected, RuntimeError):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def _close_at(self, expires_at: float) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        logger.info("closing a WebSocket whose token expired")
        with contextlib.suppress(WebSocketDisconnected, RuntimeError):
            await self.websocket.close(*TOKEN_EXPIRED)


__all__ = ["TOKEN_EXPIRED", "GatewayWSHandler", "TextWebSocketAdapter"]
