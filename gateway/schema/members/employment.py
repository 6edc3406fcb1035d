"""An employee's employment (Noyo's ``EmploymentResult``): the output twin of ``EmploymentInput``.

Same fields, names, enums and scalars as ``EmploymentInput``, ``EmploymentDatesInput`` and
``SalaryInput``, so an employment read here can be sent back in a member snapshot unchanged.
Pay is personal: ``Employment.salary`` is null without the ``phi`` scope (``PhiField``).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.security.phi import PhiField

from ..employees.enums import EmploymentStatus
from .enums import SalaryType, SalaryUnit


@strawberry.type(description="Key employment dates.")
class EmploymentDates:
    hire_date: dt.date | None = strawberry.field(description="Date of hire.")
    full_time_start: dt.date | None = strawberry.field(description="When full-time employment began.")
    rehire: dt.date | None = strawberry.field(description="Date of rehire.")
    retirement: dt.date | None = strawberry.field(description="Date of retirement.")
    terminated: dt.date | None = strawberry.field(description="Last day of employment.")


@strawberry.type(description="Pay (personal: null without the `phi` scope).")
class Salary:
    amount: float | None = strawberry.field(description="US dollars.")
    type: SalaryType | None = strawberry.field(description="Hourly or salaried.")
    unit: SalaryUnit | None = strawberry.field(description="The period `amount` is for.")
    effective_date: dt.date | None = strawberry.field(description="When this salary took effect.")


@strawberry.type(description="Employment details (Noyo's employment object); the same fields as `EmploymentInput`.")
class Employment:
    employment_dates: EmploymentDates | None = strawberry.field(description="Key employment dates.")
    employment_status: EmploymentStatus | None = strawberry.field(description="Employment status.")
    hours_worked: int | None = strawberry.field(description="Hours worked per week.")
    occupation: str | None = strawberry.field(description="Job title.")
    salary: Salary | None = strawberry.field(extensions=[PhiField()], description="Pay; null without the `phi` scope.")


__all__ = ["Employment", "EmploymentDates", "Salary"]
