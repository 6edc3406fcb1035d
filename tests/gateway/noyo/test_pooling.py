"""The connection pool: a burst of concurrent reads keeps its connections for the next burst
(over either ``NOYO_HTTP_TRANSPORT``), and httpcore's per-call async-library detection is a
cached import."""

from __future__ import annotations

import asyncio
import sys

import pytest

from gateway.noyo import NoyoClient
from gateway.settings import Settings
from noyo_emulator.app import create_app
from tests.gateway.schema.resilience_support import served

BURST = 30  # above httpx's own default of 20 idle connections


class ClientPorts:
    """Wraps an ASGI app; records the client port of every HTTP request (one port per connection)."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.ports: list[int] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.ports.append(scope["client"][1])
        await self.app(scope, receive, send)


@pytest.mark.parametrize("transport", ["aiohttp", "httpcore"])
async def test_a_burst_of_concurrent_reads_keeps_its_connections_for_the_next_one(transport: str) -> None:
    # given the emulator over loopback, slow enough for every call of a burst to overlap
    emulator = create_app(seed=7, latency_ms=400)
    group_ids = list(emulator.state.emulator.groups)[:BURST]
    server = ClientPorts(emulator)
    async with served(server) as url:
        settings = Settings(noyo_base_url=url, noyo_token_url=f"{url}/auth/public/token",
                            noyo_client_id="demo-client", noyo_client_secret="demo-secret",
                            noyo_http_transport=transport)
        async with NoyoClient.from_settings(settings) as noyo:
            await noyo.tokens.get_token()

            # when one burst of per-group reads runs, and then another
            server.ports.clear()
            await asyncio.gather(*(noyo.get_group(g) for g in group_ids))
            first = set(server.ports)
            server.ports.clear()
            await asyncio.gather(*(noyo.get_group(g) for g in group_ids))
            second = set(server.ports)

    # then the first burst really ran on more connections than httpx keeps by default,
    # and the second burst came on those same connections: none was closed as it went idle
    assert len(first) == BURST
    assert second == first


async def test_httpcore_finds_the_async_library_without_a_failing_import() -> None:
    # given httpcore, which runs ``import sniffio`` on every lock and socket operation of a call
    from httpcore._synchronization import current_async_library

    # when it asks which async library runs it
    library = current_async_library()

    # then the answer came from the installed module (a missing one is a failed import, a scan
    # of the import path, on each of those operations)
    assert library == "asyncio"
    assert "sniffio" in sys.modules
