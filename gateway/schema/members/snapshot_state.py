"""An employee's current state as a member snapshot: the output twin of ``MemberSnapshotInput``.

``Employee.currentSnapshot`` answers Noyo's ``GET /employees/{id}/member_snapshot`` (the
``InboundMemberSnapshot`` Noyo computes from what it holds) in exactly the shape
``MemberSnapshotInput`` accepts: one output type per input type, the same field names, nesting,
enums and scalars (``MemberSnapshotState`` / ``MemberSnapshotInput``, ``MemberSnapshotEmployee`` /
``EmployeeInput``, ``Person`` / ``PersonInput``, ...). A client reads it, edits it and sends it
back as ``snapshot`` of ``submitMemberSnapshot`` or ``testMemberSnapshot`` without reshaping.
``snapshot_mode`` is not a field (always ``current_open``, as on the input), nor is the omitted
coverage handling (an argument of the mutations, not part of the state).

Without the ``phi`` scope every ``person`` (and ``employment.salary``) is null; ids,
relationships and coverages stay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from gateway.security.phi import PhiField

from ..carriers.enums import LineOfCoverage
from ..employees.enums import IndividualType
from .convert import from_noyo
from .employment import Employment
from .enums import DependentRelationship, SnapshotEventReason, SnapshotEventType
from .person import Person

PERSON_DESCRIPTION = "Personal data (PHI): null without the `phi` scope."


@strawberry.type(description="The employee in a member snapshot; the same fields as `EmployeeInput`.")
class MemberSnapshotEmployee:
    person: Person | None = strawberry.field(extensions=[PhiField()], description=PERSON_DESCRIPTION)
    employment: Employment | None = strawberry.field(description="Employment details.")
    id: strawberry.ID | None = strawberry.field(description="Noyo id of the employee.")
    custom_individual_id: str | None = strawberry.field(description="The platform's own id of the employee.")
    group_individual_id: str | None = strawberry.field(description="The group's own id of the employee.")
    event_id: str | None = strawberry.field(description="The event (in `events`) the employee changes refer to.")
    classifications: JSON | None = strawberry.field(description="Group structure mapping fields.")


@strawberry.type(description="A dependent in a member snapshot; the same fields as `DependentInput`.")
class MemberSnapshotDependent:
    relationship: DependentRelationship | None = strawberry.field(description="Relationship to the employee.")
    person: Person | None = strawberry.field(extensions=[PhiField()], description=PERSON_DESCRIPTION)
    id: strawberry.ID | None = strawberry.field(description="Noyo id of the dependent.")
    custom_individual_id: str | None = strawberry.field(description="The platform's own id of the dependent.")
    group_individual_id: str | None = strawberry.field(description="The group's own id of the dependent.")
    event_id: str | None = strawberry.field(description="The event (in `events`) the dependent changes refer to.")


@strawberry.type(description="One member enrolled in a coverage; the same fields as `EnrolledMemberInput`.")
class MemberSnapshotEnrolledMember:
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")
    effective_start_date: dt.date | None = strawberry.field(description="First day of coverage.")
    effective_end_date: dt.date | None = strawberry.field(description="Last day of coverage (9999-12-31: open).")
    individual_id: strawberry.ID | None = strawberry.field(description="Noyo id of the member.")
    custom_individual_id: str | None = strawberry.field(description="The platform id of the member.")
    event_id: str | None = strawberry.field(description="The event (in `events`) this enrollment refers to.")
    volume: int | None = strawberry.field(description="Coverage volume in dollars.")
    latest_change_effective_date: dt.date | None = strawberry.field(
        description="When the latest change of this enrollment takes effect."
    )


@strawberry.type(description="One coverage at one carrier for one line; the same fields as `CoverageInput`.")
class MemberSnapshotCoverage:
    carrier_id: strawberry.ID | None = strawberry.field(description="Noyo id of the carrier.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage.")
    enrolled_members: list[MemberSnapshotEnrolledMember] | None = strawberry.field(
        description="The family members enrolled."
    )
    plan_id: strawberry.ID | None = strawberry.field(description="Noyo plan id.")
    custom_plan_id: str | None = strawberry.field(description="The platform's own plan id.")
    plan_name: str | None = strawberry.field(description="Plan name.")
    signature_date: dt.date | None = strawberry.field(description="When the enrollment was signed.")
    carrier_config: JSON | None = strawberry.field(description="Carrier-specific settings.")


@strawberry.type(description="An event the snapshot's changes refer to; the same fields as `EventInput`.")
class MemberSnapshotEvent:
    id: str | None = strawberry.field(description="The event's id, unique within the snapshot.")
    type: SnapshotEventType | None = strawberry.field(description="Coverage or demographic change.")
    reason: SnapshotEventReason | None = strawberry.field(description="The real-world cause.")
    date: dt.date | None = strawberry.field(description="When it happened.")


@strawberry.type(
    description="An employee's complete current state as a member snapshot, in exactly the shape "
    "`MemberSnapshotInput` accepts: fetch it, edit it, send it back as `snapshot` of "
    "`submitMemberSnapshot` or `testMemberSnapshot`. The omitted coverage handling is an argument "
    "of those mutations, not part of the state."
)
class MemberSnapshotState:
    employee: MemberSnapshotEmployee | None = strawberry.field(description="The employee.")
    dependents: list[MemberSnapshotDependent] | None = strawberry.field(description="The employee's dependents.")
    coverages: list[MemberSnapshotCoverage] | None = strawberry.field(
        description="Every coverage active at the carriers for the family."
    )
    events: list[MemberSnapshotEvent] | None = strawberry.field(
        description="The events the changes refer to (Noyo's current state has none)."
    )
    enable_member_auto_link: bool | None = strawberry.field(
        description="Let Noyo link members it already knows by their personal data."
    )

    @classmethod
    def from_noyo(cls, snapshot: dict[str, Any] | None) -> MemberSnapshotState | None:
        """From Noyo's ``InboundMemberSnapshot`` JSON; None when there is none."""
        return from_noyo(cls, snapshot)


__all__ = [
    "MemberSnapshotCoverage",
    "MemberSnapshotDependent",
    "MemberSnapshotEmployee",
    "MemberSnapshotEnrolledMember",
    "MemberSnapshotEvent",
    "MemberSnapshotState",
]
