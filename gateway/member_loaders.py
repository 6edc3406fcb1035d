"""Per-request loaders of member data: employees, dependents, enrollments, current state.

Noyo has no batch filter for any of these, so each miss is one call per record (or per
employee), concurrently under the request's fan-out limit, behind the shared cache:

- ``employee_by_id``: ``GET /employees/{id}`` (also primed by ``Loaders.employees_page``: Noyo's
  employee list carries each employee's person and employment);
- ``dependent_by_id``: ``GET /dependents/{id}`` (primed by ``dependents_by_employee_id``);
- ``dependents_by_employee_id``: ``GET /employees/{id}/dependents``, every page;
- ``enrollments_by_employee_id``: ``GET /employees/{id}/individual_enrollments`` (dependents too);
- ``current_snapshot_by_employee_id``: ``GET /employees/{id}/member_snapshot``, the
  ``InboundMemberSnapshot`` Noyo computes from what it holds, kept as Noyo's JSON (``None`` when
  Noyo knows no such employee); ``Employee.coverages`` and ``Employee.currentSnapshot`` both
  read it, so asking for both costs one call.
"""

from __future__ import annotations

import asyncio
from typing import Any

from strawberry.dataloader import DataLoader

from gateway.cache.resources import CURRENT_SNAPSHOT_BY_EMPLOYEE
from gateway.noyo import NoyoNotFound, models

from .loader_source import Source, all_items, by_id_loader, gather_found, list_loader, under_fanout


def _employee_by_id(s: Source) -> DataLoader[str, models.Employee | None]:
    async def fetch(ids: list[str]) -> list[models.Employee]:
        return await gather_found(ids, under_fanout(s, s.noyo.get_employee))

    return by_id_loader(s, "employee", models.Employee, fetch)


def _dependent_by_id(s: Source) -> DataLoader[str, models.Dependent | None]:
    async def fetch(ids: list[str]) -> list[models.Dependent]:
        return await gather_found(ids, under_fanout(s, s.noyo.get_dependent))

    return by_id_loader(s, "dependent", models.Dependent, fetch)


def _dependents_by_employee_id(s: Source, prime: DataLoader[str, Any]) -> DataLoader[str, list[models.Dependent]]:
    async def fetch_all(employee_id: str) -> list[models.Dependent]:
        try:
            return await all_items(lambda o, n: s.noyo.list_employee_dependents(employee_id, offset=o, page_size=n))
        except NoyoNotFound:
            return []

    return list_loader(s, "dependents_by_employee", models.Dependent, fetch_all, "dependent", prime)


def _enrollments_by_employee_id(s: Source) -> DataLoader[str, list[models.IndividualEnrollment]]:
    async def fetch_all(employee_id: str) -> list[models.IndividualEnrollment]:
        try:
            return await all_items(lambda o, n: s.noyo.list_employee_enrollments(employee_id, offset=o, page_size=n))
        except NoyoNotFound:
            return []

    return list_loader(s, "enrollments_by_employee", models.IndividualEnrollment, fetch_all)


def _current_snapshot_by_employee_id(s: Source) -> DataLoader[str, dict[str, Any] | None]:
    async def fetch(ids: list[str]) -> dict[str, Any]:
        async def one(employee_id: str) -> dict[str, Any] | None:
            try:
                return await s.noyo.get_employee_member_snapshot(employee_id)
            except NoyoNotFound:
                return None

        return dict(zip(ids, await asyncio.gather(*(s.bounded(one(i)) for i in ids))))

    async def batch(ids: list[str]) -> list[dict[str, Any] | None]:
        values = await s.read_many(CURRENT_SNAPSHOT_BY_EMPLOYEE, ids, fetch)
        return [values.get(i) for i in ids]

    return DataLoader(load_fn=batch)


class MemberLoaders:
    """The member data loaders of one request (see the module docstring)."""

    def __init__(self, source: Source) -> None:
        self.employee_by_id = _employee_by_id(source)
        self.dependent_by_id = _dependent_by_id(source)
        self.dependents_by_employee_id = _dependents_by_employee_id(source, self.dependent_by_id)
        self.enrollments_by_employee_id = _enrollments_by_employee_id(source)
        self.current_snapshot_by_employee_id = _current_snapshot_by_employee_id(source)


__all__ = ["MemberLoaders"]
