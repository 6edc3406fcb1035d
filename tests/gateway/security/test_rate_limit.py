"""Rate limiting per principal: memory per process, Redis shared by replicas; 429 + Retry-After."""

from __future__ import annotations

import contextlib

import pytest
from redis import asyncio as aioredis

from tests.gateway.conftest import running_gateway

from .support import bearer, codes, post, security_settings

QUERY = "{ carriers { id } }"


def assert_limited(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    body = response.json()
    assert codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] == int(response.headers["retry-after"])


async def test_rate_limit_in_memory_is_per_principal(secure, token, one_rate_window):
    # given: 3 requests a minute
    async with secure(gateway_rate_limit="3/minute") as client:
        alice, bob = bearer(token(sub="alice")), bearer(token(sub="bob"))
        # when: alice sends 4
        statuses = [(await post(client, QUERY, headers=alice)).status_code for _ in range(3)]
        fourth = await post(client, QUERY, headers=alice)
        # then: the 4th is refused, and bob is unaffected
        assert statuses == [200, 200, 200]
        assert_limited(fourth)
        assert (await post(client, QUERY, headers=bob)).status_code == 200


@pytest.mark.redis
async def test_rate_limit_in_redis_is_shared_by_replicas(redis_url, cache_namespace, emulator_app, token,
                                                         one_rate_window):
    # given: two gateway replicas on one Redis, 3 requests a minute; all requests in one window
    # (frozen clock), and Redis given time enough on a loaded machine not to hand over to each
    # replica's local fallback limiter
    settings = security_settings(cache_namespace, gateway_cache_url=redis_url, gateway_rate_limit="3/minute",
                                 gateway_redis_timeout=5.0)
    alice = bearer(token(sub="alice"))
    async with contextlib.AsyncExitStack() as stack:
        _, one = await stack.enter_async_context(running_gateway(settings, emulator_app))
        _, two = await stack.enter_async_context(running_gateway(settings, emulator_app))
        # when: alice alternates between them
        statuses = [(await post(c, QUERY, headers=alice)).status_code for c in (one, two, one)]
        fourth = await post(two, QUERY, headers=alice)
    # then: the replicas counted together, in Redis
    assert statuses == [200, 200, 200]
    assert_limited(fourth)
    assert int(fourth.headers["retry-after"]) == 30
    redis = aioredis.from_url(redis_url)
    try:
        keys = [key async for key in redis.scan_iter(f"{cache_namespace}:ratelimit:*")]
        assert [int(await redis.get(key)) for key in keys] == [4]
    finally:
        await redis.aclose()


async def test_a_memory_limiter_counts_awaited_and_immediate_hits_in_one_window():
    from gateway.security.ratelimit import MemoryRateLimiter, Rate

    # given: 2 a minute, at 120 s past the epoch (a window's start)
    limiter = MemoryRateLimiter(Rate(2, 60), clock=lambda: 120.0)

    # when: one hit awaited and one not, then a third of either kind
    first, second = await limiter.hit("alice"), limiter.hit_now("alice")
    third_now, third_awaited = limiter.hit_now("alice"), await limiter.hit("alice")

    # then: the first two pass, the third is refused until the window ends, whichever way
    assert first.allowed and second.allowed and second.remaining == 0
    assert [d.allowed for d in (third_now, third_awaited)] == [False, False]
    assert third_now.retry_after == third_awaited.retry_after == 60
    assert limiter.hit_now("bob").allowed
