"""Gateway test fixtures.

Cache fixtures (engineer E) come first: ``redis_url`` (a live Redis or a skip), a unique
``cache_namespace`` per test, a controllable ``clock``, ``cache_url`` (parametrized over memory and
Redis) and ``make_cache`` (builds caches on that URL, closes them at teardown).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from gateway.cache import Cache

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _redis_is_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def cache_namespace() -> str:
    """A namespace no other test uses, so tests sharing one Redis never collide."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
async def redis_url(cache_namespace: str) -> AsyncIterator[str]:
    """``redis://127.0.0.1:6379/0``; skips when Redis is down (fails under ``CI=true``).

    Deletes every key under ``cache_namespace`` when the test ends.
    """
    if not _redis_is_up():
        message = f"Redis not running on {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    import redis.asyncio as redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=0)
    try:
        keys = [key async for key in client.scan_iter(match=f"{cache_namespace}:*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


class FakeClock:
    """A wall clock that only moves when told to (``Cache(clock=...)``)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once on ``memory://`` and once on a live Redis."""
    if request.param == "memory":
        return "memory://"
    return request.getfixturevalue("redis_url")


@pytest.fixture
async def make_cache(
    cache_url: str, cache_namespace: str, clock: FakeClock
) -> AsyncIterator[Callable[..., Cache]]:
    """Factory of caches on ``cache_url`` in this test's namespace, on the fake ``clock`` by
    default; two caches made on Redis behave as two gateway replicas."""
    caches: list[Cache] = []

    def make(**options: object) -> Cache:
        options.setdefault("namespace", cache_namespace)
        options.setdefault("clock", clock)
        cache = Cache.from_url(cache_url, **options)
        caches.append(cache)
        return cache

    yield make
    for cache in caches:
        await cache.close()


# -- Gateway over the emulator (engineer F) ------------------------------------------------
#
# ``gateway_client`` talks HTTP to ``gateway.app.create_app(...)`` (run inside its lifespan),
# whose Noyo client talks HTTP to the test's ``emulator_app`` over ``httpx.ASGITransport``.
# ``gql(query, variables)`` posts to ``/graphql`` and returns the JSON body;
# ``upstream_counts()`` reads the emulator's request counts (token endpoint left out).

import contextlib  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from gateway.settings import Settings  # noqa: E402

NOYO_TEST_URL = "http://noyo.test"
TOKEN_PATH = "POST /auth/public/token"


def make_gateway_settings(namespace: str, **overrides: Any) -> Settings:
    """Settings pointing the gateway at the emulator with its demo credentials."""
    values: dict[str, Any] = {
        "noyo_base_url": NOYO_TEST_URL,
        "noyo_token_url": f"{NOYO_TEST_URL}/auth/public/token",
        "noyo_client_id": "demo-client",
        "noyo_client_secret": "demo-secret",
        "noyo_read_max_attempts": 1,  # one upstream call per read: counts stay exact
        "noyo_retry_backoff_base": 0.0,
        "gateway_cache_url": "memory://",
        "gateway_cache_namespace": namespace,
        # Security (engineer H): tests of other concerns run as an unscoped anonymous admin with
        # the PHI scope and no rate limit; tests/gateway/security/ configure their own callers.
        "gateway_allow_anonymous": True,
        "gateway_anonymous_role": "admin",
        "gateway_anonymous_scopes": "phi",
        "gateway_rate_limit": "",
        # Redis faults (tests/gateway/redis_faults/ set the short production timeout): a loaded shared
        # machine must not make a healthy Redis look slow to tests of other concerns.
        "gateway_redis_timeout": 1.0,
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_gateway(
    settings: Settings, emulator_app: Starlette, upstream: str = "asgi"
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """A gateway app inside its lifespan, with an HTTP client on it. ``upstream`` is how it reaches
    the emulator: ``asgi`` (in process), or ``aiohttp`` / ``httpcore`` (that ``NOYO_HTTP_TRANSPORT``,
    the emulator served on a loopback port)."""
    from gateway.app import create_app

    async with contextlib.AsyncExitStack() as stack:
        transport: httpx.AsyncBaseTransport | None = httpx.ASGITransport(app=emulator_app)
        if upstream != "asgi":
            from tests.gateway.schema.resilience_support import served

            url = await stack.enter_async_context(served(emulator_app))
            settings = settings.model_copy(update={"noyo_base_url": url, "noyo_token_url": f"{url}/auth/public/token",
                                                   "noyo_http_transport": upstream})
            transport = None
        app = create_app(settings, noyo_transport=transport)
        await stack.enter_async_context(app.router.lifespan_context(app))
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"))
        yield app, client


class GraphQLClient:
    """Posts operations to a gateway's ``/graphql``."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)
        assert response.headers["content-type"].startswith("application/json"), response.text
        return response.json()


@pytest.fixture
def gateway_settings(cache_namespace: str) -> Settings:
    return make_gateway_settings(cache_namespace)


@pytest.fixture
async def gateway(gateway_settings: Settings, emulator_app: Starlette) -> AsyncIterator[Starlette]:
    """The gateway app, running (its lifespan entered), upstream = ``emulator_app``."""
    async with running_gateway(gateway_settings, emulator_app) as (app, client):
        app.state.test_client = client
        yield app


@pytest.fixture
def gateway_client(gateway: Starlette) -> httpx.AsyncClient:
    return gateway.state.test_client


@pytest.fixture
def gql(gateway_client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(gateway_client)


@pytest.fixture
def upstream_counts(hooks: httpx.AsyncClient) -> Callable[..., Any]:
    """``await upstream_counts()`` -> ``{"GET /api/v1/groups": n, ...}`` (token calls left out);
    ``await upstream_counts(reset=True)`` also clears the counters afterwards."""

    async def read(*, reset: bool = False) -> dict[str, int]:
        counts = (await hooks.get("/__emulator/requests")).json()
        if reset:
            await hooks.delete("/__emulator/requests")
        return {k: v for k, v in counts.items() if k != TOKEN_PATH}

    return read


@pytest.fixture
def one_rate_window(monkeypatch: pytest.MonkeyPatch) -> float:
    """Freeze the rate limiters' wall clock (of gateways started after this) in the middle of the
    current minute, so a test's requests fall in one window however slowly the machine runs
    them (a window boundary would otherwise reset the count now and then)."""
    import time
    import types

    from gateway.security import ratelimit

    frozen = (time.time() // 60) * 60 + 30
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: frozen))
    return frozen
