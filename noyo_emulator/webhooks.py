"""Webhook delivery as Noyo does it: signed, at-least-once, retried with backoff.

The dispatcher drains ``state.outbox`` (filled by ``State.emit``) and POSTs each
event as compact JSON ``{"data": {"id"}, "event": {"id", "created", "type"}}``.
The event id and body are fixed when an event leaves the outbox; every attempt
gets a fresh ``x-noyo-timestamp`` and signature (one per secret, comma-separated,
when ``secret`` lists several: Noyo's key rotation).

For tests, ``mode`` makes delivery misbehave the ways Noyo may: ``duplicates`` sends
each event that many times (same id and body), ``hold`` keeps events back until
``release(order)`` sends them (``"reverse"``: out of order). ``redeliver`` sends a
delivered event again (freshly signed); ``replay`` resends its first attempt's exact
headers (an attacker's replay). Event ids come from ``uuid4``
(not the seeded generator) and times from the wall clock, so delivery timing never
changes the ids or timestamps of the emulator's records, and receivers can check
timestamp freshness against their own clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .state import State

log = logging.getLogger(__name__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of ``timestamp + "." + body`` keyed with ``secret``."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """True when any of the comma-separated signatures in ``header`` matches."""
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip().lower()) for part in header.split(",") if part.strip())


@dataclass
class Delivery:
    """One event's delivery history, kept for introspection."""

    event_id: str
    type: str
    data_id: str
    body: bytes
    attempts: int = 0
    outcomes: list[str] = field(default_factory=list)  # "200", "503", "ConnectError", ...
    first_headers: dict[str, str] | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "data_id": self.data_id,
            "attempts": self.attempts,
            "outcomes": list(self.outcomes),
        }


@dataclass
class DeliveryMode:
    """How the dispatcher misbehaves on purpose (tests): see the module docstring."""

    duplicates: int = 1
    hold: bool = False


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class WebhookDispatcher:
    """Delivers ``state.outbox`` events to ``url``; ``start()`` / ``stop()`` from the app lifespan."""

    def __init__(
        self,
        state: State,
        url: str,
        secret: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 60.0,
        poll_interval: float = 0.05,
        timeout: float = 10.0,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self.state = state
        self.url = url
        self.secret = secret
        self.transport = transport
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.clock = clock
        self.delivered: list[Delivery] = []
        self.failed: list[Delivery] = []
        self.mode = DeliveryMode()
        self.held: list[Delivery] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    @property
    def pending(self) -> int:
        """Events not yet delivered or given up on (queued plus in flight; held ones excluded)."""
        return len(self.state.outbox) + len(self._in_flight)

    def signature(self, timestamp: str, body: bytes) -> str:
        """``x-noyo-signature``: one signature per configured secret, comma-separated."""
        secrets = [s.strip() for s in self.secret.split(",") if s.strip()] or [""]
        return ",".join(sign(secret, timestamp, body) for secret in secrets)

    def release(self, order: str = "fifo") -> int:
        """Send every held event (``"reverse"``: newest first); returns how many."""
        held, self.held = self.held, []
        for delivery in reversed(held) if order == "reverse" else held:
            self._send(delivery)
        return len(held)

    def find(self, event_id: str) -> Delivery | None:
        return next((d for d in [*self.delivered, *self.failed] if d.event_id == event_id), None)

    def redeliver(self, event_id: str) -> bool:
        """Send a delivered (or failed) event again, same id and body, freshly signed."""
        delivery = self.find(event_id)
        if delivery is None:
            return False
        self._send(Delivery(delivery.event_id, delivery.type, delivery.data_id, delivery.body))
        return True

    async def replay(self, event_id: str) -> int | None:
        """POST a delivered event again with its first attempt's headers; the answer's status."""
        delivery = self.find(event_id)
        if delivery is None or delivery.first_headers is None or self._client is None:
            return None
        response = await self._client.post(self.url, content=delivery.body, headers=delivery.first_headers)
        return response.status_code

    async def start(self) -> None:
        if self._runner is not None:
            return
        self._client = httpx.AsyncClient(transport=self.transport, timeout=self.timeout)
        self._runner = asyncio.create_task(self._run(), name="noyo-webhooks")

    async def stop(self) -> None:
        """Cancel the drain loop and every in-flight delivery; undelivered events are dropped."""
        tasks = [t for t in (self._runner, *self._in_flight) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._runner = None
        self._in_flight.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until nothing is pending (for tests and hooks); ``TimeoutError`` otherwise."""
        async with asyncio.timeout(timeout):
            while self.pending:  # noqa: ASYNC110 - a test hook polling the outbox
                await asyncio.sleep(self.poll_interval / 2)

    # -- internals ------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            while self.state.outbox:
                delivery = self._envelope(self.state.outbox.pop(0))
                copies = [delivery] + [
                    Delivery(delivery.event_id, delivery.type, delivery.data_id, delivery.body)
                    for _ in range(max(self.mode.duplicates, 1) - 1)
                ]
                for copy in copies:
                    if self.mode.hold:
                        self.held.append(copy)
                    else:
                        self._send(copy)
            await asyncio.sleep(self.poll_interval)

    def _send(self, delivery: Delivery) -> None:
        task = asyncio.create_task(self._deliver(delivery))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    def _envelope(self, item: dict[str, Any]) -> Delivery:
        event_id = str(uuid.uuid4())
        payload = {
            "data": dict(item["data"]),
            "event": {"id": event_id, "created": int(self.clock().timestamp()), "type": item["type"]},
        }
        body = json.dumps(payload, separators=(",", ":")).encode()
        return Delivery(event_id=event_id, type=item["type"], data_id=str(item["data"].get("id")), body=body)

    async def _deliver(self, delivery: Delivery) -> None:
        assert self._client is not None
        for attempt in range(1, self.max_attempts + 1):
            delivery.attempts = attempt
            timestamp = self.clock().isoformat()
            headers = {
                "content-type": "application/json",
                "x-noyo-timestamp": timestamp,
                "x-noyo-signature": self.signature(timestamp, delivery.body),
            }
            if delivery.first_headers is None:
                delivery.first_headers = headers
            try:
                response = await self._client.post(self.url, content=delivery.body, headers=headers)
                outcome = str(response.status_code)
                ok = response.is_success
            except httpx.HTTPError as exc:
                outcome, ok = type(exc).__name__, False
            delivery.outcomes.append(outcome)
            if ok:
                self.delivered.append(delivery)
                return
            if attempt < self.max_attempts:
                await asyncio.sleep(min(self.base_delay * 2 ** (attempt - 1), self.max_delay))
        log.warning("webhook %s (%s) gave up after %d attempts", delivery.event_id, delivery.type, delivery.attempts)
        self.failed.append(delivery)
