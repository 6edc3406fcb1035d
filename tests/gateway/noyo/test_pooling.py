"""The connection pool: a burst of concurrent reads keeps its connections for the next burst,
and httpcore's per-call async-library detection is a cached import."""

from __future__ import annotations

import asyncio
import sys

from gateway.noyo import NoyoClient
from gateway.settings import Settings
from noyo_emulator.app import create_app
from tests.gateway.schema.resilience_support import served

BURST = 30  # above httpx's own default of 20 idle connections


def _connections(noyo: NoyoClient) -> list[object]:
    return list(noyo._http._transport._pool.connections)  # type: ignore[attr-defined]


async def test_a_burst_of_concurrent_reads_keeps_its_connections_for_the_next_one() -> None:
    # given the emulator over loopback, slow enough for every call of a burst to overlap
    emulator = create_app(seed=7, latency_ms=400)
    group_ids = list(emulator.state.emulator.groups)[:BURST]
    async with served(emulator) as url:
        settings = Settings(noyo_base_url=url, noyo_token_url=f"{url}/auth/public/token",
                            noyo_client_id="demo-client", noyo_client_secret="demo-secret")
        async with NoyoClient.from_settings(settings) as noyo:
            await noyo.tokens.get_token()

            # when one burst of per-group reads runs, and then another
            await asyncio.gather(*(noyo.get_group(g) for g in group_ids))
            after_first = {id(c) for c in _connections(noyo)}
            await asyncio.gather(*(noyo.get_group(g) for g in group_ids))
            after_second = {id(c) for c in _connections(noyo)}

    # then the first burst really ran on more connections than httpx keeps by default,
    # none of them was closed as it went idle, and the second burst opened no new one
    assert len(after_first) > 20
    assert after_second == after_first


async def test_httpcore_finds_the_async_library_without_a_failing_import() -> None:
    # given httpcore, which runs ``import sniffio`` on every lock and socket operation of a call
    from httpcore._synchronization import current_async_library

    # when it asks which async library runs it
    library = current_async_library()

    # then the answer came from the installed module (a missing one is a failed import, a scan
    # of the import path, on each of those operations)
    assert library == "asyncio"
    assert "sniffio" in sys.modules
