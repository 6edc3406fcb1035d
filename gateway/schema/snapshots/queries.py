"""Member snapshot queries."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from ..ids import filter_id, lookup_id
from ..pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, PageArgs, paginate
from ..planning import start_independent_reads, warm
from .enums import MemberSnapshotStatus
from .types import MemberSnapshot, referenced


async def snapshot_page(info: Info, params: dict[str, Any], args: PageArgs) -> Connection[MemberSnapshot]:
    """One page of Noyo's member snapshot list under ``params``."""

    start_independent_reads(info)

    async def fetch(offset: int, limit: int) -> tuple[list, int]:
        return await info.context.loaders.member_snapshots_page(params, offset, limit)

    page = await paginate(fetch, args, MemberSnapshot.from_model)
    await warm(info, referenced(info, [edge.node for edge in page.edges]))
    return page


def snapshot_params(
    group_id: str | None, employee_id: str | None, status: MemberSnapshotStatus | None
) -> dict[str, Any]:
    return {
        "group_id": filter_id(group_id, "groupId", "Group"),
        "employee_id": filter_id(employee_id, "employeeId", "Employee"),
        "status": status.value if status else None,
    }


@strawberry.type
class SnapshotQueries:
    @strawberry.field(description="A member snapshot by id (Noyo or global); null when it does not exist.")
    async def member_snapshot(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A Noyo or global id.")]
    ) -> MemberSnapshot | None:
        # the detail endpoint: one call that also carries warnings and replaced_by
        snapshot_id = lookup_id(id, "MemberSnapshot")
        if snapshot_id is None:
            return None
        return MemberSnapshot.maybe(await info.context.loaders.member_snapshot_detail_by_id.load(snapshot_id))

    @strawberry.field(description="Member snapshots, newest first as Noyo lists them.")
    async def member_snapshots(
        self,
        info: Info,
        group_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this group's.")] = None,
        employee_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this employee's.")] = None,
        status: Annotated[
            MemberSnapshotStatus | None, strawberry.argument(description="Only snapshots in this status.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[MemberSnapshot]:
        params = snapshot_params(group_id, employee_id, status)
        return await snapshot_page(info, params, PageArgs(first, after, last, before))
