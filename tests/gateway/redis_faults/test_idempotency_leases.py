"""A lease whose release failed (Redis gone at that moment) is released by its replica once Redis
is back, so a retry there runs at once instead of waiting for the lease to expire."""

from __future__ import annotations

import asyncio

import pytest

from gateway.cache import Cache
from gateway.idempotency import IdempotencyStore, fingerprint

pytestmark = pytest.mark.redis

FP = fingerprint({"employee_id": "e-1"})


async def test_a_lease_whose_release_failed_is_released_when_redis_is_back(own_persistent_redis, cache_namespace):
    # given a keyed write that failed (nothing recorded) while Redis went down under it, so the
    # release of its lease never reached Redis, and Redis back with the lease (append-only file)
    redis = own_persistent_redis
    cache = Cache.from_url(redis.url, namespace=cache_namespace, timeout=0.5)
    store = IdempotencyStore(cache, lock_wait=1.0, lock_poll=0.005)
    lease = cache.entity_key("idempotency_lock", IdempotencyStore.record_id("createSnapshot", "k"))
    posts: list[str] = []

    async def kill_redis_then_fail() -> dict:
        posts.append("first")
        redis.kill()
        raise ConnectionError("upstream unreachable")

    async def answer() -> dict:
        posts.append("retry")
        return {"id": "snap-2"}

    try:
        with pytest.raises(ConnectionError):
            await store.execute("createSnapshot", "k", FP, kill_redis_then_fail)
        redis.start()
        await cache.backend.reset_connections()
        assert (await cache.backend.mget([lease]))[0] is not None  # the lease outlived its request
        # when the client retries with the key on this replica
        retry = await asyncio.wait_for(store.execute("createSnapshot", "k", FP, answer), 5)
        # then the retry ran at once (not IDEMPOTENCY_KEY_IN_USE until the lease's 60 s are up)
        assert (retry.replayed, retry.outcome, posts) == (False, {"id": "snap-2"}, ["first", "retry"])
        assert await cache.backend.mget([lease]) == [None]
    finally:
        await cache.close()
