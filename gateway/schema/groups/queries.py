"""Group queries."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..ids import filter_id, lookup_id
from ..pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, PageArgs, paginate
from ..planning import start_independent_reads
from ..selection import selected_names
from .types import Group


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

        return await paginate(fetch, PageArgs(first, after, last, before), Group.from_model)
