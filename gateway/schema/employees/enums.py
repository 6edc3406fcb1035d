"""Employee and enrollment enums.

``EmploymentStatus`` and ``IndividualType`` are used by inputs too: no ``UNKNOWN`` value
(an output Noyo sends a new value for resolves to null). ``EnrollmentStatus`` is output
only: a new upstream value is served as ``UNKNOWN``.
"""

from __future__ import annotations

import enum

from ..describe import described_enum


@described_enum(
    "An employee's employment status.",
    {
        "FULL_TIME": "Employed full-time.",
        "PART_TIME": "Employed part-time.",
        "CONTRACT": "Employed on contract.",
        "DISABLED": "On disability.",
        "TERMINATED": "No longer employed.",
        "RETIRED": "Retired.",
    },
)
class EmploymentStatus(enum.Enum):
    FULL_TIME = "full-time"
    PART_TIME = "part-time"
    CONTRACT = "contract"
    DISABLED = "disabled"
    TERMINATED = "terminated"
    RETIRED = "retired"


@described_enum(
    "Status of one member's enrollment on one line of coverage (output only).",
    {
        "PENDING": "Not in effect yet.",
        "ACTIVE": "In effect.",
        "WAIVED": "The member declined this coverage.",
        "TERMINATED": "Ended.",
        "UNKNOWN": "A status Noyo added after this gateway was built; never accepted as input.",
    },
)
class EnrollmentStatus(enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    WAIVED = "waived"
    TERMINATED = "terminated"
    UNKNOWN = "__unknown__"


@described_enum(
    "Whether a member is the employee or one of their dependents.",
    {
        "EMPLOYEE": "The employee.",
        "DEPENDENT": "A dependent of the employee.",
    },
)
class IndividualType(enum.Enum):
    EMPLOYEE = "employee"
    DEPENDENT = "dependent"
