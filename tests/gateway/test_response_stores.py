"""Response stores (memory and Redis): expiry, tags, purges, and the purge-while-building race."""

from __future__ import annotations

import pytest

from gateway.cache.response_stores import MemoryResponseStore, RedisResponseStore, StoredResponse


@pytest.fixture
async def store(cache_url, cache_namespace, clock):
    made = (MemoryResponseStore(100, clock=clock) if cache_url == "memory://"
            else RedisResponseStore(cache_url, cache_namespace, clock=clock))
    yield made
    await made.close()


def response(clock, body=b'{"data":{}') -> StoredResponse:
    return StoredResponse(body, 'W/"x"', clock())


async def test_a_purge_drops_exactly_the_entries_with_one_of_its_tags(store, clock):
    await store.put("a", response(clock), 60, {"group:1", "group"}, clock())
    await store.put("b", response(clock), 60, {"group:2", "group"}, clock())
    await store.put("c", response(clock), 60, {"carrier:1", "carrier"}, clock())
    clock.advance(1)

    await store.purge(["group:1"])
    assert await store.get("a") is None
    assert (await store.get("b")).body == b'{"data":{}'
    await store.purge(["group"])
    assert await store.get("b") is None
    assert await store.get("c") is not None


async def test_a_response_begun_before_a_purge_of_its_tags_is_not_stored(store, clock):
    # given: a response that started building, then a purge of something it read
    started = clock()
    clock.advance(1)
    await store.purge(["disconnection:9"])
    clock.advance(1)

    # then: storing it is refused; one begun after the purge is stored
    assert await store.put("k", response(clock), 60, {"disconnection:9"}, started) is False
    assert await store.get("k") is None
    assert await store.put("k", response(clock), 60, {"disconnection:9"}, clock()) is True


async def test_entries_expire_with_their_ttl(store, clock):
    await store.put("k", response(clock), 5, {"t"}, clock())
    clock.advance(4)
    assert await store.get("k") is not None
    if isinstance(store, MemoryResponseStore):  # Redis expires on its own clock (EX seconds)
        clock.advance(2)
        assert await store.get("k") is None


async def test_the_memory_store_keeps_at_most_max_entries(clock):
    store = MemoryResponseStore(2, clock=clock)
    for key in "abc":
        await store.put(key, response(clock), 60, {f"tag:{key}"}, clock())
    assert len(store) == 2 and await store.get("a") is None
    await store.purge(["tag:b", "tag:c"])
    assert len(store) == 0


async def test_a_lookup_is_answered_at_once_from_memory_and_later_from_redis(store, clock):
    from gateway.cache.responses import LATER, ResponseCache

    # given: a response cache over the store, holding one entry
    cache = ResponseCache(store, salt="t", max_ttl=300, clock=clock)
    stored = response(clock)
    assert await store.put("k", stored, 60, ["group:1"], clock())

    # when: it is looked up without waiting, then as usual
    now_found, now_missing = cache.lookup_now("k"), cache.lookup_now("nothing")
    found, missing = await cache.lookup("k"), await cache.lookup("nothing")

    # then: memory answers at once (and counts it as a lookup); Redis says to wait for it
    assert (found, missing) == (stored, None)
    if isinstance(store, MemoryResponseStore):
        assert (now_found, now_missing) == (stored, None)
        assert (cache.stats.hits, cache.stats.misses) == (2, 2)
    else:
        assert now_found is LATER and now_missing is LATER
        assert (cache.stats.hits, cache.stats.misses) == (1, 1)


async def test_an_entry_keeps_its_refresh_time_and_lives_to_the_millisecond(store, clock):
    import asyncio

    # given: an entry to be refreshed from a given instant, stored for a fraction of a second
    stored = StoredResponse(b'{"data":{}', 'W/"x"', clock(), clock() + 0.2)
    assert await store.put("k", stored, 0.3, {"t"}, clock())

    # then: it comes back with that instant, and is gone once the 0.3 s are over (not a whole second)
    assert (await store.get("k")).refresh_at == stored.refresh_at
    if isinstance(store, MemoryResponseStore):
        clock.advance(0.35)
    else:  # Redis expires on its own clock
        await asyncio.sleep(0.35)
    assert await store.get("k") is None
