"""Two gateway replicas on loopback, sharing the real Redis (cache and bus) in this test's namespace.

``replicas(**overrides)`` starts two ``create_app`` gateways under uvicorn, both talking HTTP to
this test's emulator (also on loopback) and to Redis under ``cache_namespace``; they demand HS256
JWTs or API keys (``tests.gateway.security.support``). ``World`` picks records of two partners'
groups from the emulator's seeded state. ``publish`` sends a ``Change`` from a replica's bus, as
the event pipeline does once per accepted event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.events import CHANGES, Change
from gateway.security.authn import hash_api_key
from tests.gateway.security.support import security_settings

from .support import serve

API_KEY = "subscriptions-test-key"


@dataclass
class Replica:
    app: Starlette
    url: str

    async def open_subscriptions(self, field: str) -> float:
        """The ``subscriptions_open`` gauge of ``field``, read from ``/metrics``."""
        async with httpx.AsyncClient(base_url=self.url) as client:
            text = (await client.get("/metrics")).text
        for line in text.splitlines():
            if line.startswith(f'noyo_gateway_subscriptions_open{{subscription="{field}"}}'):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    async def until_subscribed(self, field: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until ``count`` subscriptions of ``field`` listen on this replica."""
        async with asyncio.timeout(timeout):
            while await self.open_subscriptions(field) < count:
                await asyncio.sleep(0.02)

    async def publish(self, change: Change) -> None:
        await self.app.state.services.bus.publish(CHANGES, change.to_message())


@pytest.fixture
async def emulator_url(emulator_app: Starlette) -> AsyncIterator[str]:
    async with serve(emulator_app) as url:
        yield url


@pytest.fixture
def replica_settings(emulator_url: str, redis_url: str, cache_namespace: str) -> Callable[..., Any]:
    def make(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            "noyo_base_url": emulator_url,
            "noyo_token_url": f"{emulator_url}/auth/public/token",
            "gateway_cache_url": redis_url,
            "gateway_jwt_leeway": 0,
            "gateway_api_keys": f'[{{"sha256": "{hash_api_key(API_KEY)}", "role": "admin", "name": "ops"}}]',
            "gateway_ws_keepalive_interval": 0.2,
        }
        values.update(overrides)
        return security_settings(cache_namespace, **values)

    return make


@pytest.fixture
def replicas(replica_settings: Callable[..., Any]) -> Callable[..., Any]:
    """``async with replicas(count=2, **settings_overrides) as (a, b)``: running replicas."""

    @contextlib.asynccontextmanager
    async def start(count: int = 2, **overrides: Any) -> AsyncIterator[list[Replica]]:
        async with contextlib.AsyncExitStack() as stack:
            running = []
            for _ in range(count):
                app = create_app(replica_settings(**overrides))
                running.append(Replica(app, await stack.enter_async_context(serve(app))))
            yield running

    return start


class World:
    """Records of the seeded emulator: partner A's group and partner B's group, each with a
    disconnection request awaiting review and a member snapshot."""

    def __init__(self, emulator_app: Starlette) -> None:
        state = self.state = emulator_app.state.emulator
        review = sorted({r["group_id"] for r in state.disconnections.values() if r["status"] == "needs_review"})
        with_snapshots = {state.employees[s["employee_id"]]["group_id"] for s in state.snapshots.values()}
        groups = [g for g in review if g in with_snapshots] or review
        self.a, self.b = groups[0], groups[1]

    def review_request(self, group_id: str) -> dict[str, Any]:
        found = [r for r in self.state.disconnections.values() if r["group_id"] == group_id]
        return sorted((r for r in found if r["status"] == "needs_review"), key=lambda r: r["id"])[0]

    def snapshot(self, group_id: str) -> dict[str, Any]:
        employees = self.state.employees
        found = [s for s in self.state.snapshots.values() if employees[s["employee_id"]]["group_id"] == group_id]
        return sorted(found, key=lambda s: s["id"])[0]

    def employee(self, employee_id: str) -> dict[str, Any]:
        return self.state.employees[employee_id]


@pytest.fixture
def world(emulator_app: Starlette) -> World:
    return World(emulator_app)
