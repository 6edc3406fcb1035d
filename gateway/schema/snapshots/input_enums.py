"""Enums of the member snapshot inputs, with Noyo's wire values (generated from Noyo's OpenAPI)."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Sex of a person.")
class Sex(enum.Enum):
    F = "F"
    M = "M"
    U = "U"
    X = "X"


@strawberry.enum
class MaritalStatus(enum.Enum):
    SINGLE = "single"
    MARRIED = "married"
    DOMESTIC_PARTNER = "domestic-partner"
    DIVORCED = "divorced"
    WIDOWED = "widowed"
    LEGALLY_SEPARATED = "legally-separated"


@strawberry.enum(description="A US state or territory postal code.")
class UsState(enum.Enum):
    AL = "AL"
    AK = "AK"
    AZ = "AZ"
    AR = "AR"
    CA = "CA"
    CO = "CO"
    CT = "CT"
    DE = "DE"
    DC = "DC"
    FL = "FL"
    GA = "GA"
    HI = "HI"
    ID = "ID"
    IL = "IL"
    IN = "IN"
    IA = "IA"
    KS = "KS"
    KY = "KY"
    LA = "LA"
    ME = "ME"
    MD = "MD"
    MA = "MA"
    MI = "MI"
    MN = "MN"
    MS = "MS"
    MO = "MO"
    MT = "MT"
    NE = "NE"
    NV = "NV"
    NH = "NH"
    NJ = "NJ"
    NM = "NM"
    NY = "NY"
    NC = "NC"
    ND = "ND"
    OH = "OH"
    OK = "OK"
    OR = "OR"
    PA = "PA"
    RI = "RI"
    SC = "SC"
    SD = "SD"
    TN = "TN"
    TX = "TX"
    UT = "UT"
    VT = "VT"
    VA = "VA"
    WA = "WA"
    WV = "WV"
    WI = "WI"
    WY = "WY"
    AS = "AS"
    GU = "GU"
    MH = "MH"
    FM = "FM"
    MP = "MP"
    PW = "PW"
    PR = "PR"
    VI = "VI"
    UM = "UM"


@strawberry.enum
class EmailAddressType(enum.Enum):
    HOME = "home"
    WORK = "work"


@strawberry.enum(description="A person's preferred contact method.")
class ContactMethod(enum.Enum):
    MAIL = "mail"
    EMAIL = "email"
    HOME_PHONE = "home-phone"
    WORK_PHONE = "work-phone"
    OTHER = "other"


@strawberry.enum
class TobaccoType(enum.Enum):
    PIPE = "pipe"
    CIGARETTES = "cigarettes"
    CHEWING_TOBACCO = "chewing-tobacco"


@strawberry.enum
class SalaryType(enum.Enum):
    HOURLY = "hourly"
    SALARY = "salary"


@strawberry.enum
class SalaryUnit(enum.Enum):
    ANNUAL = "annual"
    MONTH = "month"
    SEMI_MONTHLY = "semi-monthly"
    WEEK = "week"
    HOUR = "hour"


@strawberry.enum(description="Relationship of a dependent to the employee.")
class DependentRelationship(enum.Enum):
    SPOUSE = "spouse"
    CHILD = "child"
    DOMESTIC_PARTNER = "domestic-partner"
    GRANDCHILD = "grandchild"
    CIVIL_UNION = "civil-union"
    STEP_CHILD = "step-child"
    FOSTER_CHILD = "foster-child"
    ADOPTED_CHILD = "adopted-child"
    LEGAL_GUARDIANSHIP = "legal-guardianship"
    EX_SPOUSE = "ex-spouse"
    OTHER = "other"


@strawberry.enum(description="The kind of change a snapshot event describes.")
class SnapshotEventType(enum.Enum):
    COVERAGE = "coverage"
    DEMOGRAPHIC = "demographic"


@strawberry.enum(description="The real-world cause of a snapshot event.")
class SnapshotEventReason(enum.Enum):
    ADOPTION = "adoption"
    BENEFIT_CLASS_CHANGE = "benefit_class_change"
    CHANGE_TO_PART_TIME = "change_to_part_time"
    CHANGE_TO_FULL_TIME = "change_to_full_time"
    COBRA_ENROLLMENT = "cobra_enrollment"
    COBRA_TERMINATION = "cobra_termination"
    COBRA_UPDATE_OTHER = "cobra_update_other"
    COURT_ORDER = "court_order"
    DEATH = "death"
    DEMOGRAPHIC_CHANGE = "demographic_change"
    DEPENDENT_OPEN_ENROLLMENT = "dependent_open_enrollment"
    DISABILITY_STATUS_CHANGE = "disability_status_change"
    DIVORCE = "divorce"
    ELIGIBILITY_CHANGE = "eligibility_change"
    FOSTER_CARE = "foster_care"
    IMMIGRATION_STATUS_CHANGE = "immigration_status_change"
    LEAVE_STATUS_CHANGE = "leave_status_change"
    LEGAL_GUARDIAN = "legal_guardian"
    LOST_COVERAGE = "lost_coverage"
    MARRIAGE = "marriage"
    MEDICARE = "medicare"
    MOVED = "moved"
    NEWBORN = "newborn"
    NEW_HIRE = "new_hire"
    OFFLINE_CHANGE = "offline_change"
    OPEN_ENROLLMENT = "open_enrollment"
    RATE_CHANGED = "rate_changed"
    REHIRE = "rehire"
    REINSTATEMENT = "reinstatement"
    RETIREMENT = "retirement"
    TERMINATION = "termination"


__all__ = ["Sex", "MaritalStatus", "UsState", "EmailAddressType", "ContactMethod", "TobaccoType", "SalaryType", "SalaryUnit", "DependentRelationship", "SnapshotEventType", "SnapshotEventReason"]
