"""Member snapshot subscriptions: status and per-carrier fulfillment as Noyo moves them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.noyo import models

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
        id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this snapshot.")] = None,
        employee_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only snapshots of this employee.")
        ] = None,
        group_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only snapshots of employees of this group.")
        ] = None,
    ) -> AsyncGenerator[MemberSnapshot, None]:
        live = LiveChanges(info.context, "memberSnapshotChanged", [KIND])
        async for change in live:
            if id is not None and change.id != str(id):
                continue
            snapshot = await record(info.context, change)
            if snapshot is None:
                continue
            if employee_id is not None and snapshot.employee_id != str(employee_id):
                continue
            if group_id is not None and not await _in_group(info.context, snapshot, str(group_id), change.group_id):
                continue
            yield live.pushed(MemberSnapshot.from_model(snapshot))


__all__ = ["SnapshotSubscriptions"]
