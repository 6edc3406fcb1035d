"""Employee queries."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..ids import lookup_id
from .types import Employee


@strawberry.type
class EmployeeQueries:
    @strawberry.field(description="An employee by id (Noyo or global); null when it does not exist.")
    async def employee(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A Noyo or global id.")]
    ) -> Employee | None:
        record_id = lookup_id(id, "Employee")
        if record_id is None:
            return None
        return Employee.maybe(await info.context.loaders.employee_by_id.load(record_id))
