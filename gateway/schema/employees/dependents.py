"""GraphQL view of an employee's dependent (Noyo's ``DependentResult``).

Structure (ids, relationship, the employee) is visible to every caller; personal data is under
``person``, null without the ``phi`` scope.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.security.phi import PhiField

from ..members.enums import DependentRelationship
from ..members.person import Person
from ..node import by_loader, noyo_id_field
from ..scalars import from_epoch, to_enum

if TYPE_CHECKING:
    from .types import Employee

LazyEmployee = Annotated["Employee", strawberry.lazy("gateway.schema.employees.types")]


@strawberry.type(description="A dependent of an employee (spouse, child...); personal data under `person`.")
class Dependent(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    version: str = strawberry.field(description="The record's current version in Noyo.")
    employee_id: strawberry.ID = strawberry.field(description="Noyo id of the employee.")
    relationship: DependentRelationship | None = strawberry.field(description="Relationship to the employee.")
    custom_individual_id: str | None = strawberry.field(description="The platform's own id of the dependent.")
    created: dt.datetime = strawberry.field(description="When Noyo created the dependent.")
    modified: dt.datetime = strawberry.field(description="When the dependent last changed.")
    person: Person | None = strawberry.field(
        extensions=[PhiField()], description="Personal data (PHI): null without the `phi` scope."
    )

    resolve_nodes = by_loader("dependent_by_id")

    @classmethod
    def from_model(cls, d: models.Dependent) -> Dependent:
        return cls(
            id=d.id,
            version=d.version,
            employee_id=strawberry.ID(d.employee_id),
            relationship=to_enum(DependentRelationship, d.relationship),
            custom_individual_id=d.custom_individual_id,
            created=from_epoch(d.created),
            modified=from_epoch(d.modified),
            person=Person.from_noyo(d.person),
        )

    @classmethod
    def maybe(cls, d: models.Dependent | None) -> Dependent | None:
        return None if d is None else cls.from_model(d)

    @strawberry.field(description="The employee this is a dependent of.")
    async def employee(self, info: Info) -> LazyEmployee | None:
        from .types import Employee

        return Employee.maybe(await info.context.loaders.employee_by_id.load(str(self.employee_id)))


__all__ = ["Dependent"]
