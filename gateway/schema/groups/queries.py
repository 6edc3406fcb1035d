"""Group queries."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from ..ids import filter_id, lookup_id
from ..pagination import Page, build_page, window
from ..selection import selected_names
from .types import Group


def _prefetch(future: asyncio.Future) -> None:
    """Let a load run ahead; whoever awaits it later sees its outcome (unawaited: ignored)."""
    future.add_done_callback(lambda f: f.cancelled() or f.exception())


@strawberry.type
class GroupQueries:
    @strawberry.field(description="A group by id; null when it does not exist.")
    async def group(self, info: Info, id: strawberry.ID) -> Group | None:
        group_id = lookup_id(id)
        if group_id is None:
            return None
        loaders = info.context.loaders
        wanted = selected_names(info)
        # the group's lists need only its id: start them with the group itself
        if wanted & {"connections", "status"}:
            _prefetch(loaders.connections_by_group_id.load(group_id))
        if wanted & {"disconnectionRequests", "status"}:
            _prefetch(loaders.disconnection_requests_by_group_id.load(group_id))
        return Group.maybe(await loaders.group_by_id.load(group_id))

    @strawberry.field(description="Groups, optionally by company name and/or connected carrier.")
    async def groups(
        self,
        info: Info,
        search: str | None = None,
        carrier_id: strawberry.ID | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Page[Group]:
        win = window(first, after)
        params = {"company": search or None, "carrier_id": filter_id(carrier_id, "carrierId")}
        items, total = await info.context.loaders.groups_page(params, win.offset, win.limit)
        return build_page([Group.from_model(g) for g in items], total, win)
