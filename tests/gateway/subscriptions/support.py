"""Loopback servers and a graphql-transport-ws client for the subscription tests.

``serve(app)`` runs an ASGI app under uvicorn on a free 127.0.0.1 port (real HTTP and
WebSocket), inside the test's event loop. ``GraphQLWS`` is a small graphql-transport-ws
client on the ``websockets`` package: ``connection_init`` with a payload, ``subscribe``,
and ``next_message`` that answers the server's pings as a real client does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from tests.gateway.security.support import mint

PROTOCOL = "graphql-transport-ws"


def bound_socket() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port (its URL is known before anything serves on it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextlib.asynccontextmanager
async def serve(app: Any, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """``app`` on uvicorn at ``http://127.0.0.1:<free port>`` (or on ``sock``) until the block ends."""
    sock = sock or bound_socket()
    config = uvicorn.Config(app, lifespan="on", log_config=None, ws="websockets-sansio", ws_ping_interval=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # start-up failed: raise its error
            await asyncio.sleep(0.01)
        yield url_of(sock)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


def jwt_payload(**claims: Any) -> dict[str, str]:
    """A ``connection_init`` payload carrying a bearer JWT minted with ``claims``."""
    return {"authorization": f"Bearer {mint(**claims)}"}


class GraphQLWS:
    """One graphql-transport-ws connection (``async with GraphQLWS.open(url, ...) as ws``)."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.pings = 0

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, base_url: str, *, origin: str | None = None) -> AsyncIterator[GraphQLWS]:
        url = base_url.replace("http://", "ws://") + "/graphql"
        headers = {"Origin": origin} if origin else None
        async with connect(url, subprotocols=[PROTOCOL], additional_headers=headers, open_timeout=5) as connection:
            yield cls(connection)

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send ``connection_init``; returns the server's answer (``connection_ack``)."""
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.next_message(timeout=5)

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None, id: str = "1") -> None:
        await self.send({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})

    async def next_message(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message that is not a ping (pings are answered with pong and counted)."""
        async with asyncio.timeout(timeout):
            while True:
                raw = await self.connection.recv()
                assert isinstance(raw, str), "graphql-transport-ws messages travel as text frames"
                message = json.loads(raw)
                if message.get("type") == "ping":
                    self.pings += 1
                    await self.send({"type": "pong"})
                    continue
                return message

    async def no_message(self, within: float) -> None:
        """Assert that nothing but pings arrives for ``within`` seconds."""
        try:
            message = await self.next_message(timeout=within)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message: {message}")

    async def closed(self, timeout: float = 5.0) -> tuple[int | None, str | None]:
        """Wait for the server to close the connection; returns (code, reason)."""
        with contextlib.suppress(Exception):
            async with asyncio.timeout(timeout):
                while True:
                    message = json.loads(await self.connection.recv())
                    if message.get("type") == "ping":
                        await self.send({"type": "pong"})
        await asyncio.wait_for(self.connection.wait_closed(), timeout)
        return self.connection.close_code, self.connection.close_reason


__all__ = ["GraphQLWS", "PROTOCOL", "bound_socket", "jwt_payload", "serve", "url_of"]
