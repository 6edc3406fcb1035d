"""``POST /webhooks/noyo``: Noyo's webhook deliveries, verified, deduplicated and queued.

Outside GraphQL authentication: the signature is the credential. In order:
1. a body over the limit -> 413; a missing, malformed or stale ``x-noyo-timestamp`` or a
   signature no configured secret produces -> 401; a body that is not Noyo's envelope -> 400.
   Nothing is processed, and one log line says why (never the body);
2. an event type the gateway does not handle -> 200, counted, nothing queued;
3. the event is remembered and queued in one step (``Intake.accept``, one Redis round trip):
   200 once accepted, 200 for a duplicate (processed once), 503 when the store cannot take it,
   so Noyo retries.
The refetching, invalidating and announcing happen after the answer (``EventWorker``).

The endpoint is plain ASGI (no request or response objects): it reads the three headers it
needs from the scope and answers a few bytes of JSON, so an acknowledgement costs little more
than its HMAC, its parse and its Redis round trip.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from .intake import Intake, IntakeUnavailable
from .pipeline import EVENT_KINDS, is_known
from .signature import SignatureVerifier, WebhookRejected, parse_event

logger = logging.getLogger("gateway.events.receiver")

MESSAGES = {
    401: "The webhook signature or timestamp is not valid.",
    400: "Not a Noyo webhook event.",
    413: "The webhook body is too large.",
    503: "The event could not be accepted; retry later.",
}


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


Answer = tuple[int, dict[str, Any]]


async def _read_limited(receive: Any, length: bytes | None, limit: int) -> bytes:
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise _TooLarge
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        body += message.get("body", b"")
        if len(body) > limit:
            raise _TooLarge
        if not message.get("more_body", False):
            return body


class WebhookReceiver:
    """The ASGI endpoint; see the module docstring."""

    def __init__(
        self,
        verifier: SignatureVerifier,
        intake: Intake,
        *,
        max_body: int = 16384,
        metrics: Any = None,
        clock: Any = time.time,
    ) -> None:
        self.verifier = verifier
        self.intake = intake
        self.max_body = max_body
        self.metrics = metrics
        self.clock = clock
        self._received: dict[str, Any] = {}  # event type -> its counter (labels() costs a lock and a lookup)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = time.perf_counter()
        try:
            status, content = await self._answer(scope, receive)
        except _Disconnected:
            return  # the sender went away before its body arrived: nothing was accepted
        body = orjson.dumps(content)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if status == 503:
            headers.append((b"retry-after", b"5"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if self.metrics is not None:
            self.metrics.webhook_ack_seconds.observe(time.perf_counter() - started)

    def _reject(self, reason: str, status: int, event_id: str | None = None) -> Answer:
        logger.warning("webhook refused (%s)%s", reason, f" event {event_id}" if event_id else "")
        if self.metrics is not None:
            self.metrics.webhooks_rejected.labels(reason).inc()
        return status, {"status": "rejected", "reason": reason, "message": MESSAGES[status]}

    def _count_received(self, label: str) -> None:
        counter = self._received.get(label)
        if counter is None:
            counter = self._received[label] = self.metrics.webhooks_received.labels(label)
        counter.inc()

    async def _answer(self, scope: dict[str, Any], receive: Any) -> Answer:
        length = timestamp = signature = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"x-noyo-timestamp":
                timestamp = value.decode("latin-1")
            elif name == b"x-noyo-signature":
                signature = value.decode("latin-1")
        try:
            body = await _read_limited(receive, length, self.max_body)
        except _TooLarge:
            return self._reject("too_large", 413)
        try:
            self.verifier.verify(timestamp, signature, body)
            event = parse_event(body)
        except WebhookRejected as exc:
            return self._reject(exc.reason, exc.status)
        known = is_known(event.type)
        if self.metrics is not None:
            self._count_received(event.type if known else "unknown")
        if not known:
            logger.info("webhook of unhandled type acknowledged: event %s", event.id)
            if self.metrics is not None:
                self.metrics.webhooks_unknown.inc()
            return 200, {"status": "ignored", "event_id": event.id}
        if event.type not in EVENT_KINDS:  # documented, names no record (test.hello_world)
            return 200, {"status": "accepted", "event_id": event.id}
        message = {**event.to_message(), "accepted_at": self.clock()}
        try:
            new = await self.intake.accept(event.id, message)
        except IntakeUnavailable as exc:
            logger.error("webhook not accepted, store unavailable (%s): event %s", exc, event.id)
            return self._reject("unavailable", 503, event.id)
        if not new:
            if self.metrics is not None:
                self.metrics.webhooks_deduplicated.inc()
            return 200, {"status": "duplicate", "event_id": event.id}
        return 200, {"status": "accepted", "event_id": event.id}


__all__ = ["WebhookReceiver"]
