"""Carrier queries."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..ids import lookup_id
from .types import Carrier


@strawberry.type
class CarrierQueries:
    @strawberry.field(description="A carrier by id (Noyo or global); null when it does not exist.")
    async def carrier(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A Noyo or global id.")]
    ) -> Carrier | None:
        record_id = lookup_id(id, "Carrier")
        if record_id is None:
            return None
        return Carrier.maybe(await info.context.loaders.carrier_by_id.load(record_id))

    @strawberry.field(description="Every carrier available to the platform.")
    async def carriers(self, info: Info) -> list[Carrier]:
        return [Carrier.from_model(c) for c in await info.context.loaders.carriers_all()]
