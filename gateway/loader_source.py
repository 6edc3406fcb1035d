"""The read-through primitives every per-request loader is built from.

``Source`` holds one request's Noyo client, cache, settings, stale-if-error callback and
``ReadLog``; ``by_id_loader`` and ``list_loader`` turn a Noyo fetch into a ``RecordLoader``
(cache first, one upstream call per batch for the misses, records validated once per stored
entry); ``gather_found`` and ``under_fanout`` run per-record calls Noyo cannot batch concurrently,
under the request's fan-out limit. The loaders named by key are in ``loaders`` and
``member_loaders``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from strawberry.dataloader import DataLoader

from gateway.cache import RESOURCE_TTL_SETTINGS
from gateway.cache.reads import ReadLog
from gateway.cache.resources import CURRENT_SNAPSHOT_BY_EMPLOYEE, SNAPSHOT_DETAIL
from gateway.cache.validated import validator
from gateway.noyo import TRANSIENT_ERRORS, NoyoNotFound, iterate_pages, models
from gateway.record_loader import RecordLoader

M = TypeVar("M", bound=BaseModel)


_EXTRA_TTL_SETTINGS = {
    SNAPSHOT_DETAIL: "gateway_cache_ttl_snapshots",
    CURRENT_SNAPSHOT_BY_EMPLOYEE: "gateway_cache_ttl_employees",
}


@dataclass(frozen=True)
class StaleNote:
    """A value served past its freshness because Noyo failed."""

    resource: str
    id: str
    age_seconds: int


def dump_json(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_unset=True)


class Source:
    """Noyo + cache + settings: the read-through primitives every loader uses."""

    def __init__(
        self,
        noyo: Any,
        cache: Any,
        settings: Any,
        on_stale: Callable[[StaleNote], None] | None,
        reads: ReadLog | None = None,
    ) -> None:
        self.noyo = noyo
        self.cache = cache
        self.settings = settings
        self._on_stale = on_stale
        self.reads = reads
        self.validate = validator(cache)
        self.fanout = asyncio.Semaphore(int(getattr(settings, "gateway_upstream_fanout_limit", 50)))

    async def bounded(self, call: Awaitable[Any]) -> Any:
        """Await one of many per-record upstream calls under the request's fan-out limit."""
        async with self.fanout:
            return await call

    def ttl(self, resource: str) -> int | None:
        field = RESOURCE_TTL_SETTINGS.get(resource) or _EXTRA_TTL_SETTINGS.get(resource)
        if field is None:
            field = RESOURCE_TTL_SETTINGS.get(resource.split(":", 1)[0])
        return int(getattr(self.settings, field)) if field and hasattr(self.settings, field) else None

    def stale(self, resource: str, id: str, age: float) -> None:
        if self._on_stale is not None:
            self._on_stale(StaleNote(resource, id, int(age)))

    async def read_many(
        self, resource: str, keys: Sequence[str], fetch: Callable[[list[str]], Awaitable[Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """JSON values of ``keys`` (None = not found): cache first, ONE ``fetch(misses)``."""
        return await self.cache.fetch_many(
            resource,
            keys,
            fetch,
            ttl=self.ttl(resource),
            stale_on=TRANSIENT_ERRORS,
            on_stale=self.stale,
            reads=self.reads,
        )

    async def read_one(self, resource: str, params: Mapping[str, Any], fetch: Callable[[], Awaitable[Any]]) -> Any:
        return await self.cache.fetch_one(
            resource,
            dict(params),
            fetch,
            ttl=self.ttl(resource),
            stale_on=TRANSIENT_ERRORS,
            on_stale=self.stale,
            reads=self.reads,
        )

    def contains(self, resource: str, records: Iterable[Any]) -> None:
        """Records of ``resource`` listed inside something read: the response depends on them too."""
        if self.reads is not None:
            self.reads.contains(resource, (r.id for r in records))

    def dump(self, record: BaseModel) -> dict[str, Any]:
        """A freshly fetched record as the JSON the cache stores; read back, it is ``record`` again
        (the validation memo is handed the model already parsed: nothing is validated twice)."""
        value = dump_json(record)
        self.validate.remember(value, record)
        return value

    async def store_json(self, resource: str, values: Mapping[str, Any]) -> None:
        """Prime the per-id cache entries of ``resource`` with freshly fetched records (``dump``ed)."""
        if values:
            await self.cache.set_many(resource, values, self.ttl(resource))


def by_id_loader(
    source: Source, resource: str, model: type[M], fetch: Callable[[list[str]], Awaitable[Iterable[M]]]
) -> RecordLoader[str, M | None]:
    """A loader of ``model`` by id: cached per id, misses fetched by ``fetch(ids)`` in one go."""

    async def fetch_json(ids: list[str]) -> dict[str, Any]:
        return {r.id: source.dump(r) for r in await fetch(ids)}  # type: ignore[attr-defined]

    validate = source.validate

    def decode(value: Any) -> M | None:
        return None if value is None else validate(model, value)

    async def batch(ids: list[str]) -> list[M | None]:
        values = await source.read_many(resource, ids, fetch_json)
        return [decode(values.get(i)) for i in ids]

    return RecordLoader(batch, resource=resource, decode=decode, reads=source.reads)


def list_loader(
    source: Source,
    resource: str,
    model: type[M],
    fetch_all: Callable[[str], Awaitable[list[M]]],
    item_resource: str | None = None,
    prime: DataLoader[str, Any] | None = None,
    fetch_batch: Callable[[list[str]], Awaitable[dict[str, list[M]]]] | None = None,
) -> RecordLoader[str, list[M]]:
    """A loader of every ``model`` belonging to a key (a group, an employee), cached per key.

    Misses go to ``fetch_batch(keys)`` when given, else to ``fetch_all(key)`` per key,
    concurrently under the request's fan-out limit. Fetched items also fill
    ``item_resource``'s per-id cache and the ``prime`` loader.
    """

    async def fetch_json(keys: list[str]) -> dict[str, Any]:
        if fetch_batch is not None:
            found = await fetch_batch(keys)
            results = [found.get(k, []) for k in keys]
        else:
            results = await asyncio.gather(*(source.bounded(fetch_all(k)) for k in keys))
        values = {k: [source.dump(r) for r in records] for k, records in zip(keys, results)}
        if item_resource:  # the same JSON under each item's own id
            await source.store_json(
                item_resource,
                {r.id: v for records, dumped in zip(results, values.values()) for r, v in zip(records, dumped)},  # type: ignore[attr-defined]
            )
        return values

    validate = source.validate

    def used(lists: list[list[M]]) -> list[list[M]]:
        if item_resource:
            source.contains(item_resource, (r for records in lists for r in records))
        if prime is not None:
            prime.prime_many({r.id: r for records in lists for r in records})  # type: ignore[attr-defined]
        return lists

    def decode(value: Any) -> list[M]:
        return used([[validate(model, v) for v in value or []]])[0]

    async def batch(keys: list[str]) -> list[list[M]]:
        values = await source.read_many(resource, keys, fetch_json)
        return used([[validate(model, v) for v in values.get(k) or []] for k in keys])

    return RecordLoader(batch, resource=resource, decode=decode, reads=source.reads)


async def gather_found(ids: list[str], get_one: Callable[[str], Awaitable[M]]) -> list[M]:
    """``get_one`` for each id concurrently; ids Noyo does not know are left out."""

    async def one(i: str) -> M | None:
        try:
            return await get_one(i)
        except NoyoNotFound:
            return None

    return [r for r in await asyncio.gather(*(one(i) for i in ids)) if r is not None]


def under_fanout(s: Source, get_one: Callable[[str], Awaitable[M]]) -> Callable[[str], Awaitable[M]]:
    """``get_one`` under the request's fan-out limit."""
    return lambda i: s.bounded(get_one(i))


async def all_items(fetch_page: Callable[[int, int], Awaitable[models.Page[M]]]) -> list[M]:
    return [item async for item in iterate_pages(fetch_page)]
