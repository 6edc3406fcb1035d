"""``POST /webhooks/noyo``: Noyo's webhook deliveries, verified, deduplicated and queued.

Outside GraphQL authentication: the signature is the credential. In order:
1. a body over the limit -> 413; a missing, malformed or stale ``x-noyo-timestamp`` or a
   signature no configured secret produces -> 401; a body that is not Noyo's envelope -> 400.
   Nothing is processed, and one log line says why (never the body);
2. an event type the gateway does not handle -> 200, counted, nothing queued;
3. the event is remembered and queued in one step (``Intake.accept``): 200 once accepted, 200
   for a duplicate (processed once), 503 when the store cannot take it, so Noyo retries.
The refetching, invalidating and announcing happen after the answer (``EventWorker``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .intake import Intake, IntakeUnavailable
from .pipeline import EVENT_KINDS, is_known
from .signature import SignatureVerifier, WebhookRejected, parse_event

logger = logging.getLogger("gateway.events.receiver")


class _TooLarge(Exception):
    pass


async def _read_limited(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


class WebhookReceiver:
    """The Starlette endpoint; see the module docstring."""

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

    async def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        try:
            return await self._answer(request)
        finally:
            if self.metrics is not None:
                self.metrics.webhook_ack_seconds.observe(time.perf_counter() - started)

    def _reject(self, reason: str, status: int, event_id: str | None = None) -> Response:
        logger.warning("webhook refused (%s)%s", reason, f" event {event_id}" if event_id else "")
        if self.metrics is not None:
            self.metrics.webhooks_rejected.labels(reason).inc()
        messages = {
            401: "The webhook signature or timestamp is not valid.",
            400: "Not a Noyo webhook event.",
            413: "The webhook body is too large.",
            503: "The event could not be accepted; retry later.",
        }
        headers = {"retry-after": "5"} if status == 503 else None
        return JSONResponse(
            {"status": "rejected", "reason": reason, "message": messages[status]}, status_code=status, headers=headers
        )

    async def _answer(self, request: Request) -> Response:
        try:
            body = await _read_limited(request, self.max_body)
        except _TooLarge:
            return self._reject("too_large", 413)
        try:
            self.verifier.verify(request.headers.get("x-noyo-timestamp"), request.headers.get("x-noyo-signature"), body)
            event = parse_event(body)
        except WebhookRejected as exc:
            return self._reject(exc.reason, exc.status)
        known = is_known(event.type)
        if self.metrics is not None:
            self.metrics.webhooks_received.labels(event.type if known else "unknown").inc()
        if not known:
            logger.info("webhook of unhandled type acknowledged: event %s", event.id)
            if self.metrics is not None:
                self.metrics.webhooks_unknown.inc()
            return JSONResponse({"status": "ignored", "event_id": event.id})
        if event.type not in EVENT_KINDS:  # documented, names no record (test.hello_world)
            return JSONResponse({"status": "accepted", "event_id": event.id})
        message = {**event.to_message(), "accepted_at": self.clock()}
        try:
            new = await self.intake.accept(event.id, message)
        except IntakeUnavailable as exc:
            logger.error("webhook not accepted, store unavailable (%s): event %s", exc, event.id)
            return self._reject("unavailable", 503, event.id)
        if not new:
            if self.metrics is not None:
                self.metrics.webhooks_deduplicated.inc()
            return JSONResponse({"status": "duplicate", "event_id": event.id})
        return JSONResponse({"status": "accepted", "event_id": event.id})


__all__ = ["WebhookReceiver"]
