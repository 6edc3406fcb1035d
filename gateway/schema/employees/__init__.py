from .enums import EmploymentStatus, EnrollmentStatus, IndividualType
from .queries import EmployeeQueries
from .types import Coverage, CoveredMember, Employee, IndividualEnrollment, Person

__all__ = [
    "Coverage",
    "CoveredMember",
    "Employee",
    "EmployeeQueries",
    "EmploymentStatus",
    "EnrollmentStatus",
    "IndividualEnrollment",
    "IndividualType",
    "Person",
]
