"""Per-request DataLoaders over the cross-request cache and Noyo.

``Loaders(noyo, cache, settings, on_stale)`` is built fresh for every GraphQL
request. Each by-key loader batch reads every key from the cache in one
multi-get and sends only the misses upstream, in ONE call per batch where Noyo
has a comma-separated filter (``group_ids``, ``ids``, ``id``; the client chunks
at 100 ids). Ids Noyo does not return load as ``None`` (briefly cached as not
found). List fetchers (``groups_page``, ``disconnection_requests_page``,
``member_snapshots_page``, ``employees_page``, ``carriers_all``) are cached by their query
parameters under ``list:*`` resources and prime both the by-id loaders and the
per-id cache entries, so nested fields of listed records cost nothing extra.

Every read is recorded in the request's ``ReadLog`` (tags and freshness deadline of what the
response was built from, for the response cache). Cached records are validated once per stored
entry in memory and once per content with Redis, not on every hit. The by-key loaders are
``RecordLoader``s: ``get(key)`` answers synchronously what the request holds (loaded, primed by a
page, or read ahead from the cache by ``warm``), so resolvers of cached records need no task.
Per-key lists Noyo cannot batch are fetched concurrently, at most
``GATEWAY_UPSTREAM_FANOUT_LIMIT`` calls at a time per request; the disconnection requests of many
groups take one comma-separated ``group_id`` call per chunk when
``NOYO_DISCONNECTIONS_GROUP_ID_CSV`` is on (Noyo documents only the per-group path).

Stale-if-error: when Noyo fails transiently (``TRANSIENT_ERRORS``) and the
cache still holds a stale-usable entry, that entry is served and reported via
``on_stale(StaleNote)`` (the context collects them into response extensions).

Cache resources (for invalidation by the write path): the entity resources in
``RESOURCE_TTL_SETTINGS`` (``group``, ``carrier``, ``connection``,
``disconnection``, ``snapshot``, ``employee``, ``dependent``, ``connections_by_group``,
``disconnections_by_group``, ``enrollments_by_employee``, ``dependents_by_employee``), plus
``snapshot_detail``, ``current_snapshot_by_employee`` and the lists ``LIST_*``. The loaders of
member data (employees, dependents, enrollments, current state) are in ``member_loaders``.
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
from gateway.cache.resources import (
    CURRENT_SNAPSHOT_BY_EMPLOYEE,
    LIST_CARRIERS,
    LIST_DISCONNECTIONS,
    LIST_EMPLOYEES,
    LIST_GROUPS,
    LIST_SNAPSHOTS,
    SNAPSHOT_DETAIL,
)
from gateway.cache.validated import validator
from gateway.noyo import TRANSIENT_ERRORS, NoyoNotFound, iterate_pages, models
from gateway.noyo.pagination import MAX_PAGE_SIZE, chunked
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


def _dump(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_unset=True)


class _Source:
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

    async def store(self, resource: str, records: Iterable[BaseModel]) -> None:
        """Prime the per-id cache entries of ``resource`` with freshly fetched records."""
        values = {r.id: _dump(r) for r in records}  # type: ignore[attr-defined]
        if values:
            await self.cache.set_many(resource, values, self.ttl(resource))


def _by_id_loader(
    source: _Source, resource: str, model: type[M], fetch: Callable[[list[str]], Awaitable[Iterable[M]]]
) -> RecordLoader[str, M | None]:
    """A loader of ``model`` by id: cached per id, misses fetched by ``fetch(ids)`` in one go."""

    async def fetch_json(ids: list[str]) -> dict[str, Any]:
        return {r.id: _dump(r) for r in await fetch(ids)}  # type: ignore[attr-defined]

    validate = source.validate

    def decode(value: Any) -> M | None:
        return None if value is None else validate(model, value)

    async def batch(ids: list[str]) -> list[M | None]:
        values = await source.read_many(resource, ids, fetch_json)
        return [decode(values.get(i)) for i in ids]

    return RecordLoader(batch, resource=resource, decode=decode, reads=source.reads)


def _list_loader(
    source: _Source,
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
        if item_resource:
            await source.store(item_resource, [r for records in results for r in records])
        return {k: [_dump(r) for r in records] for k, records in zip(keys, results)}

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


async def _gather_found(ids: list[str], get_one: Callable[[str], Awaitable[M]]) -> list[M]:
    """``get_one`` for each id concurrently; ids Noyo does not know are left out."""

    async def one(i: str) -> M | None:
        try:
            return await get_one(i)
        except NoyoNotFound:
            return None

    return [r for r in await asyncio.gather(*(one(i) for i in ids)) if r is not None]


def _bounded(s: _Source, get_one: Callable[[str], Awaitable[M]]) -> Callable[[str], Awaitable[M]]:
    """``get_one`` under the request's fan-out limit."""
    return lambda i: s.bounded(get_one(i))


# -- the loaders named by key ----------------------------------------------------------------


def GroupByIdLoader(s: _Source) -> RecordLoader[str, models.Group | None]:
    return _by_id_loader(s, "group", models.Group, s.noyo.groups_by_ids)


def CarrierByIdLoader(
    s: _Source, listing: Callable[[], Awaitable[list[models.Carrier]] | None]
) -> RecordLoader[str, models.Carrier | None]:
    """Carriers by id: from Noyo's carrier list when ``listing()`` has one under way (see
    ``Loaders.prefetch_carriers``), else (and for ids the list lacks) ``GET /carriers?ids=``.
    When the list fails, so does the batch, with the list's error (the cache may still serve
    stale carriers for it): the same endpoint is not asked twice in a row while it fails."""

    async def fetch(ids: list[str]) -> list[models.Carrier]:
        pending = listing()
        if pending is None:
            return await s.noyo.carriers_by_ids(ids)
        listed = {c.id: c for c in await pending}
        missing = [i for i in ids if i not in listed]
        found = [listed[i] for i in ids if i in listed]
        return found + (await s.noyo.carriers_by_ids(missing) if missing else [])

    return _by_id_loader(s, "carrier", models.Carrier, fetch)


def GroupConnectionByIdLoader(s: _Source) -> RecordLoader[str, models.GroupConnection | None]:
    return _by_id_loader(s, "connection", models.GroupConnection, s.noyo.connections_by_ids)


def DisconnectionRequestByIdLoader(s: _Source) -> RecordLoader[str, models.DisconnectionRequest | None]:
    return _by_id_loader(s, "disconnection", models.DisconnectionRequest, s.noyo.disconnection_requests_by_ids)


def MemberSnapshotByIdLoader(s: _Source) -> RecordLoader[str, models.MemberSnapshot | None]:
    """Snapshots as Noyo's list returns them (no warnings); see ``MemberSnapshotDetailByIdLoader``."""
    return _by_id_loader(s, "snapshot", models.MemberSnapshot, s.noyo.member_snapshots_by_ids)


def MemberSnapshotDetailByIdLoader(s: _Source) -> RecordLoader[str, models.MemberSnapshot | None]:
    """Full snapshots (warnings, created members): one ``GET /member_snapshots/{id}`` per miss."""

    async def fetch(ids: list[str]) -> list[models.MemberSnapshot]:
        return await _gather_found(ids, _bounded(s, s.noyo.get_member_snapshot))

    return _by_id_loader(s, SNAPSHOT_DETAIL, models.MemberSnapshot, fetch)


async def _all_items(fetch_page: Callable[[int, int], Awaitable[models.Page[M]]]) -> list[M]:
    return [item async for item in iterate_pages(fetch_page)]


def ConnectionsByGroupIdLoader(
    s: _Source, prime: DataLoader[str, Any]
) -> RecordLoader[str, list[models.GroupConnection]]:
    async def fetch_all(group_id: str) -> list[models.GroupConnection]:
        return await _all_items(lambda o, n: s.noyo.list_group_connections(group_id, offset=o, page_size=n))

    return _list_loader(s, "connections_by_group", models.GroupConnection, fetch_all, "connection", prime)


def DisconnectionRequestsByGroupIdLoader(
    s: _Source, prime: DataLoader[str, Any]
) -> RecordLoader[str, list[models.DisconnectionRequest]]:
    async def fetch_all(group_id: str) -> list[models.DisconnectionRequest]:
        return await _all_items(lambda o, n: s.noyo.list_group_disconnection_requests(group_id, offset=o, page_size=n))

    batched = fetch_disconnections_of_groups(s) if s.settings.noyo_disconnections_group_id_csv else None
    return _list_loader(
        s, "disconnections_by_group", models.DisconnectionRequest, fetch_all, "disconnection", prime, batched
    )


def fetch_disconnections_of_groups(
    s: _Source,
) -> Callable[[list[str]], Awaitable[dict[str, list[models.DisconnectionRequest]]]]:
    """Disconnection requests of many groups via ``GET /group_disconnection_requests?group_id=a,b``:
    one call per chunk of group ids (more pages, when there are, fetched together), grouped by
    ``group_id`` in Noyo's list order (oldest first), as the per-group path returns them."""

    async def chunk(group_ids: list[str]) -> list[models.DisconnectionRequest]:
        csv = ",".join(group_ids)

        def page(offset: int) -> Awaitable[models.Page[models.DisconnectionRequest]]:
            return s.noyo.list_disconnection_requests(group_id=csv, offset=offset, page_size=MAX_PAGE_SIZE)

        first = await page(0)
        items = list(first.items)
        total = first.meta.total_records
        if total is not None and total > len(items) and len(items) == MAX_PAGE_SIZE:
            rest = await asyncio.gather(*(s.bounded(page(o)) for o in range(MAX_PAGE_SIZE, total, MAX_PAGE_SIZE)))
            items.extend(r for p in rest for r in p.items)
        return items

    async def fetch(group_ids: list[str]) -> dict[str, list[models.DisconnectionRequest]]:
        size = int(s.settings.noyo_disconnections_group_id_chunk)
        pages = await asyncio.gather(*(chunk(c) for c in chunked(group_ids, size)))
        by_group: dict[str, list[models.DisconnectionRequest]] = {g: [] for g in group_ids}
        for request in sorted((r for p in pages for r in p), key=lambda r: (r.created, r.id)):
            if request.group_id in by_group:
                by_group[request.group_id].append(request)
        return by_group

    return fetch


# -- the per-request set ---------------------------------------------------------------------


class Loaders:
    """Every loader and list fetcher of one GraphQL request."""

    def __init__(
        self,
        noyo: Any,
        cache: Any,
        settings: Any,
        on_stale: Callable[[StaleNote], None] | None = None,
        reads: ReadLog | None = None,
    ) -> None:
        s = self._source = _Source(noyo, cache, settings, on_stale, reads)
        self._carriers: asyncio.Future[list[models.Carrier]] | None = None
        self.group_by_id = GroupByIdLoader(s)
        self.carrier_by_id = CarrierByIdLoader(s, lambda: self._carriers)
        self.group_connection_by_id = GroupConnectionByIdLoader(s)
        self.disconnection_request_by_id = DisconnectionRequestByIdLoader(s)
        self.member_snapshot_by_id = MemberSnapshotByIdLoader(s)
        self.member_snapshot_detail_by_id = MemberSnapshotDetailByIdLoader(s)
        self.connections_by_group_id = ConnectionsByGroupIdLoader(s, self.group_connection_by_id)
        self.disconnection_requests_by_group_id = DisconnectionRequestsByGroupIdLoader(
            s, self.disconnection_request_by_id
        )
        from .member_loaders import MemberLoaders

        members = MemberLoaders(s)
        self.employee_by_id = members.employee_by_id
        self.dependent_by_id = members.dependent_by_id
        self.dependents_by_employee_id = members.dependents_by_employee_id
        self.enrollments_by_employee_id = members.enrollments_by_employee_id
        self.current_snapshot_by_employee_id = members.current_snapshot_by_employee_id

    async def _page(
        self,
        list_resource: str,
        item_resource: str,
        model: type[M],
        params: Mapping[str, Any],
        offset: int,
        limit: int,
        fetch_page: Callable[..., Awaitable[models.Page[M]]],
        prime: DataLoader[str, Any],
    ) -> tuple[list[M], int]:
        s = self._source
        page_size = max(limit, 1)  # first: 0 still asks for the total

        async def fetch() -> dict[str, Any]:
            page = await fetch_page(**params, offset=offset, page_size=page_size)
            await s.store(item_resource, page.items)
            total = page.meta.total_records
            return {
                "total": total if total is not None else offset + len(page.items),
                "items": [_dump(r) for r in page.items],
            }

        key = {**params, "offset": offset, "page_size": page_size}
        value = await s.read_one(list_resource, key, fetch)
        items = [s.validate(model, v) for v in value["items"]]
        s.contains(item_resource, items)
        prime.prime_many({r.id: r for r in items})  # type: ignore[attr-defined]
        return items[:limit], int(value["total"])

    async def groups_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[models.Group], int]:
        """Groups by ``company``/``carrier_id``; returns ``(items, total)``."""
        return await self._page(
            LIST_GROUPS,
            "group",
            models.Group,
            params,
            offset,
            limit,
            self._source.noyo.list_groups,
            self.group_by_id,
        )

    async def disconnection_requests_page(
        self, params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[models.DisconnectionRequest], int]:
        """Disconnection requests by the client's filter keywords; returns ``(items, total)``."""
        return await self._page(
            LIST_DISCONNECTIONS,
            "disconnection",
            models.DisconnectionRequest,
            params,
            offset,
            limit,
            self._source.noyo.list_disconnection_requests,
            self.disconnection_request_by_id,
        )

    async def member_snapshots_page(
        self, params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[models.MemberSnapshot], int]:
        """Member snapshots by ``group_id``/``employee_id``/``status``; returns ``(items, total)``."""
        return await self._page(
            LIST_SNAPSHOTS,
            "snapshot",
            models.MemberSnapshot,
            params,
            offset,
            limit,
            self._source.noyo.list_member_snapshots,
            self.member_snapshot_by_id,
        )

    async def employees_page(
        self, params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[models.Employee], int]:
        """A group's employees by ``group_id`` and ``name``; returns ``(items, total)``."""
        return await self._page(
            LIST_EMPLOYEES,
            "employee",
            models.Employee,
            params,
            offset,
            limit,
            self._source.noyo.list_group_employees,
            self.employee_by_id,
        )

    async def warm(self, wanted: Mapping[RecordLoader[str, Any], Iterable[str]]) -> None:
        """Read ahead, in ONE multi-get, the fresh cache entries of the records ``wanted`` (per
        loader, the keys a page references), so that their resolvers answer synchronously
        (``RecordLoader.get``). Nothing is fetched from Noyo here: a record not cached loads
        through its loader as before."""
        plan = {loader: loader.unknown(keys) for loader, keys in wanted.items()}
        by_resource = {loader.resource: keys for loader, keys in plan.items() if keys}
        if not by_resource:
            return
        found = await self._source.cache.get_fresh(by_resource)
        for loader in plan:
            loader.warm(found.get(loader.resource, {}))

    async def carriers_listed(self) -> None:
        """Wait for the carrier list when ``prefetch_carriers`` started it (its failure is the
        carrier loads' to report), so that ``carrier_by_id`` answers from it synchronously."""
        if self._carriers is not None and not self._carriers.done():
            await asyncio.wait([self._carriers])

    def prefetch_carriers(self) -> None:
        """Start reading Noyo's carrier list now, once per request (one unpaginated call, cached):
        a query whose records name carriers then reads them alongside those records rather than
        after them, and ``carrier_by_id`` answers from the list."""
        if self._carriers is None:
            self._carriers = asyncio.ensure_future(self.carriers_all())
            self._carriers.add_done_callback(lambda f: f.cancelled() or f.exception())

    async def carriers_all(self) -> list[models.Carrier]:
        """Every carrier (Noyo returns them in one unpaginated list)."""
        s = self._source

        async def fetch() -> list[dict[str, Any]]:
            carriers = await s.noyo.list_carriers()
            await s.store("carrier", carriers)
            return [_dump(c) for c in carriers]

        carriers = [s.validate(models.Carrier, v) for v in await s.read_one(LIST_CARRIERS, {"all": True}, fetch)]
        s.contains("carrier", carriers)
        self.carrier_by_id.prime_many({c.id: c for c in carriers})
        return carriers
