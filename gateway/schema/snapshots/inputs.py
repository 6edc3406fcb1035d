"""``MemberSnapshotInput``: Noyo's ``InboundMemberSnapshot`` as typed GraphQL inputs.

``snapshot_mode`` is always ``current_open`` (added by ``to_noyo``, not an input).
Omitted coverage handling is a separate argument of the mutations (``omitted``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from ..carriers.enums import LineOfCoverage
from ..employees.enums import EmploymentStatus, IndividualType
from ..members.enums import DependentRelationship, SalaryType, SalaryUnit, SnapshotEventReason, SnapshotEventType
from .person_inputs import PersonInput
from .translate import Path, Translation, check_not_blank, check_uuid, problem, translate

SNAPSHOT_MODE = "current_open"
OPEN_END_DATE = dt.date(9999, 12, 31)


@strawberry.input(description="Key employment dates.")
class EmploymentDatesInput:
    hire_date: dt.date = strawberry.field(description="Date of hire.")
    full_time_start: dt.date | None = strawberry.field(default=None, description="When full-time employment began.")
    rehire: dt.date | None = strawberry.field(default=None, description="Date of rehire.")
    retirement: dt.date | None = strawberry.field(default=None, description="Date of retirement.")
    terminated: dt.date | None = strawberry.field(default=None, description="Last day of employment.")


@strawberry.input(description="Pay.")
class SalaryInput:
    amount: float | None = strawberry.field(default=None, description="US dollars, 0 or more.")
    type: SalaryType | None = strawberry.field(default=None, description="Hourly or salaried.")
    unit: SalaryUnit | None = strawberry.field(default=None, description="The period `amount` is for.")
    effective_date: dt.date | None = strawberry.field(default=None, description="When this salary took effect.")

    def check(self, path: Path) -> list:
        if self.amount is not None and self.amount < 0:
            return [problem((*path, "amount"), "`amount` must be 0 or more.")]
        return []


@strawberry.input(description="Employment details.")
class EmploymentInput:
    employment_dates: EmploymentDatesInput = strawberry.field(description="Key employment dates.")
    employment_status: EmploymentStatus = strawberry.field(description="Employment status.")
    hours_worked: int = strawberry.field(description="Hours worked per week.")
    occupation: str | None = strawberry.field(default=None, description="Job title.")
    salary: SalaryInput | None = strawberry.field(default=None, description="Pay.")


def _ids(path: Path, id: Any, event_id: str | None, *ids: tuple[str, str | None]) -> list:
    found = [*check_uuid(id, (*path, "id")), *check_not_blank(event_id, (*path, "eventId"))]
    for name, value in ids:
        found += check_not_blank(value, (*path, name))
    return found


@strawberry.input(description="The employee: Noyo `id` for a known member, `customIndividualId` for a new one.")
class EmployeeInput:
    person: PersonInput = strawberry.field(description="Personal data.")
    employment: EmploymentInput = strawberry.field(description="Employment details.")
    id: strawberry.ID | None = strawberry.field(default=None, description="Noyo id of a known employee.")
    custom_individual_id: str | None = strawberry.field(
        default=None, description="The platform's own id of the employee."
    )
    group_individual_id: str | None = strawberry.field(default=None, description="The group's own id of the employee.")
    event_id: str | None = strawberry.field(
        default=None, description="The event (in `events`) the employee changes refer to."
    )
    classifications: JSON | None = strawberry.field(default=None, description="Group structure mapping fields.")

    def check(self, path: Path) -> list:
        return _ids(
            path,
            self.id,
            self.event_id,
            ("customIndividualId", self.custom_individual_id),
            ("groupIndividualId", self.group_individual_id),
        )


@strawberry.input(description="A dependent: Noyo `id` for a known member, `customIndividualId` for a new one.")
class DependentInput:
    relationship: DependentRelationship = strawberry.field(description="Relationship to the employee.")
    person: PersonInput = strawberry.field(description="Personal data.")
    id: strawberry.ID | None = strawberry.field(default=None, description="Noyo id of a known dependent.")
    custom_individual_id: str | None = strawberry.field(
        default=None, description="The platform's own id of the dependent."
    )
    group_individual_id: str | None = strawberry.field(default=None, description="The group's own id of the dependent.")
    event_id: str | None = strawberry.field(
        default=None, description="The event (in `events`) the dependent changes refer to."
    )

    def check(self, path: Path) -> list:
        return _ids(
            path,
            self.id,
            self.event_id,
            ("customIndividualId", self.custom_individual_id),
            ("groupIndividualId", self.group_individual_id),
        )


@strawberry.input(description="One member enrolled in a coverage.")
class EnrolledMemberInput:
    individual_type: IndividualType = strawberry.field(description="Employee or dependent.")
    effective_start_date: dt.date = strawberry.field(description="First day of coverage.")
    effective_end_date: dt.date = strawberry.field(
        default=OPEN_END_DATE, description="9999-12-31 (the default) while the member stays enrolled."
    )
    individual_id: strawberry.ID | None = strawberry.field(
        default=None, description="Noyo id of the member (a known member)."
    )
    custom_individual_id: str | None = strawberry.field(
        default=None, description="The platform id of the member (a new member)."
    )
    event_id: str | None = strawberry.field(
        default=None, description="The event (in `events`) this enrollment refers to."
    )
    volume: int | None = strawberry.field(default=None, description="Coverage volume in dollars.")
    latest_change_effective_date: dt.date | None = strawberry.field(
        default=None, description="When the latest change of this enrollment takes effect."
    )

    def check(self, path: Path) -> list:
        found = [
            *check_uuid(self.individual_id, (*path, "individualId")),
            *check_not_blank(self.event_id, (*path, "eventId")),
        ]
        if self.effective_end_date < self.effective_start_date:
            found.append(problem((*path, "effectiveEndDate"), "`effectiveEndDate` is before `effectiveStartDate`."))
        return found


@strawberry.input(description="Coverage and enrollment decisions at one carrier for one line of coverage.")
class CoverageInput:
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    line_of_coverage: LineOfCoverage = strawberry.field(description="The line of coverage.")
    enrolled_members: list[EnrolledMemberInput] = strawberry.field(description="The family members enrolled.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Noyo plan id; or `planName`.")
    custom_plan_id: str | None = strawberry.field(default=None, description="The platform's own plan id.")
    plan_name: str | None = strawberry.field(default=None, description="Plan name; or `planId`.")
    signature_date: dt.date | None = strawberry.field(default=None, description="When the enrollment was signed.")
    carrier_config: JSON | None = strawberry.field(
        default=None, description="Carrier-specific settings, as Noyo documents them per carrier."
    )

    def check(self, path: Path) -> list:
        found = [
            *check_uuid(self.carrier_id, (*path, "carrierId")),
            *check_uuid(self.plan_id, (*path, "planId")),
            *check_not_blank(self.plan_name, (*path, "planName")),
            *check_not_blank(self.custom_plan_id, (*path, "customPlanId")),
        ]
        if self.plan_id is None and self.plan_name is None:
            found.append(problem((*path, "planId"), "Either `planId` or `planName` is required."))
        return found


@strawberry.input(description="An event the snapshot's changes refer to (by `eventId`).")
class EventInput:
    id: str = strawberry.field(description="Your id of the event, unique within the snapshot.")
    type: SnapshotEventType = strawberry.field(description="Coverage or demographic change.")
    reason: SnapshotEventReason = strawberry.field(description="The real-world cause.")
    date: dt.date = strawberry.field(description="When it happened.")

    def check(self, path: Path) -> list:
        return check_not_blank(self.id, (*path, "id"))


@strawberry.input(description="An employee's complete current enrollment state (Noyo's InboundMemberSnapshot).")
class MemberSnapshotInput:
    employee: EmployeeInput = strawberry.field(description="The employee.")
    dependents: list[DependentInput] | None = strawberry.field(default=None, description="The employee's dependents.")
    coverages: list[CoverageInput] | None = strawberry.field(
        default=None, description="Every coverage active at the carriers for the family (see omittedCoverageHandling)."
    )
    events: list[EventInput] | None = strawberry.field(default=None, description="The events the changes refer to.")
    enable_member_auto_link: bool | None = strawberry.field(
        default=None, description="Let Noyo link members it already knows by their personal data."
    )

    def check(self, path: Path) -> list:
        events = [e.id for e in self.events or []]
        found = [
            problem((*path, "events", str(i), "id"), "Event ids must be unique.")
            for i, eid in enumerate(events)
            if eid in events[:i]
        ]
        for ref_path, event_id in self._event_refs(path):
            if event_id not in events:
                found.append(problem(ref_path, "`eventId` must be the id of an event in `events`."))
        return found

    def _event_refs(self, path: Path) -> list[tuple[Path, str]]:
        refs = []
        if self.employee.event_id is not None:
            refs.append(((*path, "employee", "eventId"), self.employee.event_id))
        for i, dep in enumerate(self.dependents or []):
            if dep.event_id is not None:
                refs.append(((*path, "dependents", str(i), "eventId"), dep.event_id))
        for i, cov in enumerate(self.coverages or []):
            for j, member in enumerate(cov.enrolled_members):
                if member.event_id is not None:
                    refs.append(((*path, "coverages", str(i), "enrolledMembers", str(j), "eventId"), member.event_id))
        return refs

    def to_noyo(self, path: Path = ("snapshot",)) -> Translation:
        """Noyo's ``InboundMemberSnapshot`` JSON (without ``omitted_coverage_handling``) and problems."""
        result = translate(self, path)
        result.body["snapshot_mode"] = SNAPSHOT_MODE
        return result


__all__ = [
    "CoverageInput",
    "DependentInput",
    "EmployeeInput",
    "EmploymentDatesInput",
    "EmploymentInput",
    "EnrolledMemberInput",
    "EventInput",
    "MemberSnapshotInput",
    "SalaryInput",
]
