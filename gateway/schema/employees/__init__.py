from ..members.person import Person
from .dependents import Dependent
from .enums import EmploymentStatus, EnrollmentStatus, IndividualType
from .queries import EmployeeQueries
from .types import Coverage, CoveredMember, Employee, IndividualEnrollment

__all__ = [
    "Coverage",
    "CoveredMember",
    "Dependent",
    "Employee",
    "EmployeeQueries",
    "EmploymentStatus",
    "EnrollmentStatus",
    "IndividualEnrollment",
    "IndividualType",
    "Person",
]
