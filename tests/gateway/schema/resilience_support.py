"""A gateway over its own emulator, built per test with the emulator options and gateway
settings that test needs (token lifetime, retries, timeouts), optionally over a real socket.

``Rig`` bundles the GraphQL client, the emulator's hooks client and its seeded state; upstream
calls are always counted at the emulator (``GET /__emulator/requests``), token calls included.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from noyo_emulator import create_app as create_emulator
from tests.gateway.conftest import NOYO_TEST_URL, TOKEN_PATH, GraphQLClient, make_gateway_settings

#: Retries on, with back-offs of a few milliseconds: the suite stays fast.
FAST_RETRIES: dict[str, Any] = {
    "noyo_read_max_attempts": 3,
    "noyo_retry_backoff_base": 0.01,
    "noyo_retry_backoff_max": 0.05,
}


@dataclass
class Rig:
    gql: GraphQLClient
    hooks: httpx.AsyncClient
    emulator: Starlette
    settings: Any

    @property
    def world(self) -> Any:
        return self.emulator.state.emulator

    def group_ids(self) -> list[str]:
        return sorted(self.world.groups)

    def carrier_ids(self) -> list[str]:
        return sorted(self.world.carriers)

    async def counts(self) -> dict[str, int]:
        """Upstream calls per ``METHOD /template`` since the last reset, token calls included."""
        return (await self.hooks.get("/__emulator/requests")).json()

    async def token_calls(self) -> int:
        return (await self.counts()).get(TOKEN_PATH, 0)

    async def reset_counts(self) -> None:
        assert (await self.hooks.delete("/__emulator/requests")).status_code == 204

    async def fault(self, path: str, **fault: Any) -> None:
        response = await self.hooks.post("/__emulator/faults", json={"path": path, **fault})
        assert response.status_code == 200, response.text

    async def expire_tokens(self) -> None:
        assert (await self.hooks.post("/__emulator/tokens/expire")).status_code == 200


@contextlib.asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """``app`` under uvicorn on a free localhost port (real sockets, real timeouts); yields its URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="critical",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server._serve())  # not serve(): no process signal handlers in tests
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def rig(namespace: str, *, token_ttl: float = 600, socket: bool = False,
              **settings: Any) -> AsyncIterator[Rig]:
    """A fresh emulator (``token_ttl`` real seconds per token) and a gateway on it.

    ``socket=True`` serves the emulator with uvicorn and lets the gateway use httpx's real
    network transport, so its connect/read timeouts apply (``ASGITransport`` ignores them).
    """
    from gateway.app import create_app

    emulator = create_emulator(seed=42, token_ttl=token_ttl)
    async with contextlib.AsyncExitStack() as stack:
        transport: httpx.AsyncBaseTransport | None = httpx.ASGITransport(app=emulator)
        if socket:
            url = await stack.enter_async_context(served(emulator))
            settings = {"noyo_base_url": url, "noyo_token_url": f"{url}/auth/public/token", **settings}
            transport = None
        gateway_settings = make_gateway_settings(namespace, **{**FAST_RETRIES, **settings})
        gateway = create_app(gateway_settings, noyo_transport=transport)
        await stack.enter_async_context(gateway.router.lifespan_context(gateway))
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gateway.test"))
        hooks = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=NOYO_TEST_URL))
        yield Rig(GraphQLClient(client), hooks, emulator, gateway_settings)
