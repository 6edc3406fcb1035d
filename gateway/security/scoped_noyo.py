"""``ScopedNoyo``: the Noyo client as a partner-scoped principal sees it (the write path uses it).

Every direct client call is checked: an out-of-scope target raises ``NoyoNotFound`` with Noyo's
own wording before any upstream call, so a mutation on another partner's record fails exactly
like one on a missing record. Anything not classified here is refused (fail closed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from .partner_scope import PartnerScope, not_found

logger = logging.getLogger("gateway.security.scoping")


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
            raise not_found("Group", group_id)

    async def _employee(self, employee_id: str) -> None:
        if not await self._scope.allows_employee(employee_id):
            raise not_found("Employee", employee_id)

    async def _in_scope(self, record: Any, kind: str, record_id: str) -> Any:
        """``record`` when it is in scope, else Noyo's 404 for ``kind`` ``record_id``."""
        if not await self._scope.allows_record(record):
            raise not_found(kind, record_id)
        return record

    async def _disconnection(self, request_id: str) -> None:
        record = await self._scope.loaders.disconnection_request_by_id.load(str(request_id))
        await self._in_scope(record, "GroupDisconnectionRequest", request_id)

    async def _snapshot(self, snapshot_id: str) -> None:
        record = await self._scope.loaders.member_snapshot_by_id.load(str(snapshot_id))
        await self._in_scope(record, "MemberSnapshot", snapshot_id)

    async def _only_allowed(self, records: Iterable[Any]) -> list[Any]:
        records = list(records)
        allowed = await asyncio.gather(*(self._scope.allows_record(r) for r in records))
        return [r for r, ok in zip(records, allowed) if ok]

    # -- groups and connections -------------------------------------------------------
    async def list_groups(self, **kwargs: Any) -> Any:
        ids = await self._scope.narrow(kwargs.pop("group_ids", None))
        if not ids:
            raise not_found("Group", "(none in scope)")
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
        return await self._in_scope(await self._inner.get_connection(connection_id), "GroupConnection", connection_id)

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
        return await self._in_scope(await self._inner.get_dependent(dependent_id), "Dependent", dependent_id)

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
            raise not_found("Group", "(none in scope)")
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
            raise not_found("Group", "(none in scope)")
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


__all__ = ["ScopedNoyo"]
