"""``PartnerScope``: what a partner-scoped principal may see, asked of the real (cached) loaders.

``allows_*`` answer by reading what they need (a group, for org scopes; an employee, for records
that name only one). ``decide_*`` answer the same question without a read, from what the request
already holds, or say ``None`` when they cannot: the scoped loaders use them to hand out records
read ahead from the cache synchronously (``gateway.security.scoped_loaders``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.noyo.errors import NoyoNotFound
from gateway.record_loader import UNKNOWN, held

from .principal import Principal

_PAGE = 100


def not_found(kind: str, record_id: Any) -> NoyoNotFound:
    """Noyo's own 404 for ``kind``: an out-of-scope target reads exactly like a missing one."""
    return NoyoNotFound(f"{kind} not found with UUID {record_id}", 404)


def _subject(record: Any) -> tuple[str, Any, Any]:
    """What a record's scope is decided by: ``("group", id, organization id)`` for a group or a
    record carrying ``group_id``, else ``("employee", employee_id, None)``."""
    if hasattr(record, "group_id"):
        return "group", record.group_id, getattr(record, "organization_id", None)
    if hasattr(record, "employee_id"):
        return "employee", record.employee_id, None
    return "group", record.id, getattr(record, "organization_id", None)


class PartnerScope:
    """Scope decisions for one request, answered from the real (unscoped, cached) loaders."""

    def __init__(self, principal: Principal, loaders: Any) -> None:
        self.principal = principal
        self.loaders = loaders
        self._org_groups: asyncio.Future[frozenset[str]] | None = None

    async def allows_group(self, group_id: Any, organization_id: Any = None) -> bool:
        decided = self.decide_group(group_id, organization_id)
        if decided is not None:
            return decided
        group = await self.loaders.group_by_id.load(str(group_id))
        return group is not None and self.principal.allows_group(group.id, group.organization_id)

    async def allows_employee(self, employee_id: Any) -> bool:
        decided = self.decide_employee(employee_id)
        if decided is not None:
            return decided
        employee = await self.loaders.employee_by_id.load(str(employee_id))
        return employee is not None and await self.allows_group(employee.group_id)

    async def allows_record(self, record: Any) -> bool:
        """Any record: a group, or something carrying ``group_id`` or ``employee_id``."""
        if record is None:
            return False
        kind, record_id, organization_id = _subject(record)
        if kind == "employee":
            return await self.allows_employee(record_id)
        return await self.allows_group(record_id, organization_id)

    # -- decided now, from what the request already holds (``None``: not without a read) ------
    def decide_group(self, group_id: Any, organization_id: Any = None) -> bool | None:
        """``allows_group`` when it needs no read: the principal's ids alone, or (org scopes)
        the group as this request holds it; ``None`` when the group would have to be loaded."""
        if group_id is None:
            return False
        if self.principal.allows_group(group_id, organization_id):
            return True
        if self.principal.org_ids is None:
            return False
        group = held(self.loaders.group_by_id, str(group_id))
        if group is UNKNOWN:
            return None
        return group is not None and self.principal.allows_group(group.id, group.organization_id)

    def decide_employee(self, employee_id: Any) -> bool | None:
        """``allows_employee`` when the employee is held by this request, else ``None``."""
        if employee_id is None:
            return False
        employee = held(self.loaders.employee_by_id, str(employee_id))
        if employee is UNKNOWN:
            return None
        return employee is not None and self.decide_group(employee.group_id)

    def decide_record(self, record: Any) -> bool | None:
        """``allows_record`` when it needs no read, else ``None``."""
        if record is None:
            return False
        kind, record_id, organization_id = _subject(record)
        if kind == "employee":
            return self.decide_employee(record_id)
        return self.decide_group(record_id, organization_id)

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


__all__ = ["PartnerScope", "not_found"]
