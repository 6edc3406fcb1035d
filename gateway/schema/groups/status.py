"""``Group.status``: one summary per carrier the group has a connection with.

Per carrier, the latest non-rejected disconnection request (by ``created``) wins:
``completed`` -> DISCONNECTED, ``processing`` -> DISCONNECTING (with its
``effectiveEndDate``), ``needs_review`` -> NEEDS_REVIEW. Without one, the
connection decides: ``completed`` -> CONNECTED, anything else -> CONNECTING.
A rejected request leaves the group connected, so it never decides the state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import strawberry
from strawberry.types import Info

from gateway.noyo import models
from gateway.record_loader import MaybeAwaitable

from ..carriers.types import Carrier, carrier_of
from ..disconnections.types import DisconnectionRequest
from .connection_types import GroupCarrierConnection
from .enums import GroupCarrierState

_BY_REQUEST_STATUS = {
    "completed": GroupCarrierState.DISCONNECTED,
    "processing": GroupCarrierState.DISCONNECTING,
    "needs_review": GroupCarrierState.NEEDS_REVIEW,
}


@strawberry.type(description="A group's standing with one carrier.")
class GroupCarrierStatus:
    state: GroupCarrierState = strawberry.field(description="The group's standing with the carrier.")
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    # the records behind it, turned into GraphQL types only when selected
    connection_record: strawberry.Private[models.GroupConnection]
    request_record: strawberry.Private[models.DisconnectionRequest | None]

    @strawberry.field(description="The latest connection with the carrier.")
    def connection(self) -> GroupCarrierConnection:
        return GroupCarrierConnection.from_model(self.connection_record)

    @strawberry.field(description="The request deciding the state (NEEDS_REVIEW, DISCONNECTING, DISCONNECTED).")
    def disconnection_request(self) -> DisconnectionRequest | None:
        return DisconnectionRequest.maybe(self.request_record)

    @strawberry.field(description="When the disconnection takes (or took) effect.")
    def effective_end_date(self) -> dt.date | None:
        return self.request_record.effective_end_date if self.request_record else None

    @strawberry.field(description="The carrier.", graphql_type=Carrier | None)
    def carrier(self, info: Info) -> MaybeAwaitable[Carrier | None]:
        return carrier_of(info, self.carrier_id)


def _deciding_request(
    carrier_id: str, requests: Sequence[models.DisconnectionRequest]
) -> models.DisconnectionRequest | None:
    candidates = [r for r in requests if r.carrier_id == carrier_id and r.status in _BY_REQUEST_STATUS]
    return max(candidates, key=lambda r: (r.created, r.modified), default=None)


def carrier_statuses(
    connections: Sequence[models.GroupConnection], requests: Sequence[models.DisconnectionRequest]
) -> list[GroupCarrierStatus]:
    """The per-carrier summary of a group (one entry per carrier, latest connection kept)."""
    latest: dict[str, models.GroupConnection] = {}
    for conn in connections:
        kept = latest.get(conn.carrier_id)
        if kept is None or (conn.created, conn.modified) > (kept.created, kept.modified):
            latest[conn.carrier_id] = conn
    statuses = []
    for carrier_id, conn in latest.items():
        request = _deciding_request(carrier_id, requests)
        if request is not None:
            state = _BY_REQUEST_STATUS[request.status]
        elif conn.status == "completed":
            state = GroupCarrierState.CONNECTED
        else:
            state = GroupCarrierState.CONNECTING
        statuses.append(
            GroupCarrierStatus(
                state=state,
                carrier_id=strawberry.ID(carrier_id),
                connection_record=conn,
                request_record=request,
            )
        )
    return statuses
