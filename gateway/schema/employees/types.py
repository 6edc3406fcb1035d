"""GraphQL view of an employee, their dependents, coverages, enrollments and current state.

Personal data (PHI) lives in ``Person`` (every field of Noyo's ``Person``: names, sex, date of
birth, SSN, marital status, addresses, contact, details) and in ``Employment.salary``: each field
leading to one carries ``PhiField`` and is null without the ``phi`` scope (``Employee.person``,
``Dependent.person``, ``CoveredMember.person``, the snapshot state's ``person``). Ids,
relationships, employment and coverages are structure and stay visible.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.noyo import models
from gateway.security.phi import PhiField

from ..carriers.enums import LineOfCoverage
from ..carriers.types import Carrier
from ..members.convert import from_noyo
from ..members.employment import Employment
from ..members.person import Person
from ..members.snapshot_state import MemberSnapshotState
from ..node import by_loader, noyo_id_field
from ..scalars import from_epoch, optional_id, to_date, to_enum, to_output_enum
from .dependents import Dependent
from .enums import EmploymentStatus, EnrollmentStatus, IndividualType

if TYPE_CHECKING:
    from ..groups.types import Group

LazyGroup = Annotated["Group", strawberry.lazy("gateway.schema.groups.types")]


PERSON_DESCRIPTION = "Personal data (PHI): null without the `phi` scope."


@strawberry.type(description="A member's enrollment on one coverage.")
class CoveredMember:
    individual_id: strawberry.ID | None = strawberry.field(description="Noyo id of the member (employee or dependent).")
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")
    effective_start_date: dt.date | None = strawberry.field(description="First day of coverage.")
    effective_end_date: dt.date | None = strawberry.field(description="Last day of coverage (9999-12-31: open).")
    employee_id: strawberry.Private[str]

    async def _dependent(self, info: Info) -> models.Dependent | None:
        if self.individual_type is not IndividualType.DEPENDENT or self.individual_id is None:
            return None
        dependents = await info.context.loaders.dependents_by_employee_id.load(self.employee_id)
        return next((d for d in dependents if d.id == str(self.individual_id)), None)

    @strawberry.field(description="The dependent enrolled; null when the member is the employee.")
    async def dependent(self, info: Info) -> Dependent | None:
        return Dependent.maybe(await self._dependent(info))

    @strawberry.field(
        extensions=[PhiField()],
        description="The member's personal data (employee's or dependent's; PHI): null without the `phi` scope.",
    )
    async def person(self, info: Info) -> Person | None:
        if self.individual_type is IndividualType.EMPLOYEE:
            employee = await info.context.loaders.employee_by_id.load(self.employee_id)
            return None if employee is None else Person.from_noyo(employee.person)
        dependent = await self._dependent(info)
        return None if dependent is None else Person.from_noyo(dependent.person)


@strawberry.type(description="One coverage of the employee's family at one carrier, from the current snapshot.")
class Coverage:
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage.")
    plan_id: strawberry.ID | None = strawberry.field(description="Noyo id of the plan.")
    plan_name: str | None = strawberry.field(description="The plan's name.")
    members: list[CoveredMember] = strawberry.field(description="The family members enrolled.")

    @classmethod
    def from_json(cls, c: dict[str, Any], employee_id: str) -> Coverage:
        return cls(
            carrier_id=strawberry.ID(c["carrier_id"]),
            line_of_coverage=to_enum(LineOfCoverage, c.get("line_of_coverage")),
            plan_id=c.get("plan_id"),
            plan_name=c.get("plan_name"),
            members=[
                CoveredMember(
                    individual_id=m.get("individual_id"),
                    individual_type=to_enum(IndividualType, m.get("individual_type")),
                    effective_start_date=to_date(m.get("effective_start_date")),
                    effective_end_date=to_date(m.get("effective_end_date")),
                    employee_id=employee_id,
                )
                for m in c.get("enrolled_members") or []
            ],
        )

    @strawberry.field(description="The carrier.")
    async def carrier(self, info: Info) -> Carrier | None:
        return Carrier.maybe(await info.context.loaders.carrier_by_id.load(str(self.carrier_id)))


@strawberry.type(description="One member's enrollment record on one line of coverage.")
class IndividualEnrollment:
    noyo_id: strawberry.ID = strawberry.field(description="Noyo id of the enrollment record (not a `Node`).")
    individual_id: strawberry.ID = strawberry.field(description="Noyo id of the member (employee or dependent).")
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage.")
    status: EnrollmentStatus = strawberry.field(description="Where the enrollment stands.")
    plan_id: strawberry.ID | None = strawberry.field(description="Noyo id of the plan.")
    effective_start_date: dt.date | None = strawberry.field(description="First day of coverage.")
    effective_end_date: dt.date | None = strawberry.field(description="Last day of coverage (9999-12-31: open).")

    @classmethod
    def from_model(cls, e: models.IndividualEnrollment) -> IndividualEnrollment:
        return cls(
            noyo_id=strawberry.ID(e.id),
            individual_id=strawberry.ID(e.individual_id),
            individual_type=to_enum(IndividualType, e.individual_type),
            line_of_coverage=to_enum(LineOfCoverage, e.line_of_coverage),
            status=to_output_enum(EnrollmentStatus, e.status),
            plan_id=optional_id(e.plan_id),
            effective_start_date=e.effective_start_date,
            effective_end_date=e.effective_end_date,
        )


@strawberry.type(description="An employee of a group (non-personal fields; personal data under `person`).")
class Employee(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    version: str = strawberry.field(description="The record's current version in Noyo.")
    group_id: strawberry.ID = strawberry.field(description="Noyo id of the employer group.")
    custom_individual_id: str | None = strawberry.field(description="The platform's own id of the employee.")
    location_id: strawberry.ID | None = strawberry.field(description="Noyo id of the employee's group location.")
    classifications: JSON | None = strawberry.field(description="Group structure mapping fields.")
    employment_status: EmploymentStatus | None = strawberry.field(description="Current employment status.")
    hire_date: dt.date | None = strawberry.field(description="Date of hire.")
    employment: Employment | None = strawberry.field(
        description="Employment details, as Noyo holds them (dates, status, hours, occupation, salary)."
    )
    created: dt.datetime = strawberry.field(description="When Noyo created the employee.")
    modified: dt.datetime = strawberry.field(description="When the employee last changed.")
    person: Person | None = strawberry.field(extensions=[PhiField()], description=PERSON_DESCRIPTION)

    resolve_nodes = by_loader("employee_by_id")

    @classmethod
    def from_model(cls, e: models.Employee) -> Employee:
        employment = e.employment
        dates = employment.employment_dates if employment else None
        status = employment.employment_status if employment else None
        return cls(
            id=e.id,
            version=e.version,
            group_id=strawberry.ID(e.group_id),
            custom_individual_id=e.custom_individual_id,
            location_id=optional_id(e.location_id),
            classifications=cast(JSON, e.classifications),
            employment_status=to_enum(EmploymentStatus, status) if status else None,
            hire_date=dates.hire_date if dates else None,
            employment=from_noyo(Employment, employment.model_dump(mode="json", exclude_unset=True))
            if employment
            else None,
            created=from_epoch(e.created),
            modified=from_epoch(e.modified),
            person=Person.from_noyo(e.person),
        )

    @classmethod
    def maybe(cls, e: models.Employee | None) -> Employee | None:
        return None if e is None else cls.from_model(e)

    @strawberry.field(description="The employer group.")
    async def group(self, info: Info) -> LazyGroup | None:
        from ..groups.types import Group

        return Group.maybe(await info.context.loaders.group_by_id.load(str(self.group_id)))

    @strawberry.field(description="The employee's dependents (spouse, children...), as Noyo lists them.")
    async def dependents(self, info: Info) -> list[Dependent]:
        dependents = await info.context.loaders.dependents_by_employee_id.load(str(self.id))
        return [Dependent.from_model(d) for d in dependents]

    @strawberry.field(description="The family's current coverages, grouped by carrier and line.")
    async def coverages(self, info: Info) -> list[Coverage]:
        current = await info.context.loaders.current_snapshot_by_employee_id.load(str(self.id))
        return [Coverage.from_json(c, str(self.id)) for c in (current or {}).get("coverages") or []]

    @strawberry.field(
        description="The employee's current state (Noyo's member snapshot computed from what it holds), in "
        "exactly the shape `MemberSnapshotInput` accepts: edit it and send it back as `snapshot` of "
        "`submitMemberSnapshot` or `testMemberSnapshot`. Personal data is null without the `phi` scope; "
        "null when Noyo has no state for the employee."
    )
    async def current_snapshot(self, info: Info) -> MemberSnapshotState | None:
        current = await info.context.loaders.current_snapshot_by_employee_id.load(str(self.id))
        return MemberSnapshotState.from_noyo(current)

    @strawberry.field(description="The family's individual enrollment records (employee and dependents).")
    async def enrollments(self, info: Info) -> list[IndividualEnrollment]:
        enrollments = await info.context.loaders.enrollments_by_employee_id.load(str(self.id))
        return [IndividualEnrollment.from_model(e) for e in enrollments or []]
