"""Member snapshot subscriptions: status and per-carrier fulfillment as Noyo moves them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.noyo import models

from ..ids import filter_id
from ..live import LiveChanges, record
from .types import MemberSnapshot

KIND = "member_snapshot"


async def _in_group(context: Any, snapshot: models.MemberSnapshot, group_id: str, hint: str | None) -> bool:
    if hint is not None:
        return hint == group_id
    employee = await context.loaders.employee_by_id.load(snapshot.employee_id)
    return employee is not None and employee.group_id == group_id


@strawberry.type
class SnapshotSubscriptions:
    @strawberry.subscription(
        description="Pushes a member snapshot, as the `memberSnapshot` query returns it, each time Noyo changes "
        "its status or a carrier's fulfillment of it. Every argument narrows the stream; only snapshots of "
        "employees of groups in your scope."
    )
    async def member_snapshot_changed(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this snapshot (its id or Noyo id)."),
        ] = None,
        employee_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only snapshots of this employee (its id or Noyo id)."),
        ] = None,
        group_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only snapshots of employees of this group (its id or Noyo id)."),
        ] = None,
    ) -> AsyncGenerator[MemberSnapshot, None]:
        wanted = filter_id(id, "id", "MemberSnapshot")
        employee = filter_id(employee_id, "employeeId", "Employee")
        group = filter_id(group_id, "groupId", "Group")
        live = LiveChanges(info.context, "memberSnapshotChanged", [KIND])
        async for change in live:
            if wanted is not None and change.id != wanted:
                continue
            snapshot = await record(info.context, change)
            if snapshot is None:
                continue
            if employee is not None and snapshot.employee_id != employee:
                continue
            if group is not None and not await _in_group(info.context, snapshot, group, change.group_id):
                continue
            yield live.pushed(MemberSnapshot.from_model(snapshot))


__all__ = ["SnapshotSubscriptions"]
