"""Subscriptions over Server-Sent Events: the HTTP checks apply, and the stream ends with the token."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from gateway.events import Change
from tests.gateway.security.support import bearer, mint

pytestmark = pytest.mark.redis

REQUESTS = "subscription($groupId: ID) { disconnectionRequestChanged(groupId: $groupId) { noyoId status } }"
SSE = {"accept": "text/event-stream"}


async def events(response: httpx.Response) -> list[tuple[str, str]]:
    """(event, data) pairs of an SSE stream, read until it ends."""
    found, event = [], None
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: ") and event is not None:
            found.append((event, line[len("data: "):]))
            event = None
    return found


async def test_a_subscription_over_sse_receives_changes_until_its_token_expires(replicas, world):
    request = world.review_request(world.a)
    async with replicas() as (publisher, gateway), httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        headers = {**SSE, **bearer(mint(group_ids=[world.a], exp_in=3))}
        body = {"query": REQUESTS, "variables": {"groupId": world.a}}
        async with client.stream("POST", "/graphql", json=body, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            reading = asyncio.create_task(events(response))
            await gateway.until_subscribed("disconnectionRequestChanged")

            # when: the request changes (the token then expires after 3 s)
            await publisher.publish(Change(
                kind="disconnection_request", id=request["id"], event_type="group_disconnection_request.status_change",
                event_id="sse-1", group_id=world.a, status="processing", record={**request, "status": "processing"},
            ))

            # then: one `next` event with the request, then `complete` once the token expired
            received = await asyncio.wait_for(reading, 8)
        assert [e for e, _ in received] == ["next", "complete"]
        assert json.loads(received[0][1])["data"]["disconnectionRequestChanged"] == {
            "noyoId": request["id"], "status": "PROCESSING",
        }


async def test_a_subscription_over_sse_needs_valid_credentials(replicas):
    async with replicas(count=1) as (gateway,), httpx.AsyncClient(base_url=gateway.url) as client:
        body = {"query": REQUESTS}
        for headers in (SSE, {**SSE, **bearer(mint(exp_in=-5))}):
            response = await client.post("/graphql", json=body, headers=headers)
            assert response.status_code == 401
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
