"""Group subscriptions: a group pushed whenever something deciding its ``status`` changes."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.events import Change

from ..ids import filter_id
from ..live import LiveChanges, record
from .types import Group

# A group's per-carrier status is decided by its connections and disconnection requests.
KINDS = ("disconnection_request", "group_connection", "group")


async def changed_group_id(context: Any, change: Change) -> str | None:
    """The id of the group a change concerns, read from the record the subscriber may see."""
    if change.kind == "group":
        return change.id
    changed = await record(context, change)
    group_id = getattr(changed, "group_id", None) if changed is not None else None
    return str(group_id) if group_id else None


@strawberry.type
class GroupSubscriptions:
    @strawberry.subscription(
        description="Pushes a group, as the `group` query returns it, each time a disconnection request or a "
        "carrier connection of the group changes (so its `status` may have), and when Noyo creates it. "
        "Only groups in your scope."
    )
    async def group_status_changed(
        self,
        info: Info,
        group_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this group (its id or Noyo id); every group in your scope when omitted."
            ),
        ] = None,
    ) -> AsyncGenerator[Group, None]:
        wanted = filter_id(group_id, "groupId", "Group")
        live = LiveChanges(info.context, "groupStatusChanged", KINDS)
        async for change in live:
            if wanted is not None and change.group_id is not None and change.group_id != wanted:
                continue  # cheap pre-filter; the record decides below
            changed = await changed_group_id(info.context, change)
            if changed is None or (wanted is not None and changed != wanted):
                continue
            group = await info.context.loaders.group_by_id.load(changed)
            if group is not None:
                yield live.pushed(Group.from_model(group))


__all__ = ["GroupSubscriptions", "changed_group_id"]
