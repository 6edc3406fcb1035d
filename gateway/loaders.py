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
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from strawberry.dataloader import DataLoader

from gateway.cache.reads import ReadLog
from gateway.cache.resources import (
    LIST_CARRIERS,
    LIST_DISCONNECTIONS,
    LIST_EMPLOYEES,
    LIST_GROUPS,
    LIST_SNAPSHOTS,
    SNAPSHOT_DETAIL,
)
from gateway.loader_source import (
    M,
    Source,
    StaleNote,
    all_items,
    by_id_loader,
    gather_found,
    list_loader,
    under_fanout,
)
from gateway.noyo import models
from gateway.noyo.pagination import MAX_PAGE_SIZE, chunked
from gateway.record_loader import RecordLoader

__all__ = ["Loaders", "StaleNote"]


# -- the loaders named by key ----------------------------------------------------------------


def GroupByIdLoader(s: Source) -> RecordLoader[str, models.Group | None]:
    return by_id_loader(s, "group", models.Group, s.noyo.groups_by_ids)


def CarrierByIdLoader(
    s: Source, listing: Callable[[], Awaitable[list[models.Carrier]] | None]
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

    return by_id_loader(s, "carrier", models.Carrier, fetch)


def GroupConnectionByIdLoader(s: Source) -> RecordLoader[str, models.GroupConnection | None]:
    return by_id_loader(s, "connection", models.GroupConnection, s.noyo.connections_by_ids)


def DisconnectionRequestByIdLoader(s: Source) -> RecordLoader[str, models.DisconnectionRequest | None]:
    return by_id_loader(s, "disconnection", models.DisconnectionRequest, s.noyo.disconnection_requests_by_ids)


def MemberSnapshotByIdLoader(s: Source) -> RecordLoader[str, models.MemberSnapshot | None]:
    """Snapshots as Noyo's list returns them (no warnings); see ``MemberSnapshotDetailByIdLoader``."""
    return by_id_loader(s, "snapshot", models.MemberSnapshot, s.noyo.member_snapshots_by_ids)


def MemberSnapshotDetailByIdLoader(s: Source) -> RecordLoader[str, models.MemberSnapshot | None]:
    """Full snapshots (warnings, created members): one ``GET /member_snapshots/{id}`` per miss."""

    async def fetch(ids: list[str]) -> list[models.MemberSnapshot]:
        return await gather_found(ids, under_fanout(s, s.noyo.get_member_snapshot))

    return by_id_loader(s, SNAPSHOT_DETAIL, models.MemberSnapshot, fetch)


def ConnectionsByGroupIdLoader(
    s: Source, prime: DataLoader[str, Any]
) -> RecordLoader[str, list[models.GroupConnection]]:
    async def fetch_all(group_id: str) -> list[models.GroupConnection]:
        return await all_items(lambda o, n: s.noyo.list_group_connections(group_id, offset=o, page_size=n))

    return list_loader(s, "connections_by_group", models.GroupConnection, fetch_all, "connection", prime)


def DisconnectionRequestsByGroupIdLoader(
    s: Source, prime: DataLoader[str, Any]
) -> RecordLoader[str, list[models.DisconnectionRequest]]:
    async def fetch_all(group_id: str) -> list[models.DisconnectionRequest]:
        return await all_items(lambda o, n: s.noyo.list_group_disconnection_requests(group_id, offset=o, page_size=n))

    batched = fetch_disconnections_of_groups(s) if s.settings.noyo_disconnections_group_id_csv else None
    return list_loader(
        s, "disconnections_by_group", models.DisconnectionRequest, fetch_all, "disconnection", prime, batched
    )


def fetch_disconnections_of_groups(
    s: Source,
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
        s = self._source = Source(noyo, cache, settings, on_stale, reads)
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
            dumped = [s.dump(r) for r in page.items]
            await s.store_json(item_resource, {r.id: v for r, v in zip(page.items, dumped)})  # type: ignore[attr-defined]
            total = page.meta.total_records
            return {"total": total if total is not None else offset + len(page.items), "items": dumped}

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
            dumped = [s.dump(c) for c in carriers]
            await s.store_json("carrier", {c.id: v for c, v in zip(carriers, dumped)})
            return dumped

        carriers = [s.validate(models.Carrier, v) for v in await s.read_one(LIST_CARRIERS, {"all": True}, fetch)]
        s.contains("carrier", carriers)
        self.carrier_by_id.prime_many({c.id: c for c in carriers})
        return carriers
