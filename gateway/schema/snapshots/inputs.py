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
from .input_enums import DependentRelationship, SalaryType, SalaryUnit, SnapshotEventReason, SnapshotEventType
from .person_inputs import PersonInput
from .translate import Path, Translation, check_not_blank, check_uuid, problem, translate

SNAPSHOT_MODE = "current_open"
OPEN_END_DATE = dt.date(9999, 12, 31)


@strawberry.input
class EmploymentDatesInput:
    hire_date: dt.date
    full_time_start: dt.date | None = None
    rehire: dt.date | None = None
    retirement: dt.date | None = None
    terminated: dt.date | None = None


@strawberry.input
class SalaryInput:
    amount: float | None = strawberry.field(default=None, description="US dollars, 0 or more.")
    type: SalaryType | None = None
    unit: SalaryUnit | None = None
    effective_date: dt.date | None = None

    def check(self, path: Path) -> list:
        if self.amount is not None and self.amount < 0:
            return [problem((*path, "amount"), "`amount` must be 0 or more.")]
        return []


@strawberry.input
class EmploymentInput:
    employment_dates: EmploymentDatesInput
    employment_status: EmploymentStatus
    hours_worked: int = strawberry.field(description="Hours worked per week.")
    occupation: str | None = None
    salary: SalaryInput | None = None


def _ids(path: Path, id: Any, event_id: str | None, *ids: tuple[str, str | None]) -> list:
    found = [*check_uuid(id, (*path, "id")), *check_not_blank(event_id, (*path, "eventId"))]
    for name, value in ids:
        found += check_not_blank(value, (*path, name))
    return found


@strawberry.input(description="The employee: Noyo `id` for a known member, `customIndividualId` for a new one.")
class EmployeeInput:
    person: PersonInput
    employment: EmploymentInput
    id: strawberry.ID | None = None
    custom_individual_id: str | None = None
    group_individual_id: str | None = None
    event_id: str | None = None
    classifications: JSON | None = strawberry.field(default=None, description="Group structure mapping fields.")

    def check(self, path: Path) -> list:
        return _ids(path, self.id, self.event_id, ("customIndividualId", self.custom_individual_id),
                    ("groupIndividualId", self.group_individual_id))


@strawberry.input
class DependentInput:
    relationship: DependentRelationship
    person: PersonInput
    id: strawberry.ID | None = None
    custom_individual_id: str | None = None
    group_individual_id: str | None = None
    event_id: str | None = None

    def check(self, path: Path) -> list:
        return _ids(path, self.id, self.event_id, ("customIndividualId", self.custom_individual_id),
                    ("groupIndividualId", self.group_individual_id))


@strawberry.input(description="One member enrolled in a coverage.")
class EnrolledMemberInput:
    individual_type: IndividualType
    effective_start_date: dt.date
    effective_end_date: dt.date = strawberry.field(
        default=OPEN_END_DATE, description="9999-12-31 (the default) while the member stays enrolled."
    )
    individual_id: strawberry.ID | None = None
    custom_individual_id: str | None = None
    event_id: str | None = None
    volume: int | None = strawberry.field(default=None, description="Coverage volume in dollars.")
    latest_change_effective_date: dt.date | None = None

    def check(self, path: Path) -> list:
        found = [*check_uuid(self.individual_id, (*path, "individualId")),
                 *check_not_blank(self.event_id, (*path, "eventId"))]
        if self.effective_end_date < self.effective_start_date:
            found.append(problem((*path, "effectiveEndDate"), "`effectiveEndDate` is before `effectiveStartDate`."))
        return found


@strawberry.input(description="Coverage and enrollment decisions at one carrier for one line of coverage.")
class CoverageInput:
    carrier_id: strawberry.ID
    line_of_coverage: LineOfCoverage
    enrolled_members: list[EnrolledMemberInput]
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Noyo plan id; or `planName`.")
    custom_plan_id: str | None = None
    plan_name: str | None = None
    signature_date: dt.date | None = None
    carrier_config: JSON | None = None

    def check(self, path: Path) -> list:
        found = [*check_uuid(self.carrier_id, (*path, "carrierId")), *check_uuid(self.plan_id, (*path, "planId")),
                 *check_not_blank(self.plan_name, (*path, "planName")),
                 *check_not_blank(self.custom_plan_id, (*path, "customPlanId"))]
        if self.plan_id is None and self.plan_name is None:
            found.append(problem((*path, "planId"), "Either `planId` or `planName` is required."))
        return found


@strawberry.input(description="An event the snapshot's changes refer to (by `eventId`).")
class EventInput:
    id: str
    type: SnapshotEventType
    reason: SnapshotEventReason
    date: dt.date

    def check(self, path: Path) -> list:
        return check_not_blank(self.id, (*path, "id"))


@strawberry.input(description="An employee's complete current enrollment state (Noyo's InboundMemberSnapshot).")
class MemberSnapshotInput:
    employee: EmployeeInput
    dependents: list[DependentInput] | None = None
    coverages: list[CoverageInput] | None = strawberry.field(
        default=None, description="Every coverage active at the carriers for the family (see omittedCoverageHandling)."
    )
    events: list[EventInput] | None = None
    enable_member_auto_link: bool | None = None

    def check(self, path: Path) -> list:
        events = [e.id for e in self.events or []]
        found = [problem((*path, "events", str(i), "id"), "Event ids must be unique.")
                 for i, eid in enumerate(events) if eid in events[:i]]
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
