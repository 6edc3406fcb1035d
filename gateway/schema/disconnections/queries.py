"""Disconnection request queries, including the review queue (``needs_review`` requests)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from ..ids import lookup_id
from ..pagination import Page, build_page, window
from .inputs import DisconnectionRequestFilter
from .types import DisconnectionRequest


async def _page(info: Info, params: dict, first: int | None, after: str | None) -> Page[DisconnectionRequest]:
    win = window(first, after)
    items, total = await info.context.loaders.disconnection_requests_page(params, win.offset, win.limit)
    return build_page([DisconnectionRequest.from_model(r) for r in items], total, win)


@strawberry.type
class DisconnectionQueries:
    @strawberry.field(description="A disconnection request by id; null when it does not exist.")
    async def disconnection_request(self, info: Info, id: strawberry.ID) -> DisconnectionRequest | None:
        request_id = lookup_id(id)
        if request_id is None:
            return None
        return DisconnectionRequest.maybe(await info.context.loaders.disconnection_request_by_id.load(request_id))

    @strawberry.field(description="Disconnection requests matching ``filter``, in Noyo's order.")
    async def disconnection_requests(
        self,
        info: Info,
        filter: DisconnectionRequestFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Page[DisconnectionRequest]:
        params = (filter or DisconnectionRequestFilter()).to_params()
        return await _page(info, params, first, after)

    @strawberry.field(description="Requests Noyo created from carrier signals, awaiting confirm or reject.")
    async def review_queue(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Page[DisconnectionRequest]:
        return await _page(info, {"status": "needs_review"}, first, after)
