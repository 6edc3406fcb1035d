"""GraphQL view of a group's connection with one carrier (Noyo's "group connection")."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.record_loader import MaybeAwaitable

from ..carriers.types import Carrier, carrier_of
from ..node import by_loader, noyo_id_field
from ..scalars import from_epoch, optional_id, to_enum, to_output_enum
from .enums import ConnectionStatus, GroupConnectionRequestType


@strawberry.type(description="A group's data connection with one carrier (Noyo's group connection request).")
class GroupCarrierConnection(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    status: ConnectionStatus = strawberry.field(description="Where the connection stands.")
    group_id: strawberry.ID | None = strawberry.field(description="Noyo id of the group, once Noyo linked one.")
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    carrier_group_id: str | None = strawberry.field(description="The group's id at the carrier.")
    request_type: GroupConnectionRequestType | None = strawberry.field(description="How the connection came about.")
    created: dt.datetime = strawberry.field(description="When the connection was requested.")
    modified: dt.datetime = strawberry.field(description="When it last changed.")
    completed: dt.datetime | None = strawberry.field(description="When it was completed (status COMPLETED).")

    resolve_nodes = by_loader("group_connection_by_id")

    @classmethod
    def from_model(cls, c: models.GroupConnection) -> GroupCarrierConnection:
        return cls(
            id=c.id,
            status=to_output_enum(ConnectionStatus, c.status),
            group_id=optional_id(c.group_id),
            carrier_id=strawberry.ID(c.carrier_id),
            carrier_group_id=c.group_data.carrier_group_id if c.group_data else None,
            request_type=to_enum(GroupConnectionRequestType, c.request_type) if c.request_type else None,
            created=from_epoch(c.created),
            modified=from_epoch(c.modified),
            completed=from_epoch(c.completed),
        )

    @classmethod
    def maybe(cls, c: models.GroupConnection | None) -> GroupCarrierConnection | None:
        return None if c is None else cls.from_model(c)

    @strawberry.field(description="The carrier.", graphql_type=Carrier | None)
    def carrier(self, info: Info) -> MaybeAwaitable[Carrier | None]:
        return carrier_of(info, self.carrier_id)
