"""Employee queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from ..ids import lookup_id
from .types import Employee


@strawberry.type
class EmployeeQueries:
    @strawberry.field(description="An employee by id; null when it does not exist.")
    async def employee(self, info: Info, id: strawberry.ID) -> Employee | None:
        employee_id = lookup_id(id)
        if employee_id is None:
            return None
        return Employee.maybe(await info.context.loaders.employee_by_id.load(employee_id))
