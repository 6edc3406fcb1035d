"""Webhook signing and delivery: signatures, retries with backoff, stable event ids."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from noyo_emulator.state import State
from noyo_emulator.webhooks import WebhookDispatcher, sign, verify

SECRET = "NOYO_WEBHOOK_KEY"
VECTOR_TIMESTAMP = "2024-05-08T21:27:45.039587+00:00"
VECTOR_BODY = (
    b'{"data":{"id":"eb73184b-ae3c-4411-aa82-3c3bd877cf78"},"event":{"id":"3573d31d-15ab-42a3-aece-'
    b'8f1e3a5c986f","created":1714670277,"type":"test.hello_world"}}'
)
VECTOR_SIGNATURE = "dec74fe657fd117a33ca744761155476109928d2ed382f89d54b268ef2a30e04"


def test_sign_matches_noyo_test_vector():
    assert sign(SECRET, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_verify_accepts_any_of_several_signatures_and_rejects_tampering():
    rotated = f"{'0' * 64}, {VECTOR_SIGNATURE}"
    assert verify(SECRET, VECTOR_TIMESTAMP, VECTOR_BODY, rotated)
    assert not verify(SECRET, VECTOR_TIMESTAMP, VECTOR_BODY + b" ", rotated)
    assert not verify("another-key", VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE)
    assert not verify(SECRET, VECTOR_TIMESTAMP, VECTOR_BODY, "")


class Receiver:
    """A tiny subscriber that fails its first ``failures`` deliveries, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.app = Starlette(routes=[Route("/hooks", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> Response:
        self.calls.append((dict(request.headers), await request.body()))
        if len(self.calls) <= self.failures:
            return Response(status_code=503)
        return Response(status_code=204)


def _dispatcher(state: State, receiver: Receiver, **kwargs) -> WebhookDispatcher:
    transport = httpx.ASGITransport(app=receiver.app)
    options = {"base_delay": 0.001, "poll_interval": 0.005, **kwargs}
    return WebhookDispatcher(state, "http://subscriber.test/hooks", SECRET, transport=transport, **options)


async def _deliver_all(dispatcher: WebhookDispatcher) -> None:
    """Run the dispatcher until the outbox is empty and nothing is pending, then stop it."""
    await dispatcher.start()
    try:
        await dispatcher.wait_idle()
    finally:
        await dispatcher.stop()


async def test_failed_deliveries_are_retried_with_the_same_event_and_valid_signatures():
    # given a subscriber that fails twice, and one queued event
    state = State()
    receiver = Receiver(failures=2)
    dispatcher = _dispatcher(state, receiver, max_attempts=5)
    state.emit("group_disconnection_request.created", "req-1")

    # when the dispatcher runs until idle
    await _deliver_all(dispatcher)

    # then the third attempt succeeds, with one stable event and body, each attempt signed
    assert len(receiver.calls) == 3
    bodies = {body for _, body in receiver.calls}
    assert len(bodies) == 1
    payload = json.loads(bodies.pop())
    assert payload["data"] == {"id": "req-1"}
    assert payload["event"]["type"] == "group_disconnection_request.created"
    assert isinstance(payload["event"]["created"], int)
    for headers, body in receiver.calls:
        assert headers["content-type"] == "application/json"
        assert verify(SECRET, headers["x-noyo-timestamp"], body, headers["x-noyo-signature"])
    assert [d.event_id for d in dispatcher.delivered] == [payload["event"]["id"]]
    assert dispatcher.delivered[0].outcomes == ["503", "503", "204"]
    assert dispatcher.failed == [] and state.outbox == []


async def test_gives_up_after_max_attempts():
    # given a subscriber that always fails
    state = State()
    receiver = Receiver(failures=100)
    dispatcher = _dispatcher(state, receiver, max_attempts=3)
    state.emit("group_disconnection_request.status_change", "req-2")

    # when delivery runs out of attempts
    await _deliver_all(dispatcher)

    # then it stops after exactly max_attempts and records the failure
    assert len(receiver.calls) == 3
    assert dispatcher.delivered == []
    assert [(d.type, d.attempts) for d in dispatcher.failed] == [("group_disconnection_request.status_change", 3)]


async def test_connection_errors_are_retried():
    # given a transport that refuses the first connection, then reaches the subscriber
    state = State()
    receiver = Receiver(failures=0)
    inner = httpx.ASGITransport(app=receiver.app)
    refused = []

    class Flaky(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if not refused:
                refused.append(request)
                raise httpx.ConnectError("refused", request=request)
            return await inner.handle_async_request(request)

    dispatcher = WebhookDispatcher(
        state, "http://subscriber.test/hooks", SECRET, transport=Flaky(), base_delay=0.001, poll_interval=0.005
    )
    state.emit("group_disconnection_request.created", "req-3")

    # when the dispatcher runs
    await _deliver_all(dispatcher)

    # then the event arrives on the second attempt
    assert len(receiver.calls) == 1
    assert dispatcher.delivered[0].outcomes == ["ConnectError", "204"]


async def test_each_event_gets_its_own_id_and_stop_cancels_pending_retries():
    # given two events and a subscriber that accepts, then a third that will keep failing
    state = State()
    receiver = Receiver(failures=0)
    dispatcher = _dispatcher(state, receiver, max_attempts=50, base_delay=10)
    state.emit("group_disconnection_request.created", "a")
    state.emit("group_disconnection_request.status_change", "a")

    await dispatcher.start()
    await dispatcher.wait_idle()
    receiver.failures = 10**6  # every later delivery fails and waits 10 s before retrying
    state.emit("group_disconnection_request.status_change", "b")
    with pytest.raises(TimeoutError):
        await dispatcher.wait_idle(timeout=0.2)

    # when stopped mid-backoff
    await dispatcher.stop()

    # then the delivered events have distinct ids and types, and nothing is left running
    events = [json.loads(body)["event"] for _, body in receiver.calls[:2]]
    assert len({e["id"] for e in events}) == 2
    assert sorted(e["type"] for e in events) == [
        "group_disconnection_request.created",
        "group_disconnection_request.status_change",
    ]
    assert dispatcher.pending == 0


async def test_disconnection_requests_are_announced_to_the_subscriber(noyo, hooks, emulator_app):
    # given a dispatcher on the emulator's state and a carrier-sourced request pending review
    state = emulator_app.state.emulator
    receiver = Receiver(failures=1)
    dispatcher = _dispatcher(state, receiver)
    review = (await noyo.get("/api/v1/group_disconnection_requests", params={"status": "needs_review"})).json()
    request = next(r for r in review["response"] if r.get("effective_end_date", "") >= state.today.isoformat())
    state.outbox.clear()

    # when the platform confirms it and the clock passes its end date
    await dispatcher.start()
    try:
        confirmed = await noyo.put(f"/api/v1/group_disconnection_requests/{request['id']}/confirm")
        assert confirmed.status_code == 200
        await dispatcher.wait_idle()  # the confirmation's event is the one that fails once
        days = (dt.date.fromisoformat(request["effective_end_date"]) - state.today).days
        assert (await hooks.post("/__emulator/clock", json={"advance_days": days})).status_code == 200
        await dispatcher.wait_idle()
    finally:
        await dispatcher.stop()

    # then the subscriber got two signed status changes for it, the first after a retry
    events = {json.loads(d.body)["event"]["id"]: d for d in dispatcher.delivered if d.data_id == request["id"]}
    assert [d.type for d in events.values()] == ["group_disconnection_request.status_change"] * 2
    assert [d.attempts for d in events.values()] == [2, 1]
    for headers, body in receiver.calls:
        assert verify(SECRET, headers["x-noyo-timestamp"], body, headers["x-noyo-signature"])
