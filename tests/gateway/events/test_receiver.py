"""The receiver as plain ASGI: bodies in pieces, past the limit, or cut off; its answer's bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from tests.gateway.conftest import make_gateway_settings, running_gateway

from .support import SECRET, delivery

HOOK = "/webhooks/noyo"


@pytest.fixture
async def app(emulator_app, cache_namespace) -> AsyncIterator[Any]:
    settings = make_gateway_settings(cache_namespace, gateway_webhook_secrets=SECRET, gateway_webhook_max_body_bytes=512)
    async with running_gateway(settings, emulator_app) as (gateway, _client):
        await gateway.state.services.events.worker.stop()  # what was accepted stays in the queue
        yield gateway


async def call(app: Any, headers: dict[str, str], messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Serve one POST whose body arrives as ``messages``; what the app sent back."""
    sent: list[dict[str, Any]] = []
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": HOOK, "raw_path": HOOK.encode(), "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
             "server": ("gateway.test", 80), "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    await app(scope, receive, send)
    return sent


def answer(sent: list[dict[str, Any]]) -> tuple[int, dict[str, bytes], dict[str, Any]]:
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), orjson.loads(body)


async def queued(app: Any) -> list[str]:
    return [d.message["id"] for d in await app.state.services.events.intake.take(100, 0.05)]


async def test_a_body_in_several_pieces_is_verified_and_accepted_whole(app):
    # given a signed delivery whose body arrives in three pieces
    body, headers = delivery("group_disconnection_request.created", "d-1", event_id="evt-pieces")
    pieces = [body[:10], body[10:40], body[40:]]
    messages = [{"type": "http.request", "body": p, "more_body": i < 2} for i, p in enumerate(pieces)]
    # when it is served
    status, response_headers, content = answer(await call(app, headers, messages))
    # then it is accepted, answered as JSON with its length, and queued once
    assert (status, content) == (200, {"status": "accepted", "event_id": "evt-pieces"})
    assert response_headers[b"content-type"] == b"application/json"
    assert int(response_headers[b"content-length"]) == len(orjson.dumps(content))
    assert await queued(app) == ["evt-pieces"]


async def test_a_body_streaming_past_the_limit_without_a_length_is_refused(app):
    # given no content-length and a body that grows past the 512-byte limit piece by piece
    _, headers = delivery("group_disconnection_request.created", "d-1")
    messages = [{"type": "http.request", "body": b"x" * 300, "more_body": True}] * 3
    status, _, content = answer(await call(app, headers, messages))
    # then 413 and nothing queued
    assert (status, content["reason"]) == (413, "too_large")
    assert await queued(app) == []


async def test_a_delivery_cut_off_before_its_body_ends_is_not_accepted(app):
    # given a delivery whose sender goes away half-way through the body
    body, headers = delivery("group_disconnection_request.created", "d-1", event_id="evt-cut")
    sent = await call(app, headers, [{"type": "http.request", "body": body[:20], "more_body": True}])
    # then nothing is answered (nobody is listening) and nothing is queued
    assert sent == [] or sent[0]["status"] >= 500
    assert await queued(app) == []
    # and the complete delivery, when Noyo retries it, is accepted: the id was not remembered
    status, _, content = answer(await call(app, headers, [{"type": "http.request", "body": body}]))
    assert (status, content["status"]) == (200, "accepted")

