from .enums import (
    ContactMethod,
    DependentRelationship,
    EmailAddressType,
    MaritalStatus,
    SalaryType,
    SalaryUnit,
    Sex,
    SnapshotEventReason,
    SnapshotEventType,
    TobaccoType,
    UsState,
)

__all__ = [
    "ContactMethod",
    "DependentRelationship",
    "EmailAddressType",
    "MaritalStatus",
    "SalaryType",
    "SalaryUnit",
    "Sex",
    "SnapshotEventReason",
    "SnapshotEventType",
    "TobaccoType",
    "UsState",
]
