"""GraphQL view of an employee, their coverages and enrollments.

Personal data (PHI) lives only in ``Person``: masking by scope applies to that one
type. Only names are exposed for now; SSN, date of birth and addresses are not.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.security.phi import PhiField

from ..carriers.enums import LineOfCoverage
from ..carriers.types import Carrier
from ..node import by_loader, noyo_id_field
from ..scalars import from_epoch, optional_id, to_date, to_enum, to_output_enum
from .enums import EmploymentStatus, EnrollmentStatus, IndividualType

if TYPE_CHECKING:
    from ..groups.types import Group

LazyGroup = Annotated["Group", strawberry.lazy("gateway.schema.groups.types")]


@strawberry.type(description="Personal data of a member (PHI).")
class Person:
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")


@strawberry.type(description="A member's enrollment on one coverage.")
class CoveredMember:
    individual_id: strawberry.ID | None = strawberry.field(description="Noyo id of the member (employee or dependent).")
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")
    effective_start_date: dt.date | None = strawberry.field(description="First day of coverage.")
    effective_end_date: dt.date | None = strawberry.field(description="Last day of coverage (9999-12-31: open).")


@strawberry.type(description="One coverage of the employee's family at one carrier, from the current snapshot.")
class Coverage:
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage.")
    plan_id: strawberry.ID | None = strawberry.field(description="Noyo id of the plan.")
    plan_name: str | None = strawberry.field(description="The plan's name.")
    members: list[CoveredMember] = strawberry.field(description="The family members enrolled.")

    @classmethod
    def from_json(cls, c: dict[str, Any]) -> Coverage:
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
    group_id: strawberry.ID = strawberry.field(description="Noyo id of the employer group.")
    custom_individual_id: str | None = strawberry.field(description="The platform's own id of the employee.")
    employment_status: EmploymentStatus | None = strawberry.field(description="Current employment status.")
    hire_date: dt.date | None = strawberry.field(description="Date of hire.")
    created: dt.datetime = strawberry.field(description="When Noyo created the employee.")
    modified: dt.datetime = strawberry.field(description="When the employee last changed.")
    person: Person | None = strawberry.field(
        extensions=[PhiField()], description="Personal data (PHI): null without the `phi` scope."
    )

    resolve_nodes = by_loader("employee_by_id")

    @classmethod
    def from_model(cls, e: models.Employee) -> Employee:
        employment = e.employment
        dates = employment.employment_dates if employment else None
        status = employment.employment_status if employment else None
        return cls(
            id=e.id,
            group_id=strawberry.ID(e.group_id),
            custom_individual_id=e.custom_individual_id,
            employment_status=to_enum(EmploymentStatus, status) if status else None,
            hire_date=dates.hire_date if dates else None,
            created=from_epoch(e.created),
            modified=from_epoch(e.modified),
            person=Person(first_name=e.person.first_name, last_name=e.person.last_name),
        )

    @classmethod
    def maybe(cls, e: models.Employee | None) -> Employee | None:
        return None if e is None else cls.from_model(e)

    @strawberry.field(description="The employer group.")
    async def group(self, info: Info) -> LazyGroup | None:
        from ..groups.types import Group

        return Group.maybe(await info.context.loaders.group_by_id.load(str(self.group_id)))

    @strawberry.field(description="The family's current coverages, grouped by carrier and line.")
    async def coverages(self, info: Info) -> list[Coverage]:
        coverages = await info.context.loaders.coverages_by_employee_id.load(str(self.id))
        return [Coverage.from_json(c) for c in coverages or []]

    @strawberry.field(description="The family's individual enrollment records (employee and dependents).")
    async def enrollments(self, info: Info) -> list[IndividualEnrollment]:
        enrollments = await info.context.loaders.enrollments_by_employee_id.load(str(self.id))
        return [IndividualEnrollment.from_model(e) for e in enrollments or []]
