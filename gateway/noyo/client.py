"""``NoyoClient``: typed calls to Noyo's Fulfillment and Carrier APIs.

One method per endpoint (groups, carriers, connections, employees and their members,
disconnection requests, member snapshots), each a ``NoyoCalls`` call: the pipeline's token,
retry, deadline and logging rules apply to all of them (see ``calls``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from .calls import REQUEST_ID_HEADER, USER_AGENT, NoyoCalls, request_id
from .ids import is_noyo_id
from .models import (
    Carrier,
    Dependent,
    DisconnectionRequest,
    Employee,
    Group,
    GroupConnection,
    IndividualEnrollment,
    MemberSnapshot,
    Page,
    TestMemberSnapshot,
)
from .pagination import MAX_PAGE_SIZE, chunked, in_order, page_params, unique

DISCONNECTIONS = "/group_disconnection_requests"


def _csv(values: str | Iterable[str] | None) -> str | None:
    if values is None:
        return None
    if isinstance(values, str):
        return values
    return ",".join(values) or None


__all__ = ["REQUEST_ID_HEADER", "USER_AGENT", "NoyoClient", "request_id"]


class NoyoClient(NoyoCalls):
    """Noyo's REST API as typed async methods."""

    # -- groups and carriers --------------------------------------------------------

    async def list_groups(
        self,
        *,
        company: str | None = None,
        group_ids: Sequence[str] | None = None,
        carrier_id: str | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[Group]:
        params = {
            "company": company,
            "group_ids": _csv(group_ids),
            "carrier_id": carrier_id,
            **page_params(offset, page_size),
        }
        return await self._get(Page[Group], "/groups", params)

    async def get_group(self, group_id: str) -> Group:
        return await self._get(Group, "/groups/{group_id}", group_id=group_id)

    async def groups_by_ids(self, ids: Iterable[str]) -> list[Group]:
        """Groups for ``ids`` in that order (unknown ids absent); 100 ids per upstream call."""
        return await self._by_ids(Group, "/groups", "group_ids", ids)

    async def list_carriers(self, *, ids: Sequence[str] | None = None) -> list[Carrier]:
        """Carriers (Noyo returns a bare array, not a page)."""
        return await self._get(list[Carrier], "/carriers", {"ids": _csv(ids)})

    async def get_carrier(self, carrier_id: str) -> Carrier:
        return await self._get(Carrier, "/carriers/{carrier_id}", carrier_id=carrier_id)

    async def carriers_by_ids(self, ids: Iterable[str]) -> list[Carrier]:
        """Carriers for ``ids`` in that order (unknown ids absent); 100 ids per upstream call."""
        wanted = [i for i in unique(ids) if is_noyo_id(i)]
        lists = await asyncio.gather(*(self.list_carriers(ids=chunk) for chunk in chunked(wanted, MAX_PAGE_SIZE)))
        return in_order(wanted, (c for found in lists for c in found))

    # -- group connections ----------------------------------------------------------

    async def list_group_connections(
        self, group_id: str, *, status: str | Sequence[str] | None = None, offset: int = 0, page_size: int = 100
    ) -> Page[GroupConnection]:
        params = {"status": _csv(status), **page_params(offset, page_size)}
        return await self._get(Page[GroupConnection], "/groups/{group_id}/group_connections", params, group_id=group_id)

    async def list_connections(
        self,
        *,
        ids: Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        carrier_id: str | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[GroupConnection]:
        params = {"id": _csv(ids), "status": _csv(status), "carrier_id": carrier_id, **page_params(offset, page_size)}
        return await self._get(Page[GroupConnection], "/group_connections", params)

    async def get_connection(self, connection_id: str) -> GroupConnection:
        return await self._get(GroupConnection, "/group_connections/{connection_id}", connection_id=connection_id)

    async def connections_by_ids(self, ids: Iterable[str]) -> list[GroupConnection]:
        return await self._by_ids(GroupConnection, "/group_connections", "id", ids)

    # -- employees --------------------------------------------------------------------

    async def get_employee(self, employee_id: str) -> Employee:
        return await self._get(Employee, "/employees/{employee_id}", employee_id=employee_id)

    async def list_group_employees(
        self, group_id: str, *, name: str | None = None, offset: int = 0, page_size: int = 20
    ) -> Page[Employee]:
        """The group's employees, optionally only those matching ``name`` (Noyo's ``name`` filter;
        personal data: like every query string, never logged)."""
        params = {"name": name, **page_params(offset, page_size)}
        return await self._get(Page[Employee], "/groups/{group_id}/employees", params, group_id=group_id)

    async def list_employee_dependents(
        self, employee_id: str, *, offset: int = 0, page_size: int = 100
    ) -> Page[Dependent]:
        return await self._get(
            Page[Dependent],
            "/employees/{employee_id}/dependents",
            page_params(offset, page_size),
            employee_id=employee_id,
        )

    async def get_dependent(self, dependent_id: str) -> Dependent:
        return await self._get(Dependent, "/dependents/{dependent_id}", dependent_id=dependent_id)

    async def list_employee_enrollments(
        self, employee_id: str, *, include_dependents: bool = True, offset: int = 0, page_size: int = 100
    ) -> Page[IndividualEnrollment]:
        params = {"include_dependents": "true" if include_dependents else "false", **page_params(offset, page_size)}
        return await self._get(
            Page[IndividualEnrollment],
            "/employees/{employee_id}/individual_enrollments",
            params,
            employee_id=employee_id,
        )

    async def get_employee_member_snapshot(self, employee_id: str) -> dict[str, Any]:
        """The employee's current InboundMemberSnapshot, as Noyo's JSON."""
        return await self._get(dict[str, Any], "/employees/{employee_id}/member_snapshot", employee_id=employee_id)

    # -- group disconnection requests -----------------------------------------------------

    async def list_disconnection_requests(
        self,
        *,
        ids: Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        carrier_ids: Sequence[str] | None = None,
        group_id: str | None = None,
        min_effective_end_date: Any = None,
        max_effective_end_date: Any = None,
        search: str | None = None,
        source_type: str | Sequence[str] | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[DisconnectionRequest]:
        params = {
            "id": _csv(ids),
            "status": _csv(status),
            "carrier_id": _csv(carrier_ids),
            "group_id": group_id,
            "min_effective_end_date": _date(min_effective_end_date),
            "max_effective_end_date": _date(max_effective_end_date),
            "search": search,
            "source_type": _csv(source_type),
            **page_params(offset, page_size),
        }
        return await self._get(Page[DisconnectionRequest], DISCONNECTIONS, params)

    async def disconnection_requests_by_ids(self, ids: Iterable[str]) -> list[DisconnectionRequest]:
        return await self._by_ids(DisconnectionRequest, DISCONNECTIONS, "id", ids)

    async def list_group_disconnection_requests(
        self, group_id: str, *, offset: int = 0, page_size: int = 20
    ) -> Page[DisconnectionRequest]:
        return await self._get(
            Page[DisconnectionRequest],
            "/groups/{group_id}/group_disconnection_requests",
            page_params(offset, page_size),
            group_id=group_id,
        )

    async def get_disconnection_request(self, request_id: str) -> DisconnectionRequest:
        return await self._get(DisconnectionRequest, DISCONNECTIONS + "/{id}", id=request_id)

    async def create_group_connection(self, group_id: str, body: dict[str, Any]) -> GroupConnection:
        """``POST /groups/{group_id}/group_connections``: connect an existing group with a carrier."""
        return await self._send(
            "POST", GroupConnection, "/groups/{group_id}/group_connections", body, group_id=group_id
        )

    async def retry_group_connection(self, connection_id: str, body: dict[str, Any]) -> GroupConnection:
        """``PUT /group_connections/{id}/retry``: retry a failed connection, optionally with corrected data."""
        return await self._send("PUT", GroupConnection, "/group_connections/{id}/retry", body, id=connection_id)

    async def create_disconnection_request(self, body: dict[str, Any]) -> DisconnectionRequest:
        return await self._send("POST", DisconnectionRequest, DISCONNECTIONS, body)

    async def confirm_disconnection_request(
        self, request_id: str, body: dict[str, Any] | None = None
    ) -> DisconnectionRequest:
        return await self._send(
            "PUT", DisconnectionRequest, DISCONNECTIONS + "/{id}/confirm", body or {}, id=request_id
        )

    async def reject_disconnection_request(
        self, request_id: str, body: dict[str, Any] | None = None
    ) -> DisconnectionRequest:
        return await self._send("PUT", DisconnectionRequest, DISCONNECTIONS + "/{id}/reject", body or {}, id=request_id)

    async def edit_disconnection_request(
        self, request_id: str, version: str, body: dict[str, Any]
    ) -> DisconnectionRequest:
        return await self._send(
            "PUT", DisconnectionRequest, DISCONNECTIONS + "/{id}/{version}", body, id=request_id, version=version
        )

    # -- member snapshots ------------------------------------------------------------

    async def list_member_snapshots(
        self,
        *,
        ids: Sequence[str] | None = None,
        group_id: str | None = None,
        employee_id: str | None = None,
        status: str | Sequence[str] | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[MemberSnapshot]:
        params = {
            "id": _csv(ids),
            "group_id": group_id,
            "employee_id": employee_id,
            "status": _csv(status),
            **page_params(offset, page_size),
        }
        return await self._get(Page[MemberSnapshot], "/member_snapshots", params)

    async def member_snapshots_by_ids(self, ids: Iterable[str]) -> list[MemberSnapshot]:
        return await self._by_ids(MemberSnapshot, "/member_snapshots", "id", ids)

    async def get_member_snapshot(self, snapshot_id: str) -> MemberSnapshot:
        return await self._get(MemberSnapshot, "/member_snapshots/{snapshot_id}", snapshot_id=snapshot_id)

    async def create_member_snapshot(self, group_id: str, body: dict[str, Any]) -> MemberSnapshot:
        return await self._send("POST", MemberSnapshot, "/groups/{group_id}/member_snapshots", body, group_id=group_id)

    async def test_member_snapshot(self, group_id: str, body: dict[str, Any]) -> TestMemberSnapshot:
        """The dry run: what ``create_member_snapshot`` would do, nothing stored."""
        return await self._send(
            "POST", TestMemberSnapshot, "/groups/{group_id}/member_snapshots/test", body, group_id=group_id
        )


def _date(value: Any) -> str | None:
    return None if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))


__all__ = ["REQUEST_ID_HEADER", "USER_AGENT", "NoyoClient", "request_id"]
