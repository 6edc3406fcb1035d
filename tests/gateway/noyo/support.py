"""Helpers for the Noyo client tests: recording seams and the emulator's hooks."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

BASE_URL = "http://noyo.test"
TOKEN_KEY = "POST /auth/public/token"


class RecordingSleep:
    """A ``RetryPolicy.sleep`` that records the requested delays and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class RecordingTransport(httpx.AsyncBaseTransport):
    """Delegates to the emulator's ASGI transport and keeps every request it sends."""

    def __init__(self, app: Starlette) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


async def upstream_counts(hooks: httpx.AsyncClient) -> dict[str, int]:
    """Calls the emulator received, keyed ``"METHOD /path/{template}"``."""
    response = await hooks.get("/__emulator/requests")
    response.raise_for_status()
    return dict(response.json())


async def inject_fault(hooks: httpx.AsyncClient, **fault: Any) -> None:
    response = await hooks.post("/__emulator/faults", json=fault)
    response.raise_for_status()
