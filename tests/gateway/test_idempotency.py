"""Idempotency keys: replay, reuse with another input, failures, concurrency, replicas."""

from __future__ import annotations

import asyncio

import pytest

from gateway.cache import Cache
from gateway.idempotency import IdempotencyKeyInUse, IdempotencyKeyReused, IdempotencyStore, fingerprint

SNAPSHOT_INPUT = {"employee_id": "e-1", "coverages": [{"line": "medical", "plan_id": "p-1"}]}


class Upstream:
    """The test's stand-in for the upstream POST: counts calls, answers with a new id each time."""

    def __init__(self) -> None:
        self.posts = 0
        self.gate: asyncio.Event | None = None
        self.error: BaseException | None = None

    async def post(self) -> dict:
        self.posts += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return {"id": f"snap-{self.posts}", "status": "submitted"}


def test_fingerprint_depends_on_content_not_key_order():
    reordered = {"coverages": [{"plan_id": "p-1", "line": "medical"}], "employee_id": "e-1"}
    assert fingerprint(SNAPSHOT_INPUT) == fingerprint(reordered)
    assert fingerprint(SNAPSHOT_INPUT) != fingerprint({**SNAPSHOT_INPUT, "employee_id": "e-2"})


async def test_a_retry_with_the_same_key_replays_the_first_outcome(make_cache):
    # given a write done once with an idempotency key
    store = IdempotencyStore(make_cache())
    upstream = Upstream()
    fp = fingerprint(SNAPSHOT_INPUT)
    first = await store.execute("createSnapshot", "key-1", fp, upstream.post)
    # when the client retries with the same key and input
    retry = await store.execute("createSnapshot", "key-1", fp, upstream.post)
    # then the upstream was called once and the retry replays its outcome
    assert upstream.posts == 1
    assert (first.replayed, retry.replayed) == (False, True)
    assert retry.outcome == first.outcome == {"id": "snap-1", "status": "submitted"}
    record = await store.get("createSnapshot", "key-1")
    assert record.fingerprint == fp and record.outcome == first.outcome


async def test_the_same_key_with_another_input_is_reported_with_the_stored_record(make_cache):
    # given a key used for one input
    store = IdempotencyStore(make_cache())
    upstream = Upstream()
    await store.execute("createSnapshot", "key-1", fingerprint(SNAPSHOT_INPUT), upstream.post)
    # when it is reused for a different input, then that is refused without calling upstream
    other = fingerprint({**SNAPSHOT_INPUT, "employee_id": "e-2"})
    with pytest.raises(IdempotencyKeyReused) as refused:
        await store.execute("createSnapshot", "key-1", other, upstream.post)
    assert refused.value.record.fingerprint == fingerprint(SNAPSHOT_INPUT)
    assert upstream.posts == 1


async def test_keys_are_scoped(make_cache):
    # given the same key used in two scopes (e.g. two mutations or two API clients)
    store = IdempotencyStore(make_cache())
    upstream = Upstream()
    fp = fingerprint(SNAPSHOT_INPUT)
    a = await store.execute("client-a", "key-1", fp, upstream.post)
    b = await store.execute("client-b", "key-1", fp, upstream.post)
    # then each scope ran its own write
    assert upstream.posts == 2 and not a.replayed and not b.replayed


async def test_a_failed_write_is_not_recorded_so_it_can_be_retried(make_cache):
    # given a write whose upstream call fails
    store = IdempotencyStore(make_cache())
    upstream = Upstream()
    upstream.error = TimeoutError()
    fp = fingerprint(SNAPSHOT_INPUT)
    with pytest.raises(TimeoutError):
        await store.execute("createSnapshot", "key-1", fp, upstream.post)
    # when retried with the same key once upstream works
    upstream.error = None
    retry = await store.execute("createSnapshot", "key-1", fp, upstream.post)
    # then the write runs again
    assert upstream.posts == 2 and not retry.replayed
    assert await store.get("createSnapshot", "key-1") is not None


async def test_records_expire_after_their_ttl(make_cache, clock):
    # given a record kept for one hour
    store = IdempotencyStore(make_cache(), ttl=3600)
    await store.put("createSnapshot", "key-1", "fp", {"id": "snap-1"})
    # then it is there just before the hour and gone after it
    clock.advance(3599)
    assert (await store.get("createSnapshot", "key-1")).outcome == {"id": "snap-1"}
    clock.advance(1)
    assert await store.get("createSnapshot", "key-1") is None


async def test_concurrent_retries_make_one_upstream_call(make_cache):
    # given 10 concurrent requests with the same key while upstream is slow
    store = IdempotencyStore(make_cache())
    upstream = Upstream()
    upstream.gate = asyncio.Event()
    fp = fingerprint(SNAPSHOT_INPUT)
    tasks = [asyncio.create_task(store.execute("createSnapshot", "k", fp, upstream.post)) for _ in range(10)]
    await asyncio.sleep(0.05)
    upstream.gate.set()
    results = await asyncio.gather(*tasks)
    # then upstream was called once, one result is original and nine replay it
    assert upstream.posts == 1
    assert sorted(r.replayed for r in results) == [False] + [True] * 9
    assert all(r.outcome == {"id": "snap-1", "status": "submitted"} for r in results)


@pytest.mark.redis
async def test_concurrent_retries_on_two_replicas_make_one_upstream_call(redis_url, cache_namespace):
    # given two replicas on one Redis receiving the same keyed write at the same time
    caches = [Cache.from_url(redis_url, namespace=cache_namespace) for _ in range(2)]
    stores = [IdempotencyStore(c, lock_poll=0.005) for c in caches]
    upstream = Upstream()
    upstream.gate = asyncio.Event()
    fp = fingerprint(SNAPSHOT_INPUT)
    try:
        tasks = [
            asyncio.create_task(stores[i % 2].execute("createSnapshot", "k", fp, upstream.post))
            for i in range(6)
        ]
        await asyncio.sleep(0.05)
        upstream.gate.set()
        results = await asyncio.gather(*tasks)
        # then the Redis lease let only one of them call upstream; the rest replayed
        assert upstream.posts == 1
        assert sorted(r.replayed for r in results) == [False] + [True] * 5
        # and the lease is released afterwards
        lease = caches[0].entity_key("idempotency_lock", IdempotencyStore.record_id("createSnapshot", "k"))
        assert await caches[0].backend.mget([lease]) == [None]
    finally:
        for cache in caches:
            await cache.close()


@pytest.mark.redis
async def test_a_key_held_on_another_replica_is_refused_after_lock_wait_while_the_holder_goes_on(
    redis_url, cache_namespace
):
    # given replica A running a keyed write whose upstream call has not answered
    caches = [Cache.from_url(redis_url, namespace=cache_namespace) for _ in range(2)]
    holder, other = IdempotencyStore(caches[0], lock_poll=0.005), IdempotencyStore(caches[1], lock_wait=0.2)
    upstream = Upstream()
    upstream.gate = asyncio.Event()
    fp = fingerprint(SNAPSHOT_INPUT)
    try:
        first = asyncio.create_task(holder.execute("createSnapshot", "k", fp, upstream.post))
        await asyncio.sleep(0.05)
        # when replica B receives the same key, then it is refused within its wait, A still running
        with pytest.raises(IdempotencyKeyInUse):
            await asyncio.wait_for(other.execute("createSnapshot", "k", fp, upstream.post), 5)
        assert not first.done()
        upstream.gate.set()
        assert (await first).replayed is False
        # and B's retry after A finished replays A's outcome: one upstream call
        retry = await other.execute("createSnapshot", "k", fp, upstream.post)
        assert (retry.replayed, retry.outcome, upstream.posts) == (True, {"id": "snap-1", "status": "submitted"}, 1)
    finally:
        for cache in caches:
            await cache.close()
