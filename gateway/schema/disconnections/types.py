"""GraphQL view of a Noyo group disconnection request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.record_loader import MaybeAwaitable, then

from ..carriers.types import Carrier, carrier_of
from ..node import by_loader, noyo_id_field
from ..scalars import from_epoch, optional_id, to_enum
from ..selection import fields_below, selected_names
from .enums import DisconnectionSourceType, DisconnectionStatus

if TYPE_CHECKING:
    from ..groups.types import Group

LazyGroup = Annotated["Group", strawberry.lazy("gateway.schema.groups.types")]
UNKNOWN_VALUE_NOTE = "; null when Noyo sends a value this gateway does not know yet"


@strawberry.type(description="A request to stop exchanging a group's data with one carrier.")
class DisconnectionRequest(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    version: str = strawberry.field(description="The record's current version, for `editDisconnectionRequest`.")
    status: DisconnectionStatus | None = strawberry.field(
        description="Where the request stands" + UNKNOWN_VALUE_NOTE + "."
    )
    source_type: DisconnectionSourceType | None = strawberry.field(
        description="What originated the request" + UNKNOWN_VALUE_NOTE + "."
    )
    source_id: strawberry.ID | None = strawberry.field(description="Noyo id of the record that originated it, if any.")
    source_date: dt.date | None = strawberry.field(description="When the originating signal happened.")
    effective_end_date: dt.date | None = strawberry.field(
        description="Last day coverage is managed through Noyo; null until someone sets it."
    )
    group_id: strawberry.ID | None = strawberry.field(
        description="Noyo id of the group; null once the group is disconnected and Noyo dropped the link."
    )
    group_name: str | None = strawberry.field(description="The group's name when the request was made.")
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    organization_id: strawberry.ID | None = strawberry.field(description="Noyo id of the platform's organization.")
    created: dt.datetime = strawberry.field(description="When Noyo created the request.")
    modified: dt.datetime = strawberry.field(description="When the request last changed.")
    decided: dt.datetime | None = strawberry.field(description="When it was confirmed or rejected.")
    completed: dt.datetime | None = strawberry.field(description="When the disconnection took effect.")

    resolve_nodes = by_loader("disconnection_request_by_id")

    @classmethod
    def from_model(cls, r: models.DisconnectionRequest) -> DisconnectionRequest:
        return cls(
            id=r.id,
            version=r.version,
            status=to_enum(DisconnectionStatus, r.status),
            source_type=to_enum(DisconnectionSourceType, r.source_type),
            source_id=optional_id(r.source_id),
            source_date=r.source_date,
            effective_end_date=r.effective_end_date,
            group_id=optional_id(r.group_id),
            group_name=r.group_name,
            carrier_id=strawberry.ID(r.carrier_id),
            organization_id=optional_id(r.organization_id),
            created=from_epoch(r.created),
            modified=from_epoch(r.modified),
            decided=from_epoch(r.decided),
            completed=from_epoch(r.completed),
        )

    @classmethod
    def maybe(cls, r: models.DisconnectionRequest | None) -> DisconnectionRequest | None:
        return None if r is None else cls.from_model(r)

    @strawberry.field(description="The group; null when Noyo no longer knows it.", graphql_type=LazyGroup | None)
    def group(self, info: Info) -> MaybeAwaitable[Group | None]:
        from ..groups.types import INLINE_FIELDS, Group

        if not self.group_id:
            return None
        if self.group_name is not None and selected_names(info) <= INLINE_FIELDS:
            return Group.inline(str(self.group_id), self.group_name)  # Noyo sent the name inline
        return then(info.context.loaders.group_by_id.get(str(self.group_id)), Group.maybe)

    @strawberry.field(description="The carrier the group disconnects from.", graphql_type=Carrier | None)
    def carrier(self, info: Info) -> MaybeAwaitable[Carrier | None]:
        return carrier_of(info, self.carrier_id)


def referenced(info: Info, requests: Sequence[DisconnectionRequest]) -> dict[str, list[str]]:
    """Per loader name, the records of ``requests`` that the selection below will read (for
    ``planning.warm``): carriers, groups unless Noyo's inline name answers for them, and the
    groups' lists their selected fields read (``needsAttention``, ``status``, ...)."""
    from ..groups.types import INLINE_FIELDS, lists_read

    below = fields_below(info)
    fields = below.get("DisconnectionRequest", frozenset())
    wanted: dict[str, list[str]] = {}
    if "carrier" in fields:
        wanted["carrier_by_id"] = [str(r.carrier_id) for r in requests]
    if "group" in fields:
        group_fields = below.get("Group", frozenset())
        inline = group_fields <= INLINE_FIELDS
        wanted["group_by_id"] = [
            str(r.group_id) for r in requests if r.group_id and not (inline and r.group_name is not None)
        ]
        for name in lists_read(group_fields):
            wanted[name] = [str(r.group_id) for r in requests if r.group_id]
    return wanted
