"""Employee queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from .types import Employee


@strawberry.type
class EmployeeQueries:
    @strawberry.field(description="An employee by id; null when it does not exist.")
    async def employee(self, info: Info, id: strawberry.ID) -> Employee | None:
        return Employee.maybe(await info.context.loaders.employee_by_id.load(str(id)))
