"""The event pipeline: refetch the changed record, refresh the cache, invalidate, announce.

Noyo's events carry ids only, and arrive at least once and in any order. For each accepted
event the pipeline refetches the record through the normal Noyo client (so the latest state
wins whatever the delivery order), refreshes its cache entry, invalidates everything derived
from it through ``gateway.cache.invalidation`` (shared with the write path), and publishes one
``Change`` on the bus's ``CHANGES`` channel. Events of one record are processed one at a time
in a replica; across replicas they are not, so a refetch that answered with an older state than
the cache now holds (another replica refetched after the record changed, and wrote first) never
overwrites it: the entry is compared on Noyo's ``modified`` just before the write (``_older``).

Event types (``EVENT_KINDS``): disconnection requests, member snapshots (status and per-carrier
fulfillment), groups and group connection requests (Noyo's group connections). The poller feeds
the same pipeline with ``{"type": "poll", "kind": ..., "data_id": ...}`` messages.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.cache import invalidation
from gateway.cache.resources import SNAPSHOT_DETAIL
from gateway.noyo import NoyoNotFound

from .changes import CHANGES, Change

logger = logging.getLogger("gateway.events.pipeline")

POLL = "poll"
#: Event types Noyo documents that name no record: acknowledged, nothing to refresh.
ACKNOWLEDGE_ONLY = frozenset({"test.hello_world"})


@dataclass(frozen=True)
class Kind:
    """One record type: how to refetch it, where its entry lives, what it invalidates."""

    name: str  # Change.kind
    resource: str  # the cache resource refreshed with the refetched record
    ttl_setting: str
    fetch: Callable[[Any, str], Awaitable[Any]]
    invalidate: Callable[..., Awaitable[None]]
    also_cached_as: tuple[str, ...] = ()  # read for the previous status


async def _invalidate_snapshot(cache: Any, record: Mapping[str, Any], *, bus: Any = None) -> None:
    await invalidation.invalidate_snapshot(cache, record, others_replaced=False, bus=bus)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "disconnection_request",
            "disconnection",
            "gateway_cache_ttl_disconnections",
            lambda noyo, id: noyo.get_disconnection_request(id),
            invalidation.invalidate_disconnection,
        ),
        Kind(
            "member_snapshot",
            SNAPSHOT_DETAIL,
            "gateway_cache_ttl_snapshots",
            lambda noyo, id: noyo.get_member_snapshot(id),
            _invalidate_snapshot,
            ("snapshot",),
        ),
        Kind(
            "group",
            "group",
            "gateway_cache_ttl_groups",
            lambda noyo, id: noyo.get_group(id),
            invalidation.invalidate_group,
        ),
        Kind(
            "group_connection",
            "connection",
            "gateway_cache_ttl_connections",
            lambda noyo, id: noyo.get_connection(id),
            invalidation.invalidate_connection,
        ),
    )
}

#: Noyo's event types -> the kind of record they announce.
EVENT_KINDS: dict[str, str] = {
    "group_disconnection_request.created": "disconnection_request",
    "group_disconnection_request.status_change": "disconnection_request",
    "member_snapshot.status_change": "member_snapshot",
    "member_snapshot_carrier_fulfillment_status.status_change": "member_snapshot",
    "group.created": "group",
    "group_connection_request.created": "group_connection",
    "group_connection_request.status_change": "group_connection",
}


def is_known(event_type: str) -> bool:
    """True for every event type the gateway handles (or knowingly only acknowledges)."""
    return event_type in EVENT_KINDS or event_type in ACKNOWLEDGE_ONLY


def kind_of(message: Mapping[str, Any]) -> Kind | None:
    """The record kind a queued message is about (None: nothing to process)."""
    name = message.get("kind") if message.get("type") == POLL else EVENT_KINDS.get(str(message.get("type")))
    return KINDS.get(str(name)) if name else None


def _older(record: Mapping[str, Any], cached: Mapping[str, Any] | None) -> bool:
    """True when ``cached`` is a later state of the record than ``record`` (Noyo's ``modified``,
    epoch seconds; records without it, or of the same second, cannot be ordered and are written)."""
    if cached is None:
        return False
    new, old = record.get("modified"), cached.get("modified")
    return isinstance(new, int) and isinstance(old, int) and old > new


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_unset=True) if hasattr(model, "model_dump") else dict(model)


class EventPipeline:
    """Processes queued event messages (``process``); see the module docstring."""

    def __init__(
        self,
        noyo: Any,
        cache: Any,
        bus: Any,
        settings: Any,
        *,
        metrics: Any = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.noyo = noyo
        self.cache = cache
        self.bus = bus
        self.settings = settings
        self.metrics = metrics
        self.clock = clock
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}  # lock, users

    async def process(self, message: Mapping[str, Any]) -> Change | None:
        """Handle one accepted event; returns the published change (None: nothing to do).

        Raises when Noyo or the bus failed transiently, so that the worker retries."""
        kind = kind_of(message)
        if kind is None:
            return None
        record_id = str(message["data_id"])
        key = (kind.name, record_id)
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                previous, record = await self._refresh(kind, record_id)
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
        accepted_at = message.get("accepted_at")
        if self.metrics is not None and isinstance(accepted_at, (int, float)):
            self.metrics.observe_event_lag(kind.name, self.clock() - accepted_at)
        basis = record or previous or {}
        change = Change(
            kind=kind.name,
            id=record_id,
            event_type=str(message.get("type")),
            event_id=message.get("id"),
            group_id=record_id if kind.name == "group" else basis.get("group_id"),
            carrier_id=basis.get("carrier_id"),
            employee_id=basis.get("employee_id"),
            status=record.get("status") if record else None,
            previous_status=previous.get("status") if previous else None,
            record=record,
        )
        await self.bus.publish(CHANGES, change.to_message())
        return change

    async def _refresh(self, kind: Kind, record_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        previous = await self._cached(kind, record_id)
        try:
            record: dict[str, Any] | None = _dump(await kind.fetch(self.noyo, record_id))
        except NoyoNotFound:
            record = None
        current = await self._entry(kind.resource, record_id) if record is not None else None
        await kind.invalidate(self.cache, record or previous or {"id": record_id}, bus=self.bus)
        if record is not None and not _older(record, current):
            ttl = getattr(self.settings, kind.ttl_setting, None)
            await self.cache.set(kind.resource, record_id, record, ttl)
        elif record is not None:
            logger.info("refetched %s %s is older than the cached one: not written", kind.name, record_id)
        return previous, record

    async def _entry(self, resource: str, record_id: str) -> dict[str, Any] | None:
        entry = await self.cache.get(resource, record_id)
        return entry.value if entry is not None and isinstance(entry.value, dict) else None

    async def _cached(self, kind: Kind, record_id: str) -> dict[str, Any] | None:
        for resource in (kind.resource, *kind.also_cached_as):
            entry = await self.cache.get(resource, record_id)
            if entry is not None and isinstance(entry.value, dict):
                return entry.value
        return None


__all__ = ["ACKNOWLEDGE_ONLY", "EVENT_KINDS", "KINDS", "POLL", "EventPipeline", "Kind", "is_known", "kind_of"]
