"""Cache entries: round trips, freshness, keys, deletion, invalidation, replicas, degradation."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from gateway.cache import Cache, params_key

GROUP = {"id": "g-1", "name": "Acme", "plans": [{"id": "p", "rate": 1.5}], "active": True}


async def test_set_then_get_round_trips_json_values(make_cache):
    # given a cache holding two groups
    cache = make_cache()
    await cache.set_many("group", {"g-1": GROUP, "g-2": {"id": "g-2"}})
    # when reading them back with an unknown id
    entries = await cache.get_many("group", ["g-1", "g-2", "g-404"])
    # then both come back equal and fresh, the unknown id is absent
    assert set(entries) == {"g-1", "g-2"}
    assert entries["g-1"].value == GROUP
    assert entries["g-1"].fresh and entries["g-2"].fresh
    assert (await cache.get("group", "g-2")).value == {"id": "g-2"}
    assert await cache.get("group", "g-404") is None


async def test_entry_is_fresh_then_stale_then_gone(make_cache, clock):
    # given an entry fresh for 10 s with a 100 s stale window
    cache = make_cache(stale_window=100)
    await cache.set("group", "g-1", GROUP, ttl=10)
    stored_at = clock.now
    # when 5 s pass, then it is fresh
    clock.advance(5)
    entry = await cache.get("group", "g-1")
    assert entry.fresh and entry.stored_at == pytest.approx(stored_at)
    # when 10 more seconds pass, then it is stale but usable and reports its age
    clock.advance(10)
    entry = await cache.get("group", "g-1")
    assert entry is not None and not entry.fresh
    assert entry.age == pytest.approx(15)
    # when the stale window has passed too, then it is gone
    clock.advance(96)
    assert await cache.get("group", "g-1") is None


async def test_backend_expires_entries_after_ttl_plus_stale_window(make_cache):
    # given an entry on the real clock, kept 1 s by the backend (ttl 1, no stale window)
    cache = make_cache(clock=time.time, stale_window=0)
    await cache.set("carrier", "c-1", {"id": "c-1"}, ttl=1)
    key = cache.entity_key("carrier", "c-1")
    assert (await cache.backend.mget([key]))[0] is not None
    # when the backend TTL elapses
    await asyncio.sleep(1.1)
    # then the backend itself no longer holds it and the cache misses
    assert (await cache.backend.mget([key])) == [None]
    assert await cache.get("carrier", "c-1") is None


async def test_ttl_defaults_come_from_ttls_by_resource_then_prefix(make_cache, clock):
    # given per-resource TTLs and a "list" TTL covering every "list:<name>" resource
    cache = make_cache(ttls={"group": 100, "list": 20}, default_ttl=50, stale_window=0)
    await cache.set("group", "g", 1)
    await cache.set("list:groups", "q", 2)
    await cache.set("carrier", "c", 3)
    # when 30 s pass, then only the list entry has expired
    clock.advance(30)
    assert set(await cache.get_many("group", ["g"])) == {"g"}
    assert await cache.get("list:groups", "q") is None
    assert await cache.get("carrier", "c") is not None
    # when 30 more pass, the default-TTL entry expires too, the group's does not
    clock.advance(30)
    assert await cache.get("carrier", "c") is None
    assert await cache.get("group", "g") is not None


async def test_not_found_is_cached_briefly(make_cache, clock):
    # given a "not found" stored with a 5 s negative TTL
    cache = make_cache(negative_ttl=5)
    await cache.set("employee", "e-404", None)
    # then it reads as a known absence until the negative TTL passes
    entry = await cache.get("employee", "e-404")
    assert entry is not None and entry.value is None
    clock.advance(5)
    assert await cache.get("employee", "e-404") is None


async def test_keys_are_namespaced_and_versioned(make_cache, cache_namespace):
    # given an entry written by schema version 1
    v1 = make_cache(schema_version=1)
    await v1.set("group", "g-1", GROUP)
    # then its backend key has the documented layout
    key = v1.entity_key("group", "g-1")
    assert key == f"{cache_namespace}:v1:group:g-1"
    assert (await v1.backend.mget([key]))[0]["v"] == GROUP
    # when a cache of schema version 2 (or another namespace) on the same backend reads it
    v2 = Cache(v1.backend, namespace=cache_namespace, schema_version=2)
    other = Cache(v1.backend, namespace=f"{cache_namespace}-other", schema_version=1)
    # then neither sees the old entry
    assert await v2.get("group", "g-1") is None
    assert await other.get("group", "g-1") is None
    assert await v1.get("group", "g-1") is not None


def test_query_keys_hash_parameters_stably():
    # given the same parameters in another order and with a null filter
    a = {"carrier_id": "c-1", "page_size": 20, "offset": 0}
    b = {"offset": 0, "status": None, "page_size": 20, "carrier_id": "c-1"}
    # then they share a key; a different value does not
    assert params_key(a) == params_key(b)
    assert params_key(a) != params_key({**a, "offset": 20})
    cache = Cache.from_url("memory://", namespace="ns", schema_version=3)
    assert cache.query_key("list:groups", a) == f"ns:v3:list:groups:{params_key(b)}"


async def test_delete_many_removes_only_the_given_ids(make_cache):
    # given three cached connections
    cache = make_cache()
    await cache.set_many("connection", {"a": {"id": "a"}, "b": {"id": "b"}, "c": {"id": "c"}})
    # when two are deleted
    await cache.delete_many("connection", ["a", "c"])
    # then only the third remains
    assert set(await cache.get_many("connection", ["a", "b", "c"])) == {"b"}


async def test_invalidate_queries_drops_every_entry_of_the_resource_only(make_cache, clock):
    # given cached list pages of two resources
    cache = make_cache(stale_window=1000)
    await cache.set_many("list:groups", {"q1": [1], "q2": [2]})
    await cache.set("list:carriers", "q1", [3])
    # when the groups lists are invalidated
    await cache.invalidate_queries("list:groups")
    # then no groups page is usable, even as stale; carriers are untouched
    clock.advance(1)
    assert await cache.get_many("list:groups", ["q1", "q2"]) == {}
    assert (await cache.get("list:carriers", "q1")).value == [3]
    # and pages stored afterwards are cached again
    await cache.set("list:groups", "q1", [4])
    assert (await cache.get("list:groups", "q1")).value == [4]


@pytest.mark.redis
async def test_replicas_share_entries_deletions_and_invalidations(redis_url, cache_namespace, clock):
    # given two gateway replicas on one Redis
    a = Cache.from_url(redis_url, namespace=cache_namespace, clock=clock)
    b = Cache.from_url(redis_url, namespace=cache_namespace, clock=clock)
    try:
        # when one stores entries, then the other reads them
        await a.set_many("group", {"g-1": GROUP, "g-2": {"id": "g-2"}})
        await a.set("list:groups", "q", ["g-1", "g-2"])
        assert (await b.get("group", "g-1")).value == GROUP
        assert (await b.get("list:groups", "q")).value == ["g-1", "g-2"]
        # when one deletes an entry, then the other misses it
        await b.delete_many("group", ["g-2"])
        assert await a.get("group", "g-2") is None
        # when one invalidates the lists while the other has not read them since
        await b.invalidate_queries("list:groups")
        # and the other then stores a page under the generation it last saw
        await a.set("list:groups", "q", ["written under the old generation"])
        # then that page is a miss on both replicas: it is never served as current
        assert await b.get("list:groups", "q") is None
        assert await a.get("list:groups", "q") is None
        # and once it has read the new generation, its writes are visible everywhere
        await a.set("list:groups", "q", ["g-1"])
        assert (await b.get("list:groups", "q")).value == ["g-1"]
    finally:
        await a.close()
        await b.close()


async def test_a_fetch_racing_an_invalidation_is_not_cached(make_cache):
    # given a list fetch during which a write invalidates the lists (e.g. on another replica)
    cache = make_cache()

    async def fetch_page() -> list[str]:
        await cache.invalidate_queries("list:groups")
        return ["old page"]

    # when the read-through completes
    page = await cache.fetch_one("list:groups", {"offset": 0}, fetch_page)
    # then the caller gets the result but it is not served to later readers
    assert page == ["old page"]
    assert await cache.get("list:groups", params_key({"offset": 0})) is None


async def test_an_unreachable_backend_degrades_to_misses():
    # given a cache whose Redis is unreachable (nothing listens on port 1)
    cache = Cache.from_url("redis://127.0.0.1:1/0", namespace="unreachable", timeout=0.5)
    calls: list[list[str]] = []

    async def fetch(ids: list[str]) -> dict[str, dict]:
        calls.append(ids)
        return {i: {"id": i} for i in ids}

    try:
        # when reading through it and writing to it
        values = await cache.fetch_many("group", ["g-1"], fetch)
        await cache.set("group", "g-2", {"id": "g-2"})
        await cache.invalidate_queries("list:groups")
        # then upstream answers, nothing raises, and the failures are counted
        assert values == {"g-1": {"id": "g-1"}}
        assert calls == [["g-1"]]
        assert await cache.get("group", "g-1") is None
        assert cache.stats.backend_errors >= 4
        # and only the readiness probe reports the outage
        with pytest.raises((RedisConnectionError, TimeoutError)):
            await cache.ping()
    finally:
        await cache.close()


async def test_ping_succeeds_on_a_reachable_backend(make_cache):
    await make_cache().ping()


def test_unknown_url_schemes_are_rejected():
    with pytest.raises(ValueError, match="memory:// or redis://"):
        Cache.from_url("memcached://127.0.0.1:11211")
