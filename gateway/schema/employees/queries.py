"""Employee queries: ``employee(id)`` and the page behind ``Group.employees``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.security.phi import can_see_phi

from ..errors import GatewayError, bad_input
from ..ids import lookup_id
from ..pagination import Connection, PageArgs, paginate
from .types import Employee

MAX_SEARCH_LENGTH = 100

SEARCH_DESCRIPTION = (
    "Only employees whose name matches this text, as Noyo's `name` filter of "
    "`GET /groups/{group_id}/employees` matches it (Noyo searches; the gateway pages through "
    "what Noyo returns). A name is personal data: it needs the `phi` scope (FORBIDDEN without "
    f"it), is never logged, and is at most {MAX_SEARCH_LENGTH} characters. Blank: no filter."
)


def search_term(info: Info, search: str | None) -> str | None:
    """The name to send to Noyo, or None; refuses a search without the ``phi`` scope (a name
    search would tell a caller who may not see names whether a name is there). Never echoes it."""
    text = (search or "").strip()
    if not text:
        return None
    if not can_see_phi(info):
        raise GatewayError("Searching employees by name needs the `phi` scope.", "FORBIDDEN", argument="search")
    if len(text) > MAX_SEARCH_LENGTH:
        raise bad_input(f"`search` must not exceed {MAX_SEARCH_LENGTH} characters.", argument="search")
    return text


async def group_employees(info: Info, group_id: str, search: str | None, args: PageArgs) -> Connection[Employee]:
    """One page of the group's employees (Noyo's list order), persons included in the same call."""
    params = {"group_id": group_id, "name": search_term(info, search)}

    async def fetch(offset: int, limit: int) -> tuple[list, int]:
        return await info.context.loaders.employees_page(params, offset, limit)

    return await paginate(fetch, args, Employee.from_model)


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


__all__ = ["SEARCH_DESCRIPTION", "EmployeeQueries", "group_employees"]
