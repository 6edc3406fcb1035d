"""GraphQL view of a Noyo group disconnection request."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from gateway.noyo import models

from ..carriers.types import Carrier
from ..scalars import from_epoch, to_enum
from ..selection import selected_names
from .enums import DisconnectionSourceType, DisconnectionStatus

if TYPE_CHECKING:
    from ..groups.types import Group

LazyGroup = Annotated["Group", strawberry.lazy("gateway.schema.groups.types")]


@strawberry.type(description="A request to stop exchanging a group's data with one carrier.")
class DisconnectionRequest:
    id: strawberry.ID
    version: str
    status: DisconnectionStatus
    source_type: DisconnectionSourceType
    source_id: strawberry.ID | None
    source_date: dt.date | None
    effective_end_date: dt.date | None = strawberry.field(
        description="Last day coverage is managed through Noyo."
    )
    group_id: strawberry.ID | None = strawberry.field(description="Missing once the group is disconnected.")
    group_name: str | None
    carrier_id: strawberry.ID
    organization_id: strawberry.ID | None
    created: dt.datetime
    modified: dt.datetime
    decided: dt.datetime | None
    completed: dt.datetime | None

    @classmethod
    def from_model(cls, r: models.DisconnectionRequest) -> DisconnectionRequest:
        return cls(
            id=strawberry.ID(r.id),
            version=r.version,
            status=to_enum(DisconnectionStatus, r.status),
            source_type=to_enum(DisconnectionSourceType, r.source_type),
            source_id=r.source_id,
            source_date=r.source_date,
            effective_end_date=r.effective_end_date,
            group_id=r.group_id,
            group_name=r.group_name,
            carrier_id=strawberry.ID(r.carrier_id),
            organization_id=r.organization_id,
            created=from_epoch(r.created),
            modified=from_epoch(r.modified),
            decided=from_epoch(r.decided),
            completed=from_epoch(r.completed),
        )

    @classmethod
    def maybe(cls, r: models.DisconnectionRequest | None) -> DisconnectionRequest | None:
        return None if r is None else cls.from_model(r)

    @strawberry.field(description="The group; null when Noyo no longer knows it.")
    async def group(self, info: Info) -> LazyGroup | None:
        from ..groups.types import INLINE_FIELDS, Group

        if not self.group_id:
            return None
        if self.group_name is not None and selected_names(info) <= INLINE_FIELDS:
            return Group.inline(str(self.group_id), self.group_name)  # Noyo sent the name inline
        return Group.maybe(await info.context.loaders.group_by_id.load(str(self.group_id)))

    @strawberry.field
    async def carrier(self, info: Info) -> Carrier | None:
        return Carrier.maybe(await info.context.loaders.carrier_by_id.load(str(self.carrier_id)))
