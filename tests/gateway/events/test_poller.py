"""The poller: where Noyo sends no webhooks, changes found by polling feed the same pipeline."""

from __future__ import annotations

import time

import pytest

from gateway.events import CHANGES, Change
from gateway.events.intake import RedisIntake
from gateway.events.poller import LEASE
from tests.gateway.conftest import make_gateway_settings, running_gateway
from tests.gateway.write.support import REVIEW_QUEUE, connected_pairs

from .support import eventually


async def test_a_polled_change_reaches_the_review_queue_and_the_bus(cache_namespace, emulator_app, hooks, noyo):
    # given a gateway polling Noyo (no webhooks configured), its first poll done
    settings = make_gateway_settings(cache_namespace, gateway_poll_interval=0.1)
    async with running_gateway(settings, emulator_app) as (app, client):
        services = app.state.services
        changes = services.bus.subscribe(CHANGES)
        poller = services.events.poller
        await eventually(lambda: poller._seen is not None)
        queue = lambda: client.post("/graphql", json={"query": REVIEW_QUEUE})  # noqa: E731
        before = {e["node"]["id"] for e in (await queue()).json()["data"]["reviewQueue"]["edges"]}
        # when Noyo opens a carrier-sourced request
        group_id, carrier_id = connected_pairs(emulator_app)[0]
        created = (await hooks.post("/__emulator/carrier-disconnection",
                                    json={"group_id": group_id, "carrier_id": carrier_id})).json()
        # then the poller finds it, the pipeline announces it and the queue shows it
        change = Change.from_message(await changes.get(timeout=5))
        assert (change.kind, change.id, change.event_type, change.status) == (
            "disconnection_request", created["id"], "poll", "needs_review")
        after = {e["node"]["id"] for e in (await queue()).json()["data"]["reviewQueue"]["edges"]}
        assert after == before | {created["id"]}
        # when it is rejected (it leaves the polled statuses), then that is found too
        rejected = await noyo.put(f"/api/v1/group_disconnection_requests/{created['id']}/reject", json={})
        assert rejected.status_code == 200
        change = Change.from_message(await changes.get(timeout=5))
        assert (change.id, change.status, change.previous_status) == (created["id"], "rejected", "needs_review")


async def test_without_an_interval_nothing_polls(gateway):
    assert gateway.state.services.events.poller is None


@pytest.mark.redis
async def test_one_replica_holds_the_poll_lease_at_a_time(redis_url, cache_namespace):
    a = RedisIntake(redis_url, namespace=cache_namespace)
    b = RedisIntake(redis_url, namespace=cache_namespace)
    await a.start()
    await b.start()
    try:
        assert await a.lease(LEASE, "a", 2.0) is True
        assert await b.lease(LEASE, "b", 2.0) is False
        renewed = time.monotonic()
        assert await a.lease(LEASE, "a", 2.0) is True  # renewed by its holder
        # the holder stopped renewing: taken over once the lease ran out, not before
        assert await eventually(lambda: b.lease(LEASE, "b", 2.0), seconds=10)
        assert time.monotonic() - renewed >= 1.9
        assert await a.lease(LEASE, "a", 2.0) is False
    finally:
        await a.close()
        await b.close()
