"""Disconnection request queries, including the review queue (``needs_review`` requests)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from ..ids import filter_id, lookup_id
from ..pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, PageArgs, paginate
from ..planning import start_independent_reads, warm
from .enums import DisconnectionSourceType
from .inputs import DisconnectionRequestFilterInput
from .types import DisconnectionRequest, referenced


async def disconnection_page(info: Info, params: dict[str, Any], args: PageArgs) -> Connection[DisconnectionRequest]:
    """One page of Noyo's disconnection request list under ``params``."""
    start_independent_reads(info)

    async def fetch(offset: int, limit: int) -> tuple[list, int]:
        return await info.context.loaders.disconnection_requests_page(params, offset, limit)

    page = await paginate(fetch, args, DisconnectionRequest.from_model)
    await warm(info, referenced(info, [edge.node for edge in page.edges]))
    return page


@strawberry.type
class DisconnectionQueries:
    @strawberry.field(description="A disconnection request by id (Noyo or global); null when it does not exist.")
    async def disconnection_request(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A Noyo or global id.")]
    ) -> DisconnectionRequest | None:
        request_id = lookup_id(id, "DisconnectionRequest")
        if request_id is None:
            return None
        start_independent_reads(info)
        return DisconnectionRequest.maybe(await info.context.loaders.disconnection_request_by_id.load(request_id))

    @strawberry.field(description="Disconnection requests matching `filter`, oldest first as Noyo lists them.")
    async def disconnection_requests(
        self,
        info: Info,
        filter: Annotated[
            DisconnectionRequestFilterInput | None, strawberry.argument(description="What to narrow the list to.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[DisconnectionRequest]:
        params = (filter or DisconnectionRequestFilterInput()).to_params()
        return await disconnection_page(info, params, PageArgs(first, after, last, before))

    @strawberry.field(
        description="Requests awaiting the platform's decision (NEEDS_REVIEW: Noyo created them from "
        "carrier signals), optionally for one group, carrier or origin."
    )
    async def review_queue(
        self,
        info: Info,
        group_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this group's requests.")
        ] = None,
        carrier_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only requests with this carrier.")
        ] = None,
        source_type: Annotated[
            DisconnectionSourceType | None, strawberry.argument(description="Only requests with this origin.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[DisconnectionRequest]:
        carrier = filter_id(carrier_id, "carrierId", "Carrier")
        params = {
            "status": "needs_review",
            "group_id": filter_id(group_id, "groupId", "Group"),
            "carrier_ids": [carrier] if carrier else None,
            "source_type": source_type.value if source_type else None,
        }
        return await disconnection_page(
            info, {k: v for k, v in params.items() if v}, PageArgs(first, after, last, before)
        )
