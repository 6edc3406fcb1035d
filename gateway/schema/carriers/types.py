"""GraphQL view of a Noyo carrier."""

from __future__ import annotations

import strawberry

from gateway.noyo import models

from ..scalars import to_enums
from .enums import CarrierLineOfCoverage


@strawberry.type(description="An insurance carrier Noyo exchanges data with.")
class Carrier:
    id: strawberry.ID
    display_name: str
    internal_name: str | None
    lines_of_coverage: list[CarrierLineOfCoverage]
    state: str | None = strawberry.field(description="Two-letter state (or US) the carrier operates in.")
    status: str | None
    is_send: bool | None = strawberry.field(description="Whether Noyo sends enrollment changes to this carrier.")

    @classmethod
    def from_model(cls, carrier: models.Carrier) -> Carrier:
        return cls(
            id=strawberry.ID(carrier.id),
            display_name=carrier.display_name,
            internal_name=carrier.internal_name,
            lines_of_coverage=to_enums(CarrierLineOfCoverage, carrier.lines_of_coverage),
            state=carrier.state,
            status=carrier.status,
            is_send=carrier.is_send,
        )

    @classmethod
    def maybe(cls, carrier: models.Carrier | None) -> Carrier | None:
        return None if carrier is None else cls.from_model(carrier)
