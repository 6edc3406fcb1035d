"""What a change to one Noyo record makes stale, and dropping it everywhere.

Writes (after a mutation) and events (after a webhook or the poller) both call the functions
here, so one place decides what depends on what:

- ``invalidate_disconnection``: the request's entry, its group's request list (and so the
  group's carrier status), and every disconnection list query (the review queue included);
- ``invalidate_snapshot``: the snapshot's entries, snapshot list queries (the employee's and the
  group's), employee list queries, and the employee's member data (the employee, dependents,
  enrollments, current state); after a *new* snapshot (``others_replaced``) every snapshot entry,
  since older in-flight ones of the employee are now ``replaced``;
- ``invalidate_connection``: the connection's entry and its group's connection list (and so the
  group's carrier status);
- ``invalidate_group``: the group's entry, group list queries, and the group's connection and
  request lists.

Each computes an ``Invalidation`` (resource names are the loaders'), applies it to the shared
store (deletes and generation bumps, seen by every replica at once; the cache's ``on_invalidate``
purges the cached whole responses built from those entries, by their ``tags``) and, given a bus, publishes
it on ``INVALIDATIONS`` so that every replica drops what it holds in process
(``listen(bus, cache, *droppers)`` installs that on each replica). A failing bus never fails the
caller: the shared store is already invalidated.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .reads import entity_tag, resource_tag
from .resources import (
    CURRENT_SNAPSHOT_BY_EMPLOYEE,
    LIST_DISCONNECTIONS,
    LIST_EMPLOYEES,
    LIST_GROUPS,
    LIST_SNAPSHOTS,
    SNAPSHOT_DETAIL,
)

logger = logging.getLogger("gateway.cache.invalidation")

#: Bus channel of ``Invalidation`` messages.
INVALIDATIONS = "invalidations"

Dropper = Callable[["Invalidation"], "Awaitable[None] | None"]


@dataclass(frozen=True)
class Invalidation:
    """Entries to delete (``entities``: resource -> ids) and resources whose every cached query
    (and entry) becomes stale (``queries``: their generation counters move)."""

    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    queries: tuple[str, ...] = ()

    @property
    def resources(self) -> set[str]:
        """Every resource this invalidation touches."""
        return {*self.entities, *self.queries}

    @property
    def tags(self) -> list[str]:
        """The response-cache tags (``gateway.cache.reads``) of what this makes stale."""
        tags = [entity_tag(r, i) for r, ids in self.entities.items() for i in ids]
        return [*tags, *(resource_tag(r) for r in self.queries)]

    def to_message(self) -> dict[str, Any]:
        return {"entities": {r: list(ids) for r, ids in self.entities.items()}, "queries": list(self.queries)}

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Invalidation:
        entities = message.get("entities") or {}
        return cls(
            {str(r): tuple(str(i) for i in ids) for r, ids in entities.items()},
            tuple(str(q) for q in message.get("queries") or ()),
        )


def _entities(pairs: Mapping[str, list[Any]]) -> dict[str, tuple[str, ...]]:
    return {r: tuple(dict.fromkeys(str(i) for i in ids if i)) for r, ids in pairs.items() if any(ids)}


def for_disconnection(record: Mapping[str, Any]) -> Invalidation:
    """What a changed (or created) group disconnection request makes stale."""
    return Invalidation(
        _entities({"disconnection": [record.get("id")], "disconnections_by_group": [record.get("group_id")]}),
        (LIST_DISCONNECTIONS,),
    )


def for_snapshot(record: Mapping[str, Any], *, others_replaced: bool = False) -> Invalidation:
    """What a changed member snapshot makes stale; ``others_replaced`` after a new submission."""
    members = [record.get("employee_id"), *(m.get("id") for m in record.get("created_members") or [])]
    keyed = ("employee", "enrollments_by_employee", "dependents_by_employee", CURRENT_SNAPSHOT_BY_EMPLOYEE)
    entities: dict[str, list[Any]] = dict.fromkeys(keyed, members)
    sent = record.get("member_snapshot") or {}
    entities["dependent"] = [*members, *(d.get("id") for d in sent.get("dependents") or [])]
    if others_replaced:
        return Invalidation(_entities(entities), ("snapshot", SNAPSHOT_DETAIL, LIST_SNAPSHOTS, LIST_EMPLOYEES))
    ids = [record.get("id")]
    return Invalidation(
        _entities({"snapshot": ids, SNAPSHOT_DETAIL: ids, **entities}), (LIST_SNAPSHOTS, LIST_EMPLOYEES)
    )


def for_connection(record: Mapping[str, Any]) -> Invalidation:
    """What a changed group connection makes stale."""
    return Invalidation(_entities({"connection": [record.get("id")], "connections_by_group": [record.get("group_id")]}))


def for_group(record: Mapping[str, Any]) -> Invalidation:
    """What a created or changed group makes stale."""
    group_id = record.get("id")
    return Invalidation(
        _entities({"group": [group_id], "connections_by_group": [group_id], "disconnections_by_group": [group_id]}),
        (LIST_GROUPS,),
    )


async def apply(cache: Any, invalidation: Invalidation, *, bus: Any = None) -> None:
    """Invalidate in the shared store, then tell every replica (when a bus is given)."""
    for resource, ids in invalidation.entities.items():
        await cache.delete_many(resource, ids)
    for resource in invalidation.queries:
        await cache.invalidate_queries(resource)
    if bus is None:
        return
    try:
        await bus.publish(INVALIDATIONS, invalidation.to_message())
    except Exception as exc:  # noqa: BLE001 - the shared store is invalidated already
        logger.warning("invalidation not announced to other replicas: %s", type(exc).__name__)


async def invalidate_disconnection(cache: Any, record: Mapping[str, Any], *, bus: Any = None) -> None:
    """After a disconnection request changed (see the module docstring)."""
    await apply(cache, for_disconnection(record), bus=bus)


async def invalidate_snapshot(
    cache: Any, record: Mapping[str, Any], *, others_replaced: bool = True, bus: Any = None
) -> None:
    """After a snapshot was accepted (``others_replaced``) or changed status (see above)."""
    await apply(cache, for_snapshot(record, others_replaced=others_replaced), bus=bus)


async def invalidate_connection(cache: Any, record: Mapping[str, Any], *, bus: Any = None) -> None:
    """After a group connection changed."""
    await apply(cache, for_connection(record), bus=bus)


async def invalidate_group(cache: Any, record: Mapping[str, Any], *, bus: Any = None) -> None:
    """After a group was created or changed."""
    await apply(cache, for_group(record), bus=bus)


async def drop_local(cache: Any, invalidation: Invalidation, droppers: tuple[Dropper, ...] = ()) -> None:
    """Drop what this process holds for ``invalidation``: the cache's remembered generations and
    whatever each in-process layer (``droppers``) keeps. Never raises."""
    forget = getattr(cache, "forget_local", None)
    if forget is not None:
        forget(invalidation.resources)
    for dropper in droppers:
        try:
            result = dropper(invalidation)
            if result is not None:
                await result
        except Exception:
            logger.exception("in-process invalidation failed")


def listen(bus: Any, cache: Any, *droppers: Dropper) -> Callable[[], None]:
    """On this replica, apply every ``INVALIDATIONS`` message with ``drop_local``; returns the
    function that stops listening."""

    async def on_message(message: Mapping[str, Any]) -> None:
        await drop_local(cache, Invalidation.from_message(message), droppers)

    return bus.add_listener(INVALIDATIONS, on_message)


__all__ = [
    "INVALIDATIONS",
    "Invalidation",
    "apply",
    "drop_local",
    "for_connection",
    "for_disconnection",
    "for_group",
    "for_snapshot",
    "invalidate_connection",
    "invalidate_disconnection",
    "invalidate_group",
    "invalidate_snapshot",
    "listen",
]
