"""Typed outcomes of a member snapshot: its omitted coverages and its warnings and errors.

Both are read from Noyo's record (``gateway.noyo.snapshot_outcomes`` and
``snapshot_messages``); Noyo's text always stays beside the typed fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.noyo import models
from gateway.noyo import snapshot_messages as text
from gateway.noyo import snapshot_outcomes as outcomes
from gateway.record_loader import MaybeAwaitable

from ..carriers.enums import LineOfCoverage
from ..carriers.types import Carrier, carrier_of
from ..employees.enums import IndividualType
from ..scalars import to_date, to_enum, to_output_enum
from .enums import OmittedCoverageOutcome, SnapshotMessageCode

OPEN_END_DATE = dt.date(9999, 12, 31)


@strawberry.type(description="A coverage active at the carrier that the snapshot left out, as Noyo handled it.")
class OmittedCoverage:
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage left out.")
    individual_id: strawberry.ID = strawberry.field(description="Noyo id of the member enrolled in it.")
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")
    outcome: OmittedCoverageOutcome = strawberry.field(
        description="What Noyo did with it: canceled (policy reject), terminated or continued."
    )
    effective_end_date: dt.date | None = strawberry.field(
        description="The termination date (TERMINATED), 9999-12-31 (CONTINUED), or null (canceled: nothing changes)."
    )
    message: str | None = strawberry.field(
        description="Noyo's text about it (the carrier's fulfillment error under reject, the warning under "
        "continue); null when Noyo gave none."
    )

    @strawberry.field(description="True when Noyo will terminate the coverage (outcome TERMINATED).")
    def terminated(self) -> bool:
        return self.outcome is OmittedCoverageOutcome.TERMINATED

    @strawberry.field(description="The carrier.", graphql_type=Carrier | None)
    def carrier(self, info: Info) -> MaybeAwaitable[Carrier | None]:
        return carrier_of(info, self.carrier_id)

    @classmethod
    def from_outcome(cls, found: outcomes.OmittedCoverage) -> OmittedCoverage:
        return cls(
            carrier_id=strawberry.ID(found.carrier_id),
            line_of_coverage=to_enum(LineOfCoverage, found.line_of_coverage),
            individual_id=strawberry.ID(found.individual_id),
            individual_type=to_enum(IndividualType, found.individual_type),
            outcome=OmittedCoverageOutcome(found.outcome),
            effective_end_date=to_date(found.effective_end_date),
            message=found.message,
        )


def omitted_coverages_of(snapshot: models.MemberSnapshot, sent: dict[str, Any] | None = None) -> list[OmittedCoverage]:
    """The omitted coverages of a detail record (``sent``: the snapshot as sent, if Noyo's record lacks it)."""
    return [OmittedCoverage.from_outcome(o) for o in outcomes.omitted_coverages(snapshot, sent)]


@strawberry.type(
    description="One warning or fulfillment error of a member snapshot, typed beside Noyo's text. A text "
    "naming several coverages gives one entry per coverage (same `message`)."
)
class SnapshotMessage:
    code: SnapshotMessageCode = strawberry.field(description="What the text is about.")
    message: str = strawberry.field(description="Noyo's text, as it wrote it (no personal data).")
    carrier_id: strawberry.ID | None = strawberry.field(description="Noyo id of the carrier it is about.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage it names.")
    individual_id: strawberry.ID | None = strawberry.field(description="Noyo id of the member it names.")
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")

    @strawberry.field(description="The carrier it is about.", graphql_type=Carrier | None)
    def carrier(self, info: Info) -> MaybeAwaitable[Carrier | None]:
        return carrier_of(info, self.carrier_id)


def _message(code: SnapshotMessageCode, notice: text.Notice, named: text.NamedCoverage | None) -> SnapshotMessage:
    return SnapshotMessage(
        code=code,
        message=notice.message,
        carrier_id=strawberry.ID(notice.carrier_id) if notice.carrier_id else None,
        line_of_coverage=to_enum(LineOfCoverage, named.line_of_coverage) if named else None,
        individual_id=strawberry.ID(named.individual_id) if named else None,
        individual_type=to_enum(IndividualType, named.individual_type) if named else None,
    )


def messages_of(texts: Iterable[str], carrier_id: str | None = None) -> list[SnapshotMessage]:
    """Noyo's warnings (or a carrier's errors, ``carrier_id`` given) as typed messages."""
    found: list[SnapshotMessage] = []
    for message in texts:
        notice = text.read_message(message, carrier_id)
        code = to_output_enum(SnapshotMessageCode, notice.kind)
        found.extend(_message(code, notice, named) for named in (notice.coverages or (None,)))
    return found


__all__ = ["OmittedCoverage", "SnapshotMessage", "messages_of", "omitted_coverages_of"]
