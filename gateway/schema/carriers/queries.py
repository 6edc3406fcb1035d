"""Carrier queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from ..ids import lookup_id
from .types import Carrier


@strawberry.type
class CarrierQueries:
    @strawberry.field(description="A carrier by id; null when it does not exist.")
    async def carrier(self, info: Info, id: strawberry.ID) -> Carrier | None:
        carrier_id = lookup_id(id)
        if carrier_id is None:
            return None
        return Carrier.maybe(await info.context.loaders.carrier_by_id.load(carrier_id))

    @strawberry.field(description="Every carrier available to the platform.")
    async def carriers(self, info: Info) -> list[Carrier]:
        return [Carrier.from_model(c) for c in await info.context.loaders.carriers_all()]
