"""Group queries."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..ids import filter_id, lookup_id
from ..pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, PageArgs, paginate
from ..planning import start_independent_reads, warm
from ..selection import fields_below, selected_names
from .types import Group, lists_read


def _prefetch(future: asyncio.Future) -> None:
    """Let a load run ahead; whoever awaits it later sees its outcome (unawaited: ignored)."""
    future.add_done_callback(lambda f: f.cancelled() or f.exception())


@strawberry.type
class GroupQueries:
    @strawberry.field(description="A group by id (Noyo or global); null when it does not exist.")
    async def group(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A Noyo or global id.")]
    ) -> Group | None:
        group_id = lookup_id(id, "Group")
        if group_id is None:
            return None
        loaders = info.context.loaders
        start_independent_reads(info)
        lists = [getattr(loaders, name) for name in lists_read(selected_names(info))]
        await loaders.warm({loader: [group_id] for loader in [loaders.group_by_id, *lists]})
        # the group's lists need only its id: what is not cached starts with the group itself
        for loader in lists:
            listed = loader.get(group_id)
            if asyncio.isfuture(listed):
                _prefetch(listed)
        group = loaders.group_by_id.get(group_id)
        found = Group.maybe(await group if asyncio.isfuture(group) else group)
        await warm(info, {})  # the carriers of its lists
        return found

    @strawberry.field(description="Groups, optionally by company name and/or connected carrier.")
    async def groups(
        self,
        info: Info,
        search: Annotated[str | None, strawberry.argument(description="Part of the company name.")] = None,
        carrier_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only groups connected with this carrier.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Group]:
        params = {"company": search or None, "carrier_id": filter_id(carrier_id, "carrierId", "Carrier")}
        start_independent_reads(info)

        async def fetch(offset: int, limit: int) -> tuple[list, int]:
            return await info.context.loaders.groups_page(params, offset, limit)

        page = await paginate(fetch, PageArgs(first, after, last, before), Group.from_model)
        lists = lists_read(fields_below(info).get("Group", frozenset()))
        await warm(info, {name: [str(edge.node.id) for edge in page.edges] for name in lists})
        return page
