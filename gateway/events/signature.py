"""Verifying Noyo's webhook signatures and reading the event envelope.

Noyo signs ``x-noyo-timestamp + "." + raw body`` with HMAC-SHA256 and the subscriber's secret,
lowercase hex in ``x-noyo-signature``; during a key rotation the header holds several
comma-separated signatures and any one matching is enough. Several secrets may be configured
at once for the same reason. Comparison is constant-time; the timestamp (ISO-8601) must be
within the tolerance of this clock, so a captured delivery cannot be replayed later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson


class WebhookRejected(Exception):
    """A delivery that must not be processed; ``reason`` is a short label (logs, metrics)."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Noyo's signature: lowercase hex HMAC-SHA256 of ``timestamp + "." + body``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def parse_timestamp(value: str) -> float:
    """Epoch seconds of an ISO-8601 ``x-noyo-timestamp`` (naive values are taken as UTC)."""
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


class SignatureVerifier:
    """Checks one delivery's headers against the configured ``secrets``."""

    def __init__(
        self, secrets: Sequence[str], *, tolerance: float = 300.0, clock: Callable[[], float] = time.time
    ) -> None:
        if not secrets:
            raise ValueError("at least one webhook secret is required")
        self._keys = [s.encode() for s in secrets]
        self.tolerance = tolerance
        self.clock = clock

    def verify(self, timestamp: str | None, signature: str | None, body: bytes) -> None:
        """Return when the delivery is authentic and fresh; raise ``WebhookRejected`` otherwise."""
        if not timestamp:
            raise WebhookRejected("missing_timestamp")
        if not signature:
            raise WebhookRejected("missing_signature")
        try:
            sent = parse_timestamp(timestamp)
        except ValueError:
            raise WebhookRejected("malformed_timestamp") from None
        if abs(self.clock() - sent) > self.tolerance:
            raise WebhookRejected("stale_timestamp")
        message = timestamp.encode() + b"." + body
        offered = [part.strip().lower().encode() for part in signature.split(",") if part.strip()][:16]
        matched = False
        for key in self._keys:
            expected = hmac.new(key, message, hashlib.sha256).hexdigest().encode()
            for candidate in offered:
                matched |= hmac.compare_digest(expected, candidate)  # no early exit: constant time
        if not matched:
            raise WebhookRejected("bad_signature")


@dataclass(frozen=True)
class Event:
    """Noyo's event envelope: ``{"data": {"id"}, "event": {"id", "created", "type"}}``."""

    id: str
    type: str
    data_id: str
    created: int | None = None

    def to_message(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "data_id": self.data_id, "created": self.created}

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Event:
        return cls(str(message["id"]), str(message["type"]), str(message["data_id"]), message.get("created"))


def parse_event(body: bytes) -> Event:
    """The envelope of a verified body; ``WebhookRejected("malformed", 400)`` when it is not one."""
    try:
        payload = orjson.loads(body)
        event, data = payload["event"], payload["data"]
        values = (event["id"], event["type"], data["id"])
    except (ValueError, TypeError, KeyError):
        raise WebhookRejected("malformed", 400) from None
    if not all(isinstance(v, str) and v and len(v) <= 200 for v in values):
        raise WebhookRejected("malformed", 400)
    created = event.get("created")
    if created is not None and (not isinstance(created, int) or isinstance(created, bool)):
        raise WebhookRejected("malformed", 400)
    return Event(values[0], values[1], values[2], created)


__all__ = ["Event", "SignatureVerifier", "WebhookRejected", "parse_event", "parse_timestamp", "sign"]
