"""Read-through: fetch only misses, single-flight, negative caching, stale-if-error."""

from __future__ import annotations

import asyncio

import pytest


class Unavailable(Exception):
    """Stands in for the upstream-unavailable errors the loaders pass as ``stale_on``."""


class Upstream:
    """The test's stand-in for Noyo: records each batch it is asked for."""

    def __init__(self, known: dict[str, dict] | None = None) -> None:
        self.known = dict(known or {})
        self.calls: list[list[str]] = []
        self.gate: asyncio.Event | None = None
        self.error: BaseException | None = None

    async def fetch(self, ids: list[str]) -> dict[str, dict]:
        self.calls.append(sorted(ids))
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return {i: self.known[i] for i in ids if i in self.known}


async def until(condition, timeout: float = 5.0) -> None:
    """Wait (polling the event loop) until ``condition()`` holds: no fixed sleeps."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.001)


def groups(*ids: str, version: int = 1) -> dict[str, dict]:
    return {i: {"id": i, "version": version} for i in ids}


async def test_only_misses_are_fetched_and_then_served_from_cache(make_cache):
    # given one group already cached and three known upstream
    cache = make_cache()
    upstream = Upstream(groups("a", "b", "c"))
    await cache.set("group", "a", {"id": "a", "version": 0})
    # when three groups (one duplicated) are read through
    values = await cache.fetch_many("group", ["a", "b", "c", "b"], upstream.fetch)
    # then only the two misses were fetched, in one call, and values come in request order
    assert upstream.calls == [["b", "c"]]
    assert list(values) == ["a", "b", "c"]
    assert values["a"] == {"id": "a", "version": 0} and values["b"] == upstream.known["b"]
    # when read again, then nothing more is fetched
    assert await cache.fetch_many("group", ["c", "b", "a"], upstream.fetch) == {
        "c": upstream.known["c"], "b": upstream.known["b"], "a": {"id": "a", "version": 0}
    }
    assert len(upstream.calls) == 1


async def test_stale_entries_are_refetched_and_replaced(make_cache, clock):
    # given groups cached 20 s ago with a 10 s freshness
    cache = make_cache(stale_window=100)
    upstream = Upstream(groups("a", "b"))
    await cache.fetch_many("group", ["a", "b"], upstream.fetch, ttl=10)
    upstream.known = groups("a", "b", version=2)
    clock.advance(20)
    # when read through again
    values = await cache.fetch_many("group", ["a", "b"], upstream.fetch, ttl=10)
    # then both were fetched again in one call and the new values are cached fresh
    assert upstream.calls == [["a", "b"], ["a", "b"]]
    assert values == upstream.known
    entry = await cache.get("group", "a")
    assert entry.fresh and entry.value["version"] == 2


async def test_not_found_is_none_and_cached_for_the_negative_ttl(make_cache, clock):
    # given an id upstream does not know
    cache = make_cache(negative_ttl=5)
    upstream = Upstream(groups("a"))
    # when read through twice within the negative TTL
    first = await cache.fetch_many("group", ["a", "missing"], upstream.fetch)
    second = await cache.fetch_many("group", ["missing"], upstream.fetch)
    # then it is None and fetched once
    assert first == {"a": upstream.known["a"], "missing": None}
    assert second == {"missing": None}
    assert upstream.calls == [["a", "missing"]]
    # when the record is created and the negative TTL passes, then it is found
    upstream.known.update(groups("missing"))
    clock.advance(5)
    assert await cache.fetch_many("group", ["missing"], upstream.fetch) == groups("missing")


async def test_concurrent_identical_reads_share_one_fetch(make_cache):
    # given 20 concurrent requests for the same missing groups while upstream is slow
    cache = make_cache()
    upstream = Upstream(groups("a", "b"))
    upstream.gate = asyncio.Event()
    tasks = [asyncio.create_task(cache.fetch_many("group", ["a", "b"], upstream.fetch)) for _ in range(20)]
    await until(lambda: cache.stats.coalesced == 19 * 2)
    # when upstream answers
    upstream.gate.set()
    results = await asyncio.gather(*tasks)
    # then it was asked once and every request got the answer
    assert upstream.calls == [["a", "b"]]
    assert all(r == groups("a", "b") for r in results)


async def test_overlapping_reads_fetch_only_what_is_not_in_flight(make_cache):
    # given a fetch of a and b in flight
    cache = make_cache()
    upstream = Upstream(groups("a", "b", "c"))
    upstream.gate = asyncio.Event()
    first = asyncio.create_task(cache.fetch_many("group", ["a", "b"], upstream.fetch))
    await until(lambda: len(upstream.calls) == 1)
    # when another request needs b and c
    second = asyncio.create_task(cache.fetch_many("group", ["b", "c"], upstream.fetch))
    await until(lambda: len(upstream.calls) == 2)
    upstream.gate.set()
    # then only c is fetched for it; b comes from the first fetch
    assert await first == groups("a", "b")
    assert await second == groups("b", "c")
    assert upstream.calls == [["a", "b"], ["c"]]


async def test_a_failed_fetch_reaches_every_waiter_and_is_not_cached(make_cache):
    # given 5 concurrent reads of a group upstream fails on
    cache = make_cache()
    upstream = Upstream(groups("a"))
    upstream.gate = asyncio.Event()
    upstream.error = Unavailable("noyo down")
    tasks = [asyncio.create_task(cache.fetch_many("group", ["a"], upstream.fetch)) for _ in range(5)]
    await until(lambda: cache.stats.coalesced == 4)
    upstream.gate.set()
    # when they complete, then all raise the upstream error after one fetch
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, Unavailable) for r in results)
    assert upstream.calls == [["a"]]
    # and the next read tries upstream again
    upstream.error, upstream.gate = None, None
    assert await cache.fetch_many("group", ["a"], upstream.fetch) == groups("a")
    assert len(upstream.calls) == 2


async def test_stale_values_are_served_when_upstream_is_unavailable(make_cache, clock):
    # given groups cached 30 s ago, fresh for 10 s, usable stale for 100 s more
    cache = make_cache(stale_window=100)
    upstream = Upstream(groups("a", "b"))
    await cache.fetch_many("group", ["a", "b"], upstream.fetch, ttl=10)
    clock.advance(30)
    # when upstream is unavailable
    upstream.error = Unavailable("noyo down")
    reported: list[tuple[str, str, float]] = []
    values = await cache.fetch_many(
        "group", ["a", "b"], upstream.fetch, ttl=10, stale_on=(Unavailable,),
        on_stale=lambda *args: reported.append(args),
    )
    # then the stale values are returned, each reported with its age, after one attempt
    assert values == groups("a", "b")
    assert sorted(reported) == [("group", "a", pytest.approx(30)), ("group", "b", pytest.approx(30))]
    assert len(upstream.calls) == 2


async def test_unavailable_upstream_raises_when_an_id_has_no_usable_entry(make_cache, clock):
    # given one stale group and one never cached
    cache = make_cache(stale_window=100)
    upstream = Upstream(groups("a"))
    await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10)
    clock.advance(30)
    upstream.error = Unavailable("noyo down")
    reported: list[tuple] = []
    # when both are read while upstream is unavailable, then the error propagates
    with pytest.raises(Unavailable):
        await cache.fetch_many(
            "group", ["a", "new"], upstream.fetch, ttl=10, stale_on=(Unavailable,),
            on_stale=lambda *args: reported.append(args),
        )
    assert reported == []


async def test_errors_outside_stale_on_and_entries_past_the_window_propagate(make_cache, clock):
    # given a group cached 30 s ago, fresh for 10 s, usable stale for 100 s more
    cache = make_cache(stale_window=100)
    upstream = Upstream(groups("a"))
    await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10)
    clock.advance(30)
    # when upstream fails with an error that is not an unavailability, then it propagates
    upstream.error = ValueError("bad response")
    with pytest.raises(ValueError):
        await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10, stale_on=(Unavailable,))
    # when upstream is unavailable beyond the stale window, then that propagates too
    upstream.error = Unavailable("noyo down")
    clock.advance(80)
    with pytest.raises(Unavailable):
        await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10, stale_on=(Unavailable,))


async def test_fetch_one_caches_a_query_by_its_parameters_until_invalidated(make_cache):
    # given a list query read through with parameters in one order
    cache = make_cache()
    pages: list[dict] = []

    async def fetch_page() -> list[str]:
        pages.append({})
        return ["g-1", "g-2"]

    first = await cache.fetch_one("list:groups", {"offset": 0, "limit": 2}, fetch_page)
    # when the same query comes with its parameters in another order, then it is a hit
    second = await cache.fetch_one("list:groups", {"limit": 2, "offset": 0, "q": None}, fetch_page)
    assert first == second == ["g-1", "g-2"]
    assert len(pages) == 1
    # when the groups lists are invalidated, then the query is fetched again
    await cache.invalidate_queries("list:groups")
    await cache.fetch_one("list:groups", {"offset": 0, "limit": 2}, fetch_page)
    assert len(pages) == 2


async def test_waiters_fetch_themselves_when_the_leading_request_is_cancelled(make_cache):
    # given a waiter joined to a fetch whose request then goes away
    cache = make_cache()
    upstream = Upstream(groups("a"))
    upstream.gate = asyncio.Event()
    leader = asyncio.create_task(cache.fetch_many("group", ["a"], upstream.fetch))
    await until(lambda: len(upstream.calls) == 1)
    waiter = asyncio.create_task(cache.fetch_many("group", ["a"], upstream.fetch))
    await until(lambda: cache.stats.coalesced == 1)
    leader.cancel()
    await until(lambda: len(upstream.calls) == 2)
    # when upstream answers
    upstream.gate.set()
    # then the waiter is not cancelled: it fetched on its own and got the value
    assert await waiter == groups("a")
    assert leader.cancelled()
    assert upstream.calls == [["a"], ["a"]]


async def test_coalesce_shares_one_call_and_forgets_it_when_done(make_cache):
    # given 10 concurrent callers of the same key
    cache = make_cache()
    calls = 0
    gate = asyncio.Event()

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return calls

    tasks = [asyncio.create_task(cache.coalesce("k", compute)) for _ in range(10)]
    await until(lambda: calls == 1)
    await asyncio.sleep(0.01)  # let the other nine reach the in-flight call
    gate.set()
    # then they share one call's result
    assert await asyncio.gather(*tasks) == [1] * 10
    # and a later caller makes a new call
    assert await cache.coalesce("k", compute) == 2


async def test_an_entry_in_the_last_tenth_of_its_ttl_is_refreshed_ahead_and_kept_if_that_fails(make_cache, clock):
    # given a group cached for 10 s, read 9.5 s later (due for its refresh ahead of expiry)
    from gateway.cache.reads import ReadLog

    cache = make_cache()
    await cache.set("group", "a", {"id": "a", "version": 0}, ttl=10)
    stored_at = clock()
    clock.advance(9.5)
    upstream = Upstream(groups("a", version=1))
    upstream.error = RuntimeError("not one of stale_on")
    noted: list[tuple] = []
    reads = ReadLog()
    # when the refresh fails (whatever the error), then the still-fresh value is served as fresh:
    # no stale note, and the response's deadline is the entry's own expiry
    values = await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10, stale_on=(Unavailable,),
                                    on_stale=lambda *a: noted.append(a), reads=reads)
    assert values == {"a": {"id": "a", "version": 0}} and upstream.calls == [["a"]]
    assert noted == [] and reads.expires_at == stored_at + 10
    # when it succeeds, then the new value is served and stored for a whole TTL
    upstream.error = None
    reads = ReadLog()
    assert await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10, reads=reads) == {"a": upstream.known["a"]}
    assert reads.expires_at == clock() + 10
    # and an entry not yet in its last tenth is not fetched at all
    clock.advance(8.9)
    assert await cache.fetch_many("group", ["a"], upstream.fetch, ttl=10) == {"a": upstream.known["a"]}
    assert len(upstream.calls) == 2
