"""GraphQL view of a group's connection with one carrier (Noyo's "group connection")."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from gateway.noyo import models

from ..carriers.types import Carrier
from ..scalars import from_epoch, to_enum
from .enums import ConnectionStatus


@strawberry.type(description="A group's data connection with one carrier.")
class GroupCarrierConnection:
    id: strawberry.ID
    status: ConnectionStatus
    group_id: strawberry.ID | None
    carrier_id: strawberry.ID
    carrier_group_id: str | None = strawberry.field(description="The group's id at the carrier.")
    request_type: str | None
    created: dt.datetime
    modified: dt.datetime
    completed: dt.datetime | None

    @classmethod
    def from_model(cls, c: models.GroupConnection) -> GroupCarrierConnection:
        return cls(
            id=strawberry.ID(c.id),
            status=to_enum(ConnectionStatus, c.status),
            group_id=c.group_id,
            carrier_id=strawberry.ID(c.carrier_id),
            carrier_group_id=c.group_data.carrier_group_id if c.group_data else None,
            request_type=c.request_type,
            created=from_epoch(c.created),
            modified=from_epoch(c.modified),
            completed=from_epoch(c.completed),
        )

    @strawberry.field
    async def carrier(self, info: Info) -> Carrier | None:
        return Carrier.maybe(await info.context.loaders.carrier_by_id.load(str(self.carrier_id)))
