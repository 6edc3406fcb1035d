"""A DataLoader that answers synchronously what the request already holds.

``RecordLoader.get(key)`` returns the value itself when it is known, and ``load(key)``'s future
otherwise. Known means: loaded earlier in this request (a finished future in the loader's own
cache, also what a list page primed), or a fresh entry of the cross-request cache read ahead for
this request by ``Loaders.warm`` (one multi-get for every record a page references). A resolver
returning ``get``'s value through :func:`then` is then a plain function call for graphql-core:
no coroutine, and no task when a list of such items completes. Only records neither held nor
warmed go through the batching ``load`` (one upstream call per batch, as before).

A warmed entry counts as read only when a resolver uses it: it is recorded in the request's
``ReadLog`` (tag and freshness, for the response cache) at that moment, so reading ahead never
widens a cached response's tags nor shortens its life.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, Generic, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

from gateway.cache.entries import Entry
from gateway.cache.reads import ReadLog

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")

#: A value, or an awaitable of it: what a resolver returning a known value synchronously gives.
MaybeAwaitable: TypeAlias = T | Awaitable[T]

#: What ``RecordLoader.known`` (and ``held``) return for a key the request does not hold.
UNKNOWN: Any = object()


class Loader(DataLoader[K, T], Generic[K, T]):
    """A ``DataLoader`` resolvers read with ``get``: here always ``load`` (nothing is known
    synchronously; a partner's scoped loaders, which check each record on its way out)."""

    def get(self, key: K) -> MaybeAwaitable[T]:
        return self.load(key)


class RecordLoader(Loader[K, T]):
    """``DataLoader(load_fn)`` over ``resource`` of the cross-request cache, with ``get``."""

    def __init__(
        self,
        load_fn: Callable[[list[K]], Awaitable[list[T]]],
        *,
        resource: str,
        decode: Callable[[Any], T],
        reads: ReadLog | None,
    ) -> None:
        super().__init__(load_fn=load_fn)
        self.resource = resource
        self._decode = decode  # a cached JSON value -> what ``load_fn`` returns for it
        self._reads = reads
        self._warm: dict[K, Entry] = {}

    def known(self, key: K) -> T:
        """The value of ``key`` when this request holds it, else ``UNKNOWN``."""
        future = self.cache_map.get(key)
        if future is not None:
            if future.done() and not future.cancelled() and future.exception() is None:
                return future.result()
            return UNKNOWN
        entry = self._warm.pop(key, None)
        if entry is None:
            return UNKNOWN
        value = self._decode(entry.value)
        if self._reads is not None:
            self._reads.record(self.resource, (key,), entry.expires_at)  # type: ignore[arg-type]
        self.prime(key, value)
        return value

    def get(self, key: K) -> MaybeAwaitable[T]:
        """``key``'s value when known (see ``known``), else ``load(key)``."""
        value = self.known(key)
        return self.load(key) if value is UNKNOWN else value

    def unknown(self, keys: Iterable[K]) -> list[K]:
        """Those of ``keys`` neither loaded, loading nor warmed in this request (each once)."""
        cache, warm = self.cache_map, self._warm
        return [k for k in dict.fromkeys(keys) if cache.get(k) is None and k not in warm]

    def warm(self, entries: Mapping[K, Entry]) -> None:
        """Fresh cache entries this request may answer from (see the module docstring)."""
        self._warm.update(entries)


def held(loader: DataLoader[K, T], key: K) -> T:
    """``loader.known(key)`` for a ``RecordLoader``; ``UNKNOWN`` for any other loader."""
    known = getattr(loader, "known", None)
    return UNKNOWN if known is None else known(key)


def then(value: MaybeAwaitable[T], fn: Callable[[T], R]) -> MaybeAwaitable[R]:
    """``fn(value)`` now when ``value`` is known, else once the loader's future is done."""
    if not asyncio.isfuture(value):
        return fn(value)  # type: ignore[arg-type]

    async def later() -> R:
        return fn(await value)

    return later()


def both(first: MaybeAwaitable[T], second: MaybeAwaitable[R], fn: Callable[[T, R], Any]) -> MaybeAwaitable[Any]:
    """``fn(first, second)`` now when both are known, else once both loads are done (together)."""
    if not asyncio.isfuture(first) and not asyncio.isfuture(second):
        return fn(first, second)  # type: ignore[arg-type]

    async def later() -> Any:  # both loads are under way already: awaiting one after the other waits once
        a = await first if asyncio.isfuture(first) else first
        b = await second if asyncio.isfuture(second) else second
        return fn(a, b)  # type: ignore[arg-type]

    return later()


__all__ = ["UNKNOWN", "Loader", "MaybeAwaitable", "RecordLoader", "both", "held", "then"]
