"""GraphQL view of a Noyo member snapshot and its per-carrier fulfillment."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Sequence
from typing import TypeVar

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.record_loader import MaybeAwaitable, then

from ..carriers.types import Carrier, carrier_of
from ..employees.types import Employee
from ..node import by_loader, noyo_id_field
from ..scalars import from_epoch, to_enum, to_output_enum
from ..selection import fields_below
from .enums import FulfillmentStatus, MemberSnapshotStatus
from .outcomes import OmittedCoverage, SnapshotMessage, messages_of, omitted_coverages_of

R = TypeVar("R")


@strawberry.type(description="How a member snapshot is being fulfilled at one carrier.")
class CarrierFulfillment:
    status: FulfillmentStatus = strawberry.field(description="Where the snapshot stands at this carrier.")
    errors: list[str] = strawberry.field(description="Noyo's messages about this carrier's part (no personal data).")
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")

    @strawberry.field(description="The carrier.", graphql_type=Carrier | None)
    def carrier(self, info: Info) -> MaybeAwaitable[Carrier | None]:
        return carrier_of(info, self.carrier_id)

    @strawberry.field(
        description="`errors` typed: what each is about (code, carrier, line of coverage, member) beside Noyo's "
        "text; one entry per coverage a text names."
    )
    def error_details(self) -> list[SnapshotMessage]:
        return messages_of(self.errors, str(self.carrier_id))


@strawberry.type(description="An employee's full enrollment state as sent by the platform.")
class MemberSnapshot(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    version: str = strawberry.field(description="The record's current version in Noyo.")
    status: MemberSnapshotStatus | None = strawberry.field(
        description="Where the snapshot stands; null when Noyo sends a status this gateway does not know yet."
    )
    employee_id: strawberry.ID = strawberry.field(description="Noyo id of the employee.")
    created: dt.datetime = strawberry.field(description="When Noyo received the snapshot.")
    modified: dt.datetime = strawberry.field(description="When it last changed.")
    fulfillment: list[CarrierFulfillment] = strawberry.field(description="Where it stands at each carrier involved.")
    _detail: strawberry.Private[models.MemberSnapshot | None]

    resolve_nodes = by_loader("member_snapshot_detail_by_id")

    @classmethod
    def from_model(cls, s: models.MemberSnapshot) -> MemberSnapshot:
        return cls(
            id=s.id,
            version=s.version,
            status=to_enum(MemberSnapshotStatus, s.status),
            employee_id=strawberry.ID(s.employee_id),
            created=from_epoch(s.created),
            modified=from_epoch(s.modified),
            fulfillment=[
                CarrierFulfillment(
                    status=to_output_enum(FulfillmentStatus, f.status),
                    errors=list(f.errors),
                    carrier_id=strawberry.ID(f.carrier_id),
                )
                for f in s.fulfillment_summary
            ],
            _detail=s if s.is_detail else None,
        )

    @classmethod
    def maybe(cls, s: models.MemberSnapshot | None) -> MemberSnapshot | None:
        return None if s is None else cls.from_model(s)

    async def detail(self, info: Info) -> models.MemberSnapshot | None:
        """The full snapshot: Noyo's list items omit ``warnings`` and ``replaced_by``."""
        found = self._with_detail(info, lambda detail: detail, None)
        return await found if inspect.isawaitable(found) else found

    def _with_detail(self, info: Info, fn: Callable[[models.MemberSnapshot], R], default: R) -> MaybeAwaitable[R]:
        """``fn(full snapshot)``, ``default`` when Noyo has none: at once when the request holds it
        (a page reads ahead the details its selection needs, see ``referenced``)."""
        if self._detail is not None:
            return fn(self._detail)

        def use(detail: models.MemberSnapshot | None) -> R:
            if detail is None:
                return default
            self._detail = detail
            return fn(detail)

        return then(info.context.loaders.member_snapshot_detail_by_id.get(str(self.id)), use)

    @strawberry.field(
        description="Warnings Noyo raised while processing (e.g. omitted coverages kept).", graphql_type=list[str]
    )
    def warnings(self, info: Info) -> MaybeAwaitable[list[str]]:
        return self._with_detail(info, lambda d: list(d.warnings or []), [])

    @strawberry.field(
        description="`warnings` typed: what each is about (code, carrier, line of coverage, member) beside "
        "Noyo's text; one entry per coverage a warning names.",
        graphql_type=list[SnapshotMessage],
    )
    def warning_details(self, info: Info) -> MaybeAwaitable[list[SnapshotMessage]]:
        return self._with_detail(info, lambda d: messages_of(d.warnings or []), [])

    @strawberry.field(
        description="The active coverages the snapshot left out and what Noyo did with each, read from Noyo's "
        "record: canceled under reject (the carrier's errors), terminated or continued (carried back into the "
        "processed snapshot).",
        graphql_type=list[OmittedCoverage],
    )
    def omitted_coverages(self, info: Info) -> MaybeAwaitable[list[OmittedCoverage]]:
        return self._with_detail(info, omitted_coverages_of, [])

    async def replacement_id(self, info: Info) -> str | None:
        if self._detail is None and self.status is not MemberSnapshotStatus.REPLACED:
            return None  # only replaced snapshots point to a replacement: spare the detail call
        detail = await self.detail(info)
        return detail.replaced_by if detail is not None else None

    @strawberry.field(description="Id of the newer snapshot that replaced this one (status REPLACED).")
    async def replaced_by_id(self, info: Info) -> strawberry.ID | None:
        replacement = await self.replacement_id(info)
        return strawberry.ID(replacement) if replacement else None

    @strawberry.field(description="The newer snapshot that replaced this one (status REPLACED).")
    async def replaced_by(self, info: Info) -> MemberSnapshot | None:
        replacement = await self.replacement_id(info)
        if not replacement:
            return None
        return MemberSnapshot.maybe(await info.context.loaders.member_snapshot_by_id.load(replacement))

    @strawberry.field(description="The employee the snapshot is about.", graphql_type=Employee | None)
    def employee(self, info: Info) -> MaybeAwaitable[Employee | None]:
        return then(info.context.loaders.employee_by_id.get(str(self.employee_id)), Employee.maybe)


#: ``MemberSnapshot`` fields answered from the full snapshot (Noyo's detail endpoint)
DETAIL_FIELDS = frozenset({"warnings", "warningDetails", "omittedCoverages"})
#: ... and those that need it only for a replaced snapshot
REPLACEMENT_FIELDS = frozenset({"replacedBy", "replacedById"})


def referenced(info: Info, snapshots: Sequence[MemberSnapshot]) -> dict[str, list[str]]:
    """Per loader name, the records of ``snapshots`` that the selection below will read (for
    ``planning.warm``): full snapshots and employees."""
    fields = fields_below(info).get("MemberSnapshot", frozenset())
    wanted: dict[str, list[str]] = {}
    if fields & DETAIL_FIELDS:
        wanted["member_snapshot_detail_by_id"] = [str(s.id) for s in snapshots if s._detail is None]
    elif fields & REPLACEMENT_FIELDS:
        wanted["member_snapshot_detail_by_id"] = [
            str(s.id) for s in snapshots if s._detail is None and s.status is MemberSnapshotStatus.REPLACED
        ]
    if "employee" in fields:
        wanted["employee_by_id"] = [str(s.employee_id) for s in snapshots]
    return wanted
