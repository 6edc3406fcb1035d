"""Employee and enrollment enums. UNKNOWN: a value Noyo added after this gateway."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum
class EmploymentStatus(enum.Enum):
    FULL_TIME = "full-time"
    PART_TIME = "part-time"
    CONTRACT = "contract"
    DISABLED = "disabled"
    TERMINATED = "terminated"
    RETIRED = "retired"
    UNKNOWN = "__unknown__"


@strawberry.enum(description="Status of one member's enrollment on one line of coverage.")
class EnrollmentStatus(enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    WAIVED = "waived"
    TERMINATED = "terminated"
    UNKNOWN = "__unknown__"


@strawberry.enum
class IndividualType(enum.Enum):
    EMPLOYEE = "employee"
    DEPENDENT = "dependent"
    UNKNOWN = "__unknown__"
