"""What each record change invalidates, on every replica's shared store and in process."""

from __future__ import annotations

from typing import Any

from gateway.cache import invalidation
from gateway.cache.resources import LIST_DISCONNECTIONS, LIST_GROUPS, LIST_SNAPSHOTS, SNAPSHOT_DETAIL

REQUEST = {"id": "d-1", "group_id": "g-1", "carrier_id": "c-1", "status": "processing"}
SNAPSHOT = {"id": "s-1", "group_id": "g-1", "employee_id": "e-1", "status": "completed"}


class RecordingBus:
    """Keeps what is published and hands it to listeners, like the in-process bus does."""

    def __init__(self, *, fail: bool = False) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.listeners: dict[str, list[Any]] = {}
        self.fail = fail

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        if self.fail:
            raise ConnectionError("bus down")
        self.published.append((channel, message))
        for callback in self.listeners.get(channel, []):
            await callback(message)

    def add_listener(self, channel: str, callback: Any) -> Any:
        self.listeners.setdefault(channel, []).append(callback)
        return lambda: self.listeners[channel].remove(callback)


async def _fill(cache: Any) -> None:
    await cache.set_many("disconnection", {"d-1": REQUEST, "d-2": {**REQUEST, "id": "d-2"}})
    await cache.set_many("disconnections_by_group", {"g-1": [REQUEST], "g-2": []})
    await cache.set(LIST_DISCONNECTIONS, "q", {"items": [REQUEST]})
    await cache.set(LIST_GROUPS, "q", {"items": []})
    await cache.set_many("snapshot", {"s-1": SNAPSHOT, "s-2": {**SNAPSHOT, "id": "s-2"}})
    await cache.set(SNAPSHOT_DETAIL, "s-1", SNAPSHOT)
    await cache.set(LIST_SNAPSHOTS, "q", {"items": [SNAPSHOT]})
    await cache.set("employee", "e-1", {"id": "e-1"})
    await cache.set_many("group", {"g-1": {"id": "g-1"}, "g-2": {"id": "g-2"}})
    await cache.set_many("connection", {"k-1": {"id": "k-1", "group_id": "g-1"}})
    await cache.set_many("connections_by_group", {"g-1": [], "g-2": []})


async def _present(cache: Any, resource: str, id: str) -> bool:
    return await cache.get(resource, id) is not None


async def test_a_changed_disconnection_request_drops_itself_its_group_list_and_request_lists(make_cache):
    # given a cache holding requests, lists and unrelated entries
    cache = make_cache()
    await _fill(cache)
    # when one request changed
    await invalidation.invalidate_disconnection(cache, REQUEST)
    # then it, its group's list and every request list query are gone; the rest stays
    assert not await _present(cache, "disconnection", "d-1")
    assert not await _present(cache, "disconnections_by_group", "g-1")
    assert not await _present(cache, LIST_DISCONNECTIONS, "q")
    assert await _present(cache, "disconnection", "d-2")
    assert await _present(cache, "disconnections_by_group", "g-2")
    assert await _present(cache, LIST_GROUPS, "q")
    assert await _present(cache, "snapshot", "s-1")


async def test_a_snapshot_status_change_drops_that_snapshot_only_but_a_new_one_drops_every_snapshot(make_cache):
    cache = make_cache()
    await _fill(cache)
    # when a snapshot changed status
    await invalidation.invalidate_snapshot(cache, SNAPSHOT, others_replaced=False)
    # then that snapshot, snapshot lists and the employee's data are gone; other snapshots stay
    assert not await _present(cache, "snapshot", "s-1")
    assert not await _present(cache, SNAPSHOT_DETAIL, "s-1")
    assert not await _present(cache, LIST_SNAPSHOTS, "q")
    assert not await _present(cache, "employee", "e-1")
    assert await _present(cache, "snapshot", "s-2")
    # when a new snapshot was submitted (older ones may now be replaced), then every snapshot goes
    await invalidation.invalidate_snapshot(cache, {**SNAPSHOT, "id": "s-3"})
    assert not await _present(cache, "snapshot", "s-2")
    assert await _present(cache, "disconnection", "d-1")


async def test_connection_and_group_changes_drop_the_group_status_inputs(make_cache):
    cache = make_cache()
    await _fill(cache)
    # when a connection of g-1 changed
    await invalidation.invalidate_connection(cache, {"id": "k-1", "group_id": "g-1"})
    # then the connection and g-1's connection list are gone, g-2's stays
    assert not await _present(cache, "connection", "k-1")
    assert not await _present(cache, "connections_by_group", "g-1")
    assert await _present(cache, "connections_by_group", "g-2")
    assert await _present(cache, LIST_GROUPS, "q")
    # when group g-2 was created or changed, then it, its lists and group list queries are gone
    await invalidation.invalidate_group(cache, {"id": "g-2"})
    assert not await _present(cache, "group", "g-2")
    assert not await _present(cache, "connections_by_group", "g-2")
    assert not await _present(cache, "disconnections_by_group", "g-2")
    assert not await _present(cache, LIST_GROUPS, "q")
    assert await _present(cache, "group", "g-1")


async def test_every_replica_hears_the_invalidation_and_drops_what_it_holds_in_process(make_cache):
    # given two replicas' caches listening on one bus, each with an in-process layer
    bus = RecordingBus()
    a, b = make_cache(), make_cache()
    dropped: list[invalidation.Invalidation] = []
    invalidation.listen(bus, a)
    stop = invalidation.listen(bus, b, dropped.append)
    await b.set("disconnection", "d-9", REQUEST)  # b now remembers the generation it wrote under
    assert LIST_DISCONNECTIONS not in b._generations
    await b.set(LIST_DISCONNECTIONS, "q", {"items": []})
    assert LIST_DISCONNECTIONS in b._generations
    # when replica a invalidates a request
    await invalidation.invalidate_disconnection(a, REQUEST, bus=bus)
    # then one message went out, and b forgot its remembered generation and ran its layer
    assert [channel for channel, _ in bus.published] == [invalidation.INVALIDATIONS]
    assert LIST_DISCONNECTIONS not in b._generations
    assert dropped == [invalidation.for_disconnection(REQUEST)]
    assert dropped[0].entities["disconnection"] == ("d-1",)
    # when b stops listening, then it hears nothing more
    stop()
    await invalidation.invalidate_group(a, {"id": "g-1"}, bus=bus)
    assert len(dropped) == 1


async def test_a_failing_bus_never_fails_the_invalidation(make_cache):
    cache = make_cache()
    await _fill(cache)
    await invalidation.invalidate_disconnection(cache, REQUEST, bus=RecordingBus(fail=True))
    assert not await _present(cache, "disconnection", "d-1")


def test_an_invalidation_survives_the_bus_round_trip():
    change = invalidation.for_snapshot(SNAPSHOT)
    assert invalidation.Invalidation.from_message(change.to_message()) == change
