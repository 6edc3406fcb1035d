"""Helpers of the live-data tests: loopback servers, signed deliveries, waiting."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from bench._loopback import serving
from bench._redis_server import free_port
from gateway.events.signature import sign

SECRET = "whsec-test-1"


def delivery(event_type: str, record_id: str, *, event_id: str | None = None, secret: str = SECRET,
             timestamp: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A body and Noyo's headers for one event, signed with ``secret``."""
    body = json.dumps({"data": {"id": record_id}, "event": {
        "id": event_id or str(uuid.uuid4()), "created": int(time.time()), "type": event_type,
    }}, separators=(",", ":")).encode()
    timestamp = timestamp or dt.datetime.now(dt.timezone.utc).isoformat()
    return body, {"content-type": "application/json", "x-noyo-timestamp": timestamp,
                  "x-noyo-signature": sign(secret, timestamp, body)}


async def eventually(predicate: Callable[[], Any], seconds: float = 5.0, step: float = 0.02) -> Any:
    """Poll ``predicate`` (sync or async) until it is truthy; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(step)


async def post(client: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return await client.post(path, content=body, headers=headers)


__all__ = ["SECRET", "delivery", "eventually", "free_port", "post", "serving"]
