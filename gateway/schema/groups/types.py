"""GraphQL view of a Noyo group (an employer) and its per-carrier relations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.record_loader import MaybeAwaitable, both, then

from ..disconnections.enums import DisconnectionStatus
from ..disconnections.types import DisconnectionRequest
from ..employees.queries import SEARCH_DESCRIPTION, group_employees
from ..employees.types import Employee
from ..node import by_loader, noyo_id_field
from ..pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg, PageArgs, paginate_list
from ..scalars import from_epoch, optional_id
from ..snapshots.queries import snapshot_page, snapshot_params
from ..snapshots.types import MemberSnapshot
from .connection_types import GroupCarrierConnection
from .status import GroupCarrierStatus, carrier_statuses

NEEDS_REVIEW = "needs_review"


#: The fields ``Group.inline`` answers truthfully.
INLINE_FIELDS = frozenset({"id", "name", "__typename"})
_UNKNOWN_TIME = dt.datetime.fromtimestamp(0, dt.UTC)
#: Per loader of a group's lists, the ``Group`` fields that read it.
LIST_FIELDS = {
    "connections_by_group_id": frozenset({"connections", "status"}),
    "disconnection_requests_by_group_id": frozenset({"disconnectionRequests", "status", "needsAttention"}),
}


def lists_read(fields: frozenset[str]) -> list[str]:
    """The loaders of a group's lists that a selection of ``fields`` on it reads."""
    return [name for name, readers in LIST_FIELDS.items() if fields & readers]


@strawberry.type(description="An employer group on the platform.")
class Group(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    version: str = strawberry.field(description="The record's current version in Noyo.")
    name: str = strawberry.field(description="The company's legal name.")
    dba_name: str | None = strawberry.field(description="The name the company does business as.")
    sic_code: str | None = strawberry.field(description="Standard Industrial Classification code.")
    organization_id: strawberry.ID | None = strawberry.field(description="Noyo id of the platform's organization.")
    created: dt.datetime = strawberry.field(description="When Noyo created the group.")
    modified: dt.datetime = strawberry.field(description="When the group last changed.")

    resolve_nodes = by_loader("group_by_id")

    @classmethod
    def from_model(cls, g: models.Group) -> Group:
        return cls(
            id=g.id,
            version=g.version,
            name=g.name,
            dba_name=g.dba_name,
            sic_code=g.sic_code,
            organization_id=optional_id(g.organization_id),
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
        unknown = _UNKNOWN_TIME
        return cls(
            id=id,
            version="",
            name=name,
            dba_name=None,
            sic_code=None,
            organization_id=None,
            created=unknown,
            modified=unknown,
        )

    @strawberry.field(
        description="The group's connections with carriers, every status.", graphql_type=list[GroupCarrierConnection]
    )
    def connections(self, info: Info) -> MaybeAwaitable[list[GroupCarrierConnection]]:
        return then(
            info.context.loaders.connections_by_group_id.get(str(self.id)),
            lambda connections: [GroupCarrierConnection.from_model(c) for c in connections],
        )

    @strawberry.field(
        description="The group's disconnection requests, oldest first, optionally in one status.",
        graphql_type=Connection[DisconnectionRequest],
    )
    def disconnection_requests(
        self,
        info: Info,
        status: Annotated[
            DisconnectionStatus | None, strawberry.argument(description="Only requests in this status.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> MaybeAwaitable[Connection[DisconnectionRequest]]:
        def page(requests: list[models.DisconnectionRequest]) -> Connection[DisconnectionRequest]:
            if status is not None:
                requests = [r for r in requests if r.status == status.value]
            return paginate_list(requests, PageArgs(first, after, last, before), DisconnectionRequest.from_model)

        return then(info.context.loaders.disconnection_requests_by_group_id.get(str(self.id)), page)

    @strawberry.field(
        description="The group's employees in Noyo's list order, each with `person`, `employment` and "
        "`dependents`: the way to find the employee to work on."
    )
    async def employees(
        self,
        info: Info,
        search: Annotated[str | None, strawberry.argument(description=SEARCH_DESCRIPTION)] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Employee]:
        return await group_employees(info, str(self.id), search, PageArgs(first, after, last, before))

    @strawberry.field(
        description="How many of the group's disconnection requests wait for a decision (NEEDS_REVIEW).",
        graphql_type=int,
    )
    def needs_attention(self, info: Info) -> MaybeAwaitable[int]:
        return then(
            info.context.loaders.disconnection_requests_by_group_id.get(str(self.id)),
            lambda requests: sum(1 for r in requests if r.status == NEEDS_REVIEW),
        )

    @strawberry.field(description="The group's member snapshots, newest first as Noyo lists them.")
    async def member_snapshots(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[MemberSnapshot]:
        return await snapshot_page(
            info, snapshot_params(str(self.id), None, None), PageArgs(first, after, last, before)
        )

    @strawberry.field(
        description="One entry per carrier the group has a connection with: its current standing.",
        graphql_type=list[GroupCarrierStatus],
    )
    def status(self, info: Info) -> MaybeAwaitable[list[GroupCarrierStatus]]:
        loaders = info.context.loaders
        # both lists start together (one batch each across every group in the response)
        return both(
            loaders.connections_by_group_id.get(str(self.id)),
            loaders.disconnection_requests_by_group_id.get(str(self.id)),
            lambda connections, requests: carrier_statuses(connections, requests) if connections else [],
        )
