"""End to end: Noyo's signed webhooks, delivered twice, reach subscribers on the other replica once."""

from __future__ import annotations

import contextlib
import time

import httpx
import pytest

from gateway.app import create_app
from noyo_emulator import create_app as create_emulator
from tests.gateway.write.support import connected_pairs

from .conftest import API_KEY, Replica
from .support import GraphQLWS, bound_socket, jwt_payload, serve, url_of

pytestmark = pytest.mark.redis

SECRET = "whsec-subscriptions-test"
QUEUE = "subscription { reviewQueueChanged { movement request { noyoId status groupId } } }"
CHANGED = "subscription { disconnectionRequestChanged { noyoId status groupId } }"
CONFIRM = """mutation($id: ID!) { confirmDisconnectionRequest(id: $id, effectiveEndDate: "2026-12-31") {
  disconnectionRequest { noyoId status } errors { code } } }"""


@contextlib.asynccontextmanager
async def live_cluster(replica_settings):
    """The emulator (signed webhooks to replica A, each event delivered twice) and replicas A, B."""
    sockets = [bound_socket(), bound_socket()]
    emulator = create_emulator(seed=42, webhook_url=f"{url_of(sockets[0])}/webhooks/noyo", webhook_secret=SECRET)
    async with serve(emulator) as emulator_url, httpx.AsyncClient(timeout=10) as http:
        assert (await http.post(f"{emulator_url}/__emulator/webhooks", json={"duplicates": 2})).status_code == 200
        settings = replica_settings(
            noyo_base_url=emulator_url, noyo_token_url=f"{emulator_url}/auth/public/token",
            gateway_webhook_secrets=SECRET,
        )
        async with serve(create_app(settings), sockets[0]) as a, serve(create_app(settings), sockets[1]) as b:
            yield emulator, emulator_url, a, b, http


async def test_a_carrier_request_and_its_confirmation_reach_the_other_replicas_subscribers_once(replica_settings):
    async with live_cluster(replica_settings) as (emulator, emulator_url, a, b, http):
        group_id, carrier_id = connected_pairs(emulator)[0]
        other_group = next(g for g, _ in connected_pairs(emulator) if g != group_id)
        async with GraphQLWS.open(b) as partner, GraphQLWS.open(b) as stranger, GraphQLWS.open(b) as ops:
            # given: on replica B, the group's partner and another partner watch the review queue,
            # and an unscoped reviewer watches every request
            await partner.init(jwt_payload(group_ids=[group_id]))
            await stranger.init(jwt_payload(group_ids=[other_group]))
            await ops.init(jwt_payload(role="operator"))
            await partner.subscribe(QUEUE)
            await stranger.subscribe(QUEUE)
            await ops.subscribe(CHANGED)
            replica_b = Replica(app=None, url=b)  # type: ignore[arg-type]
            await replica_b.until_subscribed("reviewQueueChanged", 2)
            await replica_b.until_subscribed("disconnectionRequestChanged", 1)

            # when: a carrier asks Noyo to disconnect the group (Noyo's webhook goes to replica A, twice)
            created = await http.post(f"{emulator_url}/__emulator/carrier-disconnection",
                                      json={"group_id": group_id, "carrier_id": carrier_id})
            request_id = created.json()["id"]

            # then: the partner sees it enter the queue, once; the reviewer sees the request, once
            entered = (await partner.next_message(timeout=5))["payload"]["data"]["reviewQueueChanged"]
            assert entered == {"movement": "ENTERED",
                               "request": {"noyoId": request_id, "status": "NEEDS_REVIEW", "groupId": group_id}}
            seen = (await ops.next_message(timeout=5))["payload"]["data"]["disconnectionRequestChanged"]
            assert seen == {"noyoId": request_id, "status": "NEEDS_REVIEW", "groupId": group_id}

            # when: an operator confirms it through replica A
            started = time.monotonic()
            async with httpx.AsyncClient(base_url=a, headers={"x-api-key": API_KEY}) as client:
                body = (await client.post("/graphql", json={"query": CONFIRM, "variables": {"id": request_id}})).json()
            assert body["data"]["confirmDisconnectionRequest"]["errors"] == [], body

            # then: within 2 s the request leaves the partner's queue on replica B, once
            left = (await partner.next_message(timeout=2))["payload"]["data"]["reviewQueueChanged"]
            assert left == {"movement": "LEFT",
                            "request": {"noyoId": request_id, "status": "PROCESSING", "groupId": group_id}}
            assert time.monotonic() - started < 2.0
            changed = (await ops.next_message(timeout=2))["payload"]["data"]["disconnectionRequestChanged"]
            assert changed["status"] == "PROCESSING"

            # and: each event was delivered twice, yet nobody got a second message;
            # the other partner never heard of any of it
            delivered = (await http.get(f"{emulator_url}/__emulator/webhooks")).json()["delivered"]
            assert len(delivered) == 4 and all(d["outcomes"] == ["200"] for d in delivered), delivered
            await partner.no_message(within=0.7)
            await ops.no_message(within=0.1)
            await stranger.no_message(within=0.1)
