"""Partner scoping: a principal limited to org/group ids sees and changes only those groups.

For a scoped principal the request context gets ``ScopedLoaders`` and ``ScopedNoyo``
in place of the real ones (``scope_context``); unscoped principals keep the originals.

- By-id loaders load through the real (cached) loaders, then drop out-of-scope records
  on the way out: a record cached for another partner never crosses scopes, and an
  out-of-scope id reads exactly like a missing one (``None``).
- List fetchers pass the scope INTO the upstream query (``group_ids=`` for groups,
  comma-separated ``group_id=`` for disconnection requests and snapshots), so pages and
  ``totalCount`` only ever count in-scope records, and the scope is part of the cache key.
- ``ScopedNoyo`` checks every direct client call (the write path uses it): an
  out-of-scope target raises ``NoyoNotFound`` with Noyo's own wording before any upstream
  call, so a mutation on another partner's record fails exactly like one on a missing record.

Org scoping needs the groups of those orgs (Noyo has no organization filter on groups): they
are found by walking the cached group list once per request. Anything these wrappers do not
know is refused (fail closed), so a new loader must be classified here before scoped
principals can use it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from strawberry.dataloader import DataLoader

from gateway.noyo.errors import NoyoNotFound
from gateway.record_loader import Loader

from .principal import Principal

logger = logging.getLogger("gateway.security.scoping")

_PAGE = 100


def _not_found(kind: str, record_id: Any) -> NoyoNotFound:
    return NoyoNotFound(f"{kind} not found with UUID {record_id}", 404)


class PartnerScope:
    """Scope decisions for one request, answered from the real (unscoped, cached) loaders."""

    def __init__(self, principal: Principal, loaders: Any) -> None:
        self.principal = principal
        self.loaders = loaders
        self._org_groups: asyncio.Future[frozenset[str]] | None = None

    async def allows_group(self, group_id: Any, organization_id: Any = None) -> bool:
        if group_id is None:
            return False
        if self.principal.allows_group(group_id, organization_id):
            return True
        if self.principal.org_ids is None:
            return False
        group = await self.loaders.group_by_id.load(str(group_id))
        return group is not None and self.principal.allows_group(group.id, group.organization_id)

    async def allows_employee(self, employee_id: Any) -> bool:
        if employee_id is None:
            return False
        employee = await self.loaders.employee_by_id.load(str(employee_id))
        return employee is not None and await self.allows_group(employee.group_id)

    async def allows_record(self, record: Any) -> bool:
        """Any record: a group, or something carrying ``group_id`` or ``employee_id``."""
        if record is None:
            return False
        if hasattr(record, "group_id"):
            return await self.allows_group(record.group_id, getattr(record, "organization_id", None))
        if hasattr(record, "employee_id"):
            return await self.allows_employee(record.employee_id)
        return await self.allows_group(record.id, getattr(record, "organization_id", None))

    async def group_ids(self) -> frozenset[str]:
        """Every group id in scope (org scopes resolved by walking the group list once)."""
        ids = set(self.principal.group_ids or ())
        if self.principal.org_ids is not None:
            if self._org_groups is None:
                self._org_groups = asyncio.ensure_future(self._groups_of_orgs())
            ids |= await self._org_groups
        return frozenset(ids)

    async def _groups_of_orgs(self) -> frozenset[str]:
        found: set[str] = set()
        offset = 0
        while True:
            items, total = await self.loaders.groups_page({"company": None, "carrier_id": None}, offset, _PAGE)
            found.update(g.id for g in items if self.principal.allows_group(None, g.organization_id))
            offset += _PAGE
            if not items or offset >= total:
                return frozenset(found)

    async def narrow(self, requested: Any) -> list[str]:
        """The in-scope ids among ``requested`` (a csv string, a list or None = all in scope)."""
        allowed = await self.group_ids()
        if requested is None:
            return sorted(allowed)
        wanted = requested.split(",") if isinstance(requested, str) else [str(r) for r in requested]
        return sorted(allowed & {w.strip() for w in wanted if w.strip()})


def _filtered_loader(scope: PartnerScope, inner: DataLoader) -> DataLoader:
    """``inner``'s records, ``None`` for those out of scope."""

    async def load(keys: list[str]) -> list[Any]:
        records = await inner.load_many(keys)
        allowed = await asyncio.gather(*(scope.allows_record(r) for r in records))
        return [r if ok else None for r, ok in zip(records, allowed)]

    return Loader(load_fn=load)


def _keyed_loader(check: Callable[[str], Awaitable[bool]], inner: DataLoader, empty: Any) -> DataLoader:
    """``inner``'s value per key (a group or employee id), ``empty`` for keys out of scope."""

    async def load(keys: list[str]) -> list[Any]:
        allowed = await asyncio.gather(*(check(k) for k in keys))
        inside = [k for k, ok in zip(keys, allowed) if ok]
        values = dict(zip(inside, await inner.load_many(inside))) if inside else {}
        return [values.get(k, empty) for k in keys]

    return Loader(load_fn=load)


class ScopedLoaders:
    """The request's ``Loaders`` as seen by a scoped principal (see module docstring)."""

    _PASS_THROUGH = frozenset({"carrier_by_id", "carriers_all", "prefetch_carriers", "carriers_listed"})

    def __init__(self, inner: Any, scope: PartnerScope) -> None:
        self._inner = inner
        self._scope = scope
        for name in (
            "group_by_id",
            "group_connection_by_id",
            "disconnection_request_by_id",
            "member_snapshot_by_id",
            "member_snapshot_detail_by_id",
            "employee_by_id",
            "dependent_by_id",
        ):
            setattr(self, name, _filtered_loader(scope, getattr(inner, name)))
        for name in ("connections_by_group_id", "disconnection_requests_by_group_id"):
            setattr(self, name, _keyed_loader(scope.allows_group, getattr(inner, name), []))
        for name in ("enrollments_by_employee_id", "dependents_by_employee_id"):
            setattr(self, name, _keyed_loader(scope.allows_employee, getattr(inner, name), []))
        self.current_snapshot_by_employee_id = _keyed_loader(
            scope.allows_employee, inner.current_snapshot_by_employee_id, None
        )

    def __getattr__(self, name: str) -> Any:
        if name in self._PASS_THROUGH:
            return getattr(self._inner, name)
        logger.error("scoped principal used unclassified loader %r: refused", name)
        raise AttributeError(f"{name!r} is not available to partner-scoped principals")

    async def warm(self, wanted: Mapping[Any, Any]) -> None:
        """Nothing is read ahead: each scoped record is checked on its way out (``Loader.get``)."""

    async def groups_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        ids = await self._scope.narrow(params.get("group_ids"))
        if not ids:
            return [], 0
        return await self._inner.groups_page({**params, "group_ids": ids}, offset, limit)

    async def employees_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        if not await self._scope.allows_group(params.get("group_id")):
            return [], 0
        return await self._inner.employees_page(params, offset, limit)

    async def disconnection_requests_page(
        self, params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[Any], int]:
        return await self._by_group_id(self._inner.disconnection_requests_page, params, offset, limit)

    async def member_snapshots_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        return await self._by_group_id(self._inner.member_snapshots_page, params, offset, limit)

    async def _by_group_id(
        self, fetch: Callable[..., Awaitable[tuple[list[Any], int]]], params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[Any], int]:
        ids = await self._scope.narrow(params.get("group_id"))
        if not ids:
            return [], 0
        return await fetch({**params, "group_id": ",".join(ids)}, offset, limit)


class ScopedNoyo:
    """The Noyo client as seen by a scoped principal: out-of-scope targets are Noyo 404s."""

    _PASS_THROUGH = frozenset({"list_carriers", "get_carrier", "carriers_by_ids"})

    def __init__(self, inner: Any, scope: PartnerScope) -> None:
        self._inner = inner
        self._scope = scope

    def __getattr__(self, name: str) -> Any:
        if name in self._PASS_THROUGH:
            return getattr(self._inner, name)
        logger.error("scoped principal used unclassified Noyo call %r: refused", name)
        raise AttributeError(f"{name!r} is not available to partner-scoped principals")

    async def _group(self, group_id: str) -> None:
        if not await self._scope.allows_group(group_id):
            raise _not_found("Group", group_id)

    async def _employee(self, employee_id: str) -> None:
        if not await self._scope.allows_employee(employee_id):
            raise _not_found("Employee", employee_id)

    async def _disconnection(self, request_id: str) -> None:
        record = await self._scope.loaders.disconnection_request_by_id.load(str(request_id))
        if not await self._scope.allows_record(record):
            raise _not_found("GroupDisconnectionRequest", request_id)

    async def _snapshot(self, snapshot_id: str) -> None:
        record = await self._scope.loaders.member_snapshot_by_id.load(str(snapshot_id))
        if not await self._scope.allows_record(record):
            raise _not_found("MemberSnapshot", snapshot_id)

    async def _only_allowed(self, records: Iterable[Any]) -> list[Any]:
        records = list(records)
        allowed = await asyncio.gather(*(self._scope.allows_record(r) for r in records))
        return [r for r, ok in zip(records, allowed) if ok]

    # -- groups and connections -------------------------------------------------------
    async def list_groups(self, **kwargs: Any) -> Any:
        ids = await self._scope.narrow(kwargs.pop("group_ids", None))
        if not ids:
            raise _not_found("Group", "(none in scope)")
        return await self._inner.list_groups(group_ids=ids, **kwargs)

    async def get_group(self, group_id: str) -> Any:
        await self._group(group_id)
        return await self._inner.get_group(group_id)

    async def groups_by_ids(self, ids: Iterable[str]) -> list[Any]:
        return await self._only_allowed(await self._inner.groups_by_ids(ids))

    async def list_group_connections(self, group_id: str, **kwargs: Any) -> Any:
        await self._group(group_id)
        return await self._inner.list_group_connections(group_id, **kwargs)

    async def get_connection(self, connection_id: str) -> Any:
        record = await self._inner.get_connection(connection_id)
        if not await self._scope.allows_record(record):
            raise _not_found("GroupConnection", connection_id)
        return record

    async def connections_by_ids(self, ids: Iterable[str]) -> list[Any]:
        return await self._only_allowed(await self._inner.connections_by_ids(ids))

    async def create_group_connection(self, group_id: str, body: dict[str, Any]) -> Any:
        await self._group(group_id)
        return await self._inner.create_group_connection(group_id, body)

    async def retry_group_connection(self, connection_id: str, body: dict[str, Any]) -> Any:
        await self.get_connection(connection_id)
        return await self._inner.retry_group_connection(connection_id, body)

    # -- employees -------------------------------------------------------------------
    async def get_employee(self, employee_id: str) -> Any:
        await self._employee(employee_id)
        return await self._inner.get_employee(employee_id)

    async def list_group_employees(self, group_id: str, **kwargs: Any) -> Any:
        await self._group(group_id)
        return await self._inner.list_group_employees(group_id, **kwargs)

    async def list_employee_dependents(self, employee_id: str, **kwargs: Any) -> Any:
        await self._employee(employee_id)
        return await self._inner.list_employee_dependents(employee_id, **kwargs)

    async def get_dependent(self, dependent_id: str) -> Any:
        record = await self._inner.get_dependent(dependent_id)
        if not await self._scope.allows_record(record):
            raise _not_found("Dependent", dependent_id)
        return record

    async def list_employee_enrollments(self, employee_id: str, **kwargs: Any) -> Any:
        await self._employee(employee_id)
        return await self._inner.list_employee_enrollments(employee_id, **kwargs)

    async def get_employee_member_snapshot(self, employee_id: str) -> Any:
        await self._employee(employee_id)
        return await self._inner.get_employee_member_snapshot(employee_id)

    # -- disconnection requests --------------------------------------------------------
    async def list_disconnection_requests(self, **kwargs: Any) -> Any:
        ids = await self._scope.narrow(kwargs.pop("group_id", None))
        if not ids:
            raise _not_found("Group", "(none in scope)")
        return await self._inner.list_disconnection_requests(group_id=",".join(ids), **kwargs)

    async def disconnection_requests_by_ids(self, ids: Iterable[str]) -> list[Any]:
        return await self._only_allowed(await self._inner.disconnection_requests_by_ids(ids))

    async def list_group_disconnection_requests(self, group_id: str, **kwargs: Any) -> Any:
        await self._group(group_id)
        return await self._inner.list_group_disconnection_requests(group_id, **kwargs)

    async def get_disconnection_request(self, request_id: str) -> Any:
        await self._disconnection(request_id)
        return await self._inner.get_disconnection_request(request_id)

    async def create_disconnection_request(self, body: dict[str, Any]) -> Any:
        await self._group(str(body.get("group_id")))
        return await self._inner.create_disconnection_request(body)

    async def confirm_disconnection_request(self, request_id: str, *args: Any, **kwargs: Any) -> Any:
        await self._disconnection(request_id)
        return await self._inner.confirm_disconnection_request(request_id, *args, **kwargs)

    async def reject_disconnection_request(self, request_id: str, *args: Any, **kwargs: Any) -> Any:
        await self._disconnection(request_id)
        return await self._inner.reject_disconnection_request(request_id, *args, **kwargs)

    async def edit_disconnection_request(self, request_id: str, *args: Any, **kwargs: Any) -> Any:
        await self._disconnection(request_id)
        return await self._inner.edit_disconnection_request(request_id, *args, **kwargs)

    # -- member snapshots ------------------------------------------------------------
    async def list_member_snapshots(self, **kwargs: Any) -> Any:
        ids = await self._scope.narrow(kwargs.pop("group_id", None))
        if not ids:
            raise _not_found("Group", "(none in scope)")
        return await self._inner.list_member_snapshots(group_id=",".join(ids), **kwargs)

    async def member_snapshots_by_ids(self, ids: Iterable[str]) -> list[Any]:
        return await self._only_allowed(await self._inner.member_snapshots_by_ids(ids))

    async def get_member_snapshot(self, snapshot_id: str) -> Any:
        await self._snapshot(snapshot_id)
        return await self._inner.get_member_snapshot(snapshot_id)

    async def create_member_snapshot(self, group_id: str, body: dict[str, Any]) -> Any:
        await self._group(group_id)
        return await self._inner.create_member_snapshot(group_id, body)

    async def test_member_snapshot(self, group_id: str, body: dict[str, Any]) -> Any:
        await self._group(group_id)
        return await self._inner.test_member_snapshot(group_id, body)


def scope_context(context: Any, principal: Principal) -> None:
    """Put ``principal`` on the context and, when it is scoped, the scoped loaders and client."""
    context.principal = principal
    if not principal.is_scoped:
        return
    scope = PartnerScope(principal, context.loaders)
    context.loaders = ScopedLoaders(context.loaders, scope)
    context.noyo = ScopedNoyo(context.noyo, scope)


__all__ = ["PartnerScope", "ScopedLoaders", "ScopedNoyo", "scope_context"]
