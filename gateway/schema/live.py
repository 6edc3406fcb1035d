"""The change stream behind every subscription field.

Each GraphQL subscription is one local subscriber of the bus's ``CHANGES`` channel (the bus
keeps ONE Redis pattern subscription per process, so a change published by any replica
reaches every replica's subscribers once). Its queue is bounded
(``GATEWAY_SUBSCRIPTION_QUEUE_SIZE``): a subscriber that falls behind loses its oldest changes
(counted in metrics) and never slows the others down.

For every change a subscriber is about to receive, ``LiveChanges``:
- drops repeats of an ``event_id`` it already delivered (a duplicate publish never reaches the
  client twice);
- gives the context FRESH loaders for the subscriber's principal (partner-scoped ones for a
  scoped principal), so nothing cached by an earlier event is served, primed with the record
  the event pipeline refetched;
- ``record()`` then loads the changed record through those loaders: a record outside the
  subscriber's partner scope reads as missing, exactly as in queries, and is skipped before
  anything is yielded, so another partner's event leaves no trace.
The stream ends when the subscriber's token expires (``context.expires_at``).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from gateway.events import CHANGES, Change
from gateway.loaders import Loaders
from gateway.noyo import models
from gateway.security.principal import NOBODY
from gateway.security.scoping import scope_context

logger = logging.getLogger("gateway.subscriptions")

REMEMBERED_EVENTS = 512

# Change.kind -> (the record's model, the by-id loaders it primes; the first one loads it)
_RECORDS: dict[str, tuple[type[BaseModel], tuple[str, ...]]] = {
    "disconnection_request": (models.DisconnectionRequest, ("disconnection_request_by_id",)),
    "member_snapshot": (models.MemberSnapshot, ("member_snapshot_detail_by_id", "member_snapshot_by_id")),
    "group": (models.Group, ("group_by_id",)),
    "group_connection": (models.GroupConnection, ("group_connection_by_id",)),
}


def refresh_context(context: Any, change: Change | None = None) -> None:
    """New loaders (and Noyo client) for the context's principal, primed with ``change.record``."""
    services = context.services
    stale: list[Any] = []
    loaders = Loaders(services.noyo, services.cache, services.settings, on_stale=stale.append)
    if change is not None and change.record is not None and change.kind in _RECORDS:
        model, names = _RECORDS[change.kind]
        try:
            record = model.model_validate(change.record)
        except ValidationError:
            logger.warning("change of kind %s carried a record that does not validate", change.kind)
        else:
            for name in names:
                getattr(loaders, name).prime(change.id, record)
    context.stale = stale
    context.loaders = loaders
    context.noyo = services.noyo
    scope_context(context, context.principal or NOBODY)


async def record(context: Any, change: Change) -> Any:
    """The changed record as the subscriber may see it; None when out of scope or gone."""
    _, names = _RECORDS[change.kind]
    return await getattr(context.loaders, names[0]).load(change.id)


class LiveChanges:
    """One subscriber's changes of ``kinds``; see the module docstring."""

    def __init__(self, context: Any, field: str, kinds: Iterable[str]) -> None:
        self.context = context
        self.field = field
        self.kinds = frozenset(kinds)
        self.metrics = getattr(context.services, "metrics", None)
        self._delivered: OrderedDict[str, None] = OrderedDict()

    async def __aiter__(self) -> AsyncIterator[Change]:
        services = self.context.services
        size = services.settings.gateway_subscription_queue_size
        subscription = services.bus.subscribe(CHANGES, maxsize=size)
        self._gauge(+1)
        try:
            while True:
                message = await self._next(subscription)
                if message is None:
                    return
                change = self._accept(message)
                if change is None:
                    continue
                refresh_context(self.context, change)
                yield change
        finally:
            subscription.close()
            self._gauge(-1)
            if subscription.dropped and self.metrics is not None:
                self.metrics.subscription_dropped.labels(self.field).inc(subscription.dropped)

    def pushed(self, value: Any) -> Any:
        """Count ``value`` as pushed to the client; returns it."""
        if self.metrics is not None:
            self.metrics.subscription_messages.labels(self.field).inc()
        return value

    async def _next(self, subscription: Any) -> dict[str, Any] | None:
        expires_at = getattr(self.context, "expires_at", None)
        if expires_at is None:
            return await subscription.get()
        remaining = expires_at - time.time()
        if remaining <= 0:
            return None
        try:
            return await subscription.get(timeout=remaining)
        except TimeoutError:
            return None

    def _accept(self, message: dict[str, Any]) -> Change | None:
        try:
            change = Change.from_message(message)
        except (TypeError, ValueError):
            logger.warning("dropped a malformed change message")
            return None
        if change.kind not in self.kinds:
            return None
        if change.event_id is not None:
            if change.event_id in self._delivered:
                return None
            self._delivered[change.event_id] = None
            if len(self._delivered) > REMEMBERED_EVENTS:
                self._delivered.popitem(last=False)
        return change

    def _gauge(self, delta: int) -> None:
        if self.metrics is not None:
            self.metrics.subscriptions_open.labels(self.field).inc(delta)


__all__ = ["LiveChanges", "record", "refresh_context"]
