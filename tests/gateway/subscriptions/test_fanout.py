"""Fan-out: a change published on one replica reaches subscribers on every replica, once each."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from gateway.events import Change
from gateway.schema.ids import global_id

from .support import GraphQLWS, jwt_payload

pytestmark = pytest.mark.redis

CHANGED = """subscription($groupId: ID) {
  disconnectionRequestChanged(groupId: $groupId) { noyoId status groupId carrier { noyoId } }
}"""
QUEUE = "subscription { reviewQueueChanged { movement request { noyoId status } } }"


def status_change(record: dict, status: str, previous: str | None, event_id: str | None = "evt-1") -> Change:
    return Change(
        kind="disconnection_request",
        id=record["id"],
        event_type="group_disconnection_request.status_change",
        event_id=event_id,
        group_id=record["group_id"],
        carrier_id=record["carrier_id"],
        status=status,
        previous_status=previous,
        record={**record, "status": status},
    )


async def test_a_status_change_on_one_replica_reaches_a_subscriber_on_the_other_within_2s(replicas, world):
    # given: two replicas; a subscriber on B of partner A's group
    request = world.review_request(world.a)
    async with replicas() as (a, b), GraphQLWS.open(b.url) as ws:
        assert (await ws.init(jwt_payload(role="viewer")))["type"] == "connection_ack"
        await ws.subscribe(CHANGED, {"groupId": global_id("Group", world.a)})  # or its Noyo id
        await b.until_subscribed("disconnectionRequestChanged")

        # when: replica A's event pipeline publishes the request's status change
        started = time.monotonic()
        await a.publish(status_change(request, "processing", "needs_review"))

        # then: B's subscriber gets the refetched request, typed like the query, within 2 s
        message = await ws.next_message(timeout=2)
        elapsed = time.monotonic() - started
        assert message["type"] == "next", message
        assert message["payload"]["data"]["disconnectionRequestChanged"] == {
            "noyoId": request["id"],
            "status": "PROCESSING",
            "groupId": world.a,
            "carrier": {"noyoId": request["carrier_id"]},
        }
        assert elapsed < 2.0


async def test_every_subscriber_on_every_replica_gets_one_message_per_change(replicas, world):
    # given: two subscribers on A and one on B
    request = world.review_request(world.a)
    async with replicas() as (a, b), GraphQLWS.open(a.url) as a1, GraphQLWS.open(a.url) as a2, GraphQLWS.open(
        b.url
    ) as b1:
        for ws in (a1, a2, b1):
            await ws.init(jwt_payload(role="viewer"))
            await ws.subscribe(QUEUE)
        await a.until_subscribed("reviewQueueChanged", 2)
        await b.until_subscribed("reviewQueueChanged", 1)

        # when: one change is published, then published again with the same event id
        await b.publish(status_change(request, "rejected", "needs_review", event_id="evt-dup"))
        await a.publish(status_change(request, "rejected", "needs_review", event_id="evt-dup"))

        # then: each subscriber has exactly one LEFT message
        for ws in (a1, a2, b1):
            message = await ws.next_message(timeout=2)
            assert message["payload"]["data"]["reviewQueueChanged"] == {
                "movement": "LEFT",
                "request": {"noyoId": request["id"], "status": "REJECTED"},
            }
        await asyncio.gather(*(ws.no_message(within=0.5) for ws in (a1, a2, b1)))


async def test_review_queue_says_whether_a_request_entered_or_left(replicas, world):
    request = world.review_request(world.a)
    async with replicas(count=1) as (a,), GraphQLWS.open(a.url) as ws:
        await ws.init(jwt_payload(role="viewer"))
        await ws.subscribe(QUEUE)
        await a.until_subscribed("reviewQueueChanged")

        # when: a request enters the queue, one changes outside it, and one leaves it
        entered = Change(
            kind="disconnection_request", id=request["id"], event_type="group_disconnection_request.created",
            event_id="e1", group_id=world.a, status="needs_review", record=request,
        )
        await a.publish(entered)
        await a.publish(status_change(request, "completed", "processing", event_id="e2"))
        await a.publish(status_change(request, "processing", "needs_review", event_id="e3"))

        # then: ENTERED, then LEFT; the processing -> completed change is not a queue change
        first = (await ws.next_message())["payload"]["data"]["reviewQueueChanged"]
        second = (await ws.next_message())["payload"]["data"]["reviewQueueChanged"]
        assert (first["movement"], first["request"]["status"]) == ("ENTERED", "NEEDS_REVIEW")
        assert (second["movement"], second["request"]["status"]) == ("LEFT", "PROCESSING")
        await ws.no_message(within=0.3)


async def test_metrics_count_open_subscriptions_and_pushed_messages(replicas, world):
    request = world.review_request(world.a)
    async with replicas(count=1) as (a,), GraphQLWS.open(a.url) as ws:
        await ws.init(jwt_payload(role="viewer"))
        await ws.subscribe(CHANGED, id="x")
        await a.until_subscribed("disconnectionRequestChanged")
        await a.publish(status_change(request, "processing", "needs_review"))
        assert (await ws.next_message())["type"] == "next"

        async with httpx.AsyncClient(base_url=a.url) as client:
            text = (await client.get("/metrics")).text
        assert 'noyo_gateway_subscription_messages_total{subscription="disconnectionRequestChanged"} 1.0' in text

        # when the client completes the subscription, it is no longer counted as open
        await ws.send({"id": "x", "type": "complete"})
        async with asyncio.timeout(5):
            while await a.open_subscriptions("disconnectionRequestChanged"):
                await asyncio.sleep(0.02)
