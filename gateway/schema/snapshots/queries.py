"""Member snapshot queries."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from ..errors import bad_input
from ..ids import filter_id, lookup_id
from ..pagination import Page, build_page, window
from .enums import MemberSnapshotStatus
from .types import MemberSnapshot


async def snapshot_page(
    info: Info, params: dict[str, Any], first: int | None, after: str | None
) -> Page[MemberSnapshot]:
    win = window(first, after)
    items, total = await info.context.loaders.member_snapshots_page(params, win.offset, win.limit)
    return build_page([MemberSnapshot.from_model(s) for s in items], total, win)


def snapshot_params(
    group_id: str | None, employee_id: str | None, status: MemberSnapshotStatus | None
) -> dict[str, Any]:
    if status is not None and status is MemberSnapshotStatus.UNKNOWN:
        raise bad_input("`status` cannot be UNKNOWN.", argument="status")
    return {
        "group_id": filter_id(group_id, "groupId"),
        "employee_id": filter_id(employee_id, "employeeId"),
        "status": status.value if status else None,
    }


@strawberry.type
class SnapshotQueries:
    @strawberry.field(description="A member snapshot by id; null when it does not exist.")
    async def member_snapshot(self, info: Info, id: strawberry.ID) -> MemberSnapshot | None:
        # the detail endpoint: one call that also carries warnings and replaced_by
        snapshot_id = lookup_id(id)
        if snapshot_id is None:
            return None
        return MemberSnapshot.maybe(await info.context.loaders.member_snapshot_detail_by_id.load(snapshot_id))

    @strawberry.field(description="Member snapshots, newest first as Noyo lists them.")
    async def member_snapshots(
        self,
        info: Info,
        group_id: strawberry.ID | None = None,
        employee_id: strawberry.ID | None = None,
        status: MemberSnapshotStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Page[MemberSnapshot]:
        return await snapshot_page(info, snapshot_params(group_id, employee_id, status), first, after)
