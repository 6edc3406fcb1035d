"""Accepting events: once per id across replicas, durably queued, 5xx when Redis is down."""

from __future__ import annotations

import asyncio

import pytest

from bench._redis_server import RedisServer
from gateway.events.intake import Intake, RedisIntake
from tests.gateway.conftest import make_gateway_settings, running_gateway

from .support import SECRET, delivery, eventually

HOOK = "/webhooks/noyo"


@pytest.fixture
async def intakes(cache_url, cache_namespace):
    """Two replicas' intakes on ``cache_url`` (memory://: one process, so one intake twice)."""
    made = []

    async def make(**options):
        intake = Intake.from_url(cache_url, namespace=cache_namespace, **options)
        await intake.start()
        made.append(intake)
        return intake

    yield make
    for intake in made:
        await intake.close()


async def test_an_event_id_is_accepted_once_and_handed_out_once(intakes, cache_url):
    a = await intakes()
    b = await intakes() if cache_url != "memory://" else a
    # when two replicas receive the same event, then only the first accepts it
    assert await a.accept("evt-1", {"id": "evt-1", "n": 1}) is True
    assert await b.accept("evt-1", {"id": "evt-1", "n": 2}) is False
    assert await b.accept("evt-2", {"id": "evt-2"}) is True
    # then the two queued events are handed out once each, across both replicas
    taken = [*(await a.take(10, 0.2)), *(await b.take(10, 0.2))]
    assert sorted(d.message["id"] for d in taken) == ["evt-1", "evt-2"]
    assert next(d for d in taken if d.message["id"] == "evt-1").message["n"] == 1
    for d in taken:
        await a.ack(d)
    assert await a.take(10, 0.1) == [] and await b.take(10, 0.1) == []


@pytest.mark.redis
async def test_an_event_taken_by_a_replica_that_stopped_is_processed_by_another(redis_url, cache_namespace):
    # given replica A took an event and stopped before finishing it
    a = RedisIntake(redis_url, namespace=cache_namespace, claim_idle=1.0)
    b = RedisIntake(redis_url, namespace=cache_namespace, claim_idle=1.0)
    await a.start()
    await b.start()
    try:
        await a.accept("evt-9", {"id": "evt-9"})
        (taken,) = await a.take(1, 0.5)
        await a.close()
        # when B asks before the claim timeout, then it gets nothing yet
        assert await b.take(1, 0.05) == []
        # when the claim timeout has passed, then B gets it, counted as a second delivery
        (again,) = await eventually(lambda: b.take(1, 0.05), seconds=10)
        assert (again.entry_id, again.message, again.deliveries) == (taken.entry_id, {"id": "evt-9"}, 2)
        await b.ack(again)
        # then, acknowledged, it is not handed out again once another claim timeout has passed
        await asyncio.sleep(1.1)
        assert await b.take(1, 0.05) == []
    finally:
        await b.close()


async def test_redis_down_answers_503_and_nothing_is_lost_once_it_is_back(
    private_redis: RedisServer, cache_namespace, emulator_app
):
    # given a gateway whose events go to a Redis of this test's own
    settings = make_gateway_settings(cache_namespace, gateway_webhook_secrets=SECRET,
                                     gateway_events_url=private_redis.url)
    async with running_gateway(settings, emulator_app) as (app, client):
        changes = app.state.services.bus.subscribe("changes")
        request_id = next(iter(emulator_app.state.emulator.disconnections))
        body, headers = delivery("group_disconnection_request.status_change", request_id)
        # when Redis is down, then the webhook is refused with a 5xx so that Noyo retries
        private_redis.kill()
        refused = await client.post(HOOK, content=body, headers=headers)
        assert refused.status_code == 503 and refused.headers["retry-after"]
        assert refused.json()["reason"] == "unavailable"
        # when Redis is back and Noyo retries, then it is accepted and processed once
        private_redis.start()
        async def retried() -> dict | None:
            response = await client.post(HOOK, content=body, headers=headers)
            return response.json() if response.status_code == 200 else None

        assert (await eventually(retried, seconds=5, step=0.2))["status"] == "accepted"
        change = await changes.get(timeout=10)
        assert change["id"] == request_id and change["event_type"] == "group_disconnection_request.status_change"
