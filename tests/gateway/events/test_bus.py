"""The bus: fan-out inside one process and across replicas sharing Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from gateway.events import Bus, BusUnavailable, Change

from bench._redis_server import RedisServer


@pytest.fixture
async def bus_pair(cache_url: str, cache_namespace: str) -> AsyncIterator[tuple[Bus, Bus]]:
    """Two replicas' buses: on memory:// the same process bus twice, on Redis two processes' worth."""
    if cache_url.startswith("memory"):
        bus = Bus.from_url("memory://", namespace=cache_namespace)
        await bus.start()
        yield bus, bus
        await bus.close()
        return
    url = cache_url
    a, b = Bus.from_url(url, namespace=cache_namespace), Bus.from_url(url, namespace=cache_namespace)
    await a.start()
    await b.start()
    assert a.healthy and b.healthy
    yield a, b
    await a.close()
    await b.close()


async def test_a_message_published_on_one_replica_reaches_subscribers_on_both(bus_pair: tuple[Bus, Bus]) -> None:
    # given a subscriber on each replica
    a, b = bus_pair
    on_a, on_b = a.subscribe("changes"), b.subscribe("changes")
    # when replica A publishes
    await a.publish("changes", {"id": "1"})
    # then both receive it exactly once
    assert await on_a.get(timeout=2) == {"id": "1"}
    assert await on_b.get(timeout=2) == {"id": "1"}
    await asyncio.sleep(0.1)
    with pytest.raises(TimeoutError):
        await on_b.get(timeout=0.05)
    on_a.close()
    on_b.close()


async def test_channels_are_separate_and_listeners_run_once_per_message(bus_pair: tuple[Bus, Bus]) -> None:
    a, b = bus_pair
    seen: list[dict] = []
    remove = b.add_listener("invalidate", seen.append)
    other = b.subscribe("changes")
    await a.publish("invalidate", {"tag": "group:1"})
    for _ in range(40):
        if seen:
            break
        await asyncio.sleep(0.05)
    assert seen == [{"tag": "group:1"}]
    with pytest.raises(TimeoutError):
        await other.get(timeout=0.1)
    remove()
    await a.publish("invalidate", {"tag": "group:2"})
    await asyncio.sleep(0.2)
    assert seen == [{"tag": "group:1"}]
    other.close()


async def test_a_slow_subscriber_loses_its_oldest_messages_without_blocking_others() -> None:
    bus = Bus.from_url("memory://")
    slow, fast = bus.subscribe("c", maxsize=2), bus.subscribe("c")
    for i in range(5):
        await bus.publish("c", {"i": i})
    assert [await slow.get(timeout=1) for _ in range(2)] == [{"i": 3}, {"i": 4}]
    assert slow.dropped == 3
    assert [(await fast.get(timeout=1))["i"] for _ in range(5)] == [0, 1, 2, 3, 4]


async def test_a_change_survives_the_bus_as_a_message() -> None:
    change = Change(kind="disconnection_request", id="d1", event_type="group_disconnection_request.created",
                    event_id="e1", group_id="g1", status="needs_review", record={"id": "d1"})
    assert Change.from_message(change.to_message()) == change
    with pytest.raises(ValueError):
        Change(kind="nonsense", id="x", event_type="t")


async def _eventually(predicate, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def test_the_subscriber_reconnects_after_redis_restarts(private_redis: RedisServer) -> None:
    # given a bus subscribed on a Redis of this test's own
    bus = Bus.from_url(private_redis.url, reconnect_max=0.2)
    await bus.start()
    sub = bus.subscribe("c")
    assert bus.healthy
    # when Redis dies, publishing fails fast and the bus reports itself unhealthy
    private_redis.kill()
    with pytest.raises(BusUnavailable):
        await bus.publish("c", {"i": 0})
    assert await _eventually(lambda: not bus.healthy)
    # when it comes back on the same port, the bus resubscribes by itself
    private_redis.start()
    assert await _eventually(lambda: bus.healthy)
    await bus.publish("c", {"i": 1})
    assert await sub.get(timeout=2) == {"i": 1}
    await bus.close()
