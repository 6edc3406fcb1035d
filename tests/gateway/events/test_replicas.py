"""Two gateway replicas on loopback HTTP sharing the real Redis, fed by the emulator's webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app as create_gateway
from gateway.events import CHANGES, Bus, Change
from noyo_emulator import create_app as create_emulator
from tests.gateway.conftest import make_gateway_settings
from tests.gateway.write.support import REVIEW_QUEUE, connected_pairs

from .support import SECRET, delivery, eventually, free_port, serving

pytestmark = pytest.mark.redis
HOOK = "/webhooks/noyo"


class Cluster:
    def __init__(self, emulator: Any, emulator_url: str, urls: list[str], bus: Bus) -> None:
        self.emulator, self.emulator_url, self.urls, self.bus = emulator, emulator_url, urls, bus
        self.http = httpx.AsyncClient(timeout=10)

    async def queue(self, replica: int) -> set[str]:
        response = await self.http.post(f"{self.urls[replica]}/graphql", json={"query": REVIEW_QUEUE})
        body = response.json()
        assert "errors" not in body, body
        return {e["node"]["id"] for e in body["data"]["reviewQueue"]["edges"]}

    async def hook(self, path: str, body: Any = None) -> httpx.Response:
        return await self.http.post(f"{self.emulator_url}/__emulator/{path}", json=body)


@contextlib.asynccontextmanager
async def cluster(redis_url: str, namespace: str) -> AsyncIterator[Cluster]:
    """The emulator (webhooks to replica A) and replicas A and B, all on loopback."""
    ports = [free_port(), free_port()]
    emulator_port = free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    emulator = create_emulator(seed=42, webhook_url=f"http://127.0.0.1:{ports[0]}{HOOK}", webhook_secret=SECRET)
    settings = make_gateway_settings(
        namespace, noyo_base_url=emulator_url, noyo_token_url=f"{emulator_url}/auth/public/token",
        gateway_cache_url=redis_url, gateway_webhook_secrets=SECRET,
    )
    bus = Bus.from_url(redis_url, namespace=namespace)
    await bus.start()
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(serving(emulator, emulator_port))
        urls = [await stack.enter_async_context(serving(create_gateway(settings), port)) for port in ports]
        c = Cluster(emulator, emulator_url, urls, bus)
        try:
            yield c
        finally:
            await c.http.aclose()
            await bus.close()


async def test_a_carrier_sourced_request_reaches_the_review_queue_of_both_replicas_within_a_second(
    redis_url, cache_namespace
):
    async with cluster(redis_url, cache_namespace) as c:
        # given both replicas have the review queue cached
        before = [await c.queue(0), await c.queue(1)]
        group_id, carrier_id = connected_pairs(c.emulator)[0]
        # when Noyo opens a carrier-sourced request
        response = await c.hook("carrier-disconnection", {"group_id": group_id, "carrier_id": carrier_id})
        created_at = time.monotonic()
        request_id = response.json()["id"]

        async def listed_after(replica: int) -> float:
            """Seconds from the request's creation to the answer of the first read listing it."""
            assert await eventually(lambda: _listing(c, replica, request_id), seconds=5)
            return time.monotonic() - created_at

        # then both replicas list it within a second (each polled on its own, so one replica's
        # slow read does not count against the other)
        delays = await asyncio.gather(listed_after(0), listed_after(1))
        assert max(delays) < 1.0, delays
        assert request_id not in before[0] | before[1]


async def _listing(c, replica: int, request_id: str) -> bool:
    return request_id in await c.queue(replica)


async def test_a_duplicate_delivery_yields_one_change_and_a_replay_or_forgery_changes_nothing(
    redis_url, cache_namespace
):
    async with cluster(redis_url, cache_namespace) as c:
        changes = c.bus.subscribe(CHANGES)
        # given the emulator delivering each event twice
        await c.hook("webhooks", {"duplicates": 2})
        group_id, carrier_id = connected_pairs(c.emulator)[0]
        # when one event happens
        await c.hook("carrier-disconnection", {"group_id": group_id, "carrier_id": carrier_id})
        first = Change.from_message(await changes.get(timeout=5))
        # then exactly one change was published for it, though both deliveries were acknowledged
        with pytest.raises(TimeoutError):
            await changes.get(timeout=0.7)
        delivered = (await c.http.get(f"{c.emulator_url}/__emulator/webhooks")).json()["delivered"]
        assert [d["outcomes"] for d in delivered] == [["200"], ["200"]]
        assert first.event_id == delivered[0]["event_id"]
        # when an attacker replays the captured delivery, or forges one, on either replica
        replay = await c.hook("webhooks/replay", {"event_id": first.event_id})
        assert replay.json() == {"status": 200}  # a duplicate inside the tolerance: acknowledged, ignored
        body, headers = delivery("group_disconnection_request.created", first.id, secret="guessed")
        forged = await c.http.post(f"{c.urls[1]}{HOOK}", content=body, headers=headers)
        assert forged.status_code == 401
        # then nothing more was processed
        with pytest.raises(TimeoutError):
            await changes.get(timeout=0.7)
        changes.close()


async def test_a_replay_after_the_tolerance_is_refused(redis_url, cache_namespace, emulator_app):
    from tests.gateway.conftest import running_gateway

    settings = make_gateway_settings(cache_namespace, gateway_cache_url=redis_url, gateway_webhook_secrets=SECRET,
                                     gateway_webhook_tolerance_seconds=1)
    async with running_gateway(settings, emulator_app) as (app, client):
        request_id = next(iter(emulator_app.state.emulator.disconnections))
        body, headers = delivery("group_disconnection_request.status_change", request_id)
        assert (await client.post(HOOK, content=body, headers=headers)).status_code == 200
        await asyncio.sleep(1.2)
        replayed = await client.post(HOOK, content=body, headers=headers)
        assert (replayed.status_code, replayed.json()["reason"]) == (401, "stale_timestamp")
