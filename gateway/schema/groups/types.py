"""GraphQL view of a Noyo group (an employer) and its per-carrier relations."""

from __future__ import annotations

import asyncio
import datetime as dt

import strawberry
from strawberry.types import Info

from gateway.noyo import models

from ..disconnections.types import DisconnectionRequest
from ..pagination import Page
from ..scalars import from_epoch
from ..snapshots.queries import snapshot_page, snapshot_params
from ..snapshots.types import MemberSnapshot
from .connection_types import GroupCarrierConnection
from .status import GroupCarrierStatus, carrier_statuses


#: The fields ``Group.inline`` answers truthfully.
INLINE_FIELDS = frozenset({"id", "name", "__typename"})


@strawberry.type(description="An employer group on the platform.")
class Group:
    id: strawberry.ID
    version: str
    name: str
    dba_name: str | None
    sic_code: str | None
    organization_id: strawberry.ID | None
    created: dt.datetime
    modified: dt.datetime

    @classmethod
    def from_model(cls, g: models.Group) -> Group:
        return cls(
            id=strawberry.ID(g.id),
            version=g.version,
            name=g.name,
            dba_name=g.dba_name,
            sic_code=g.sic_code,
            organization_id=g.organization_id,
            created=from_epoch(g.created),
            modified=from_epoch(g.modified),
        )

    @classmethod
    def maybe(cls, g: models.Group | None) -> Group | None:
        return None if g is None else cls.from_model(g)

    @classmethod
    def inline(cls, id: str, name: str) -> Group:
        """A group known only by the id and name another record carries inline (Noyo's
        ``group_name``): for selections of ``id`` and ``name`` alone (see ``INLINE_FIELDS``)."""
        unknown = dt.datetime.fromtimestamp(0, dt.timezone.utc)
        return cls(id=strawberry.ID(id), version="", name=name, dba_name=None, sic_code=None,
                   organization_id=None, created=unknown, modified=unknown)

    @strawberry.field(description="The group's connections with carriers.")
    async def connections(self, info: Info) -> list[GroupCarrierConnection]:
        connections = await info.context.loaders.connections_by_group_id.load(str(self.id))
        return [GroupCarrierConnection.from_model(c) for c in connections]

    @strawberry.field(description="Every disconnection request of the group, any status.")
    async def disconnection_requests(self, info: Info) -> list[DisconnectionRequest]:
        requests = await info.context.loaders.disconnection_requests_by_group_id.load(str(self.id))
        return [DisconnectionRequest.from_model(r) for r in requests]

    @strawberry.field(description="The group's member snapshots.")
    async def member_snapshots(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Page[MemberSnapshot]:
        return await snapshot_page(info, snapshot_params(str(self.id), None, None), first, after)

    @strawberry.field(description="One entry per carrier the group is connected with: its current standing.")
    async def status(self, info: Info) -> list[GroupCarrierStatus]:
        loaders = info.context.loaders
        # both lists start together (one batch each across every group in the response)
        connections, requests = await asyncio.gather(
            loaders.connections_by_group_id.load(str(self.id)),
            loaders.disconnection_requests_by_group_id.load(str(self.id)),
        )
        return carrier_statuses(connections, requests) if connections else []
