"""Enums of member data (people, employment, events), with Noyo's wire values (from Noyo's OpenAPI).

Used by the snapshot inputs and by the member outputs alike, so none has an ``UNKNOWN`` value.
"""

from __future__ import annotations

import enum

from ..describe import described_enum


@described_enum(
    "Sex of a person, as Noyo records it.",
    {
        "F": "Female.",
        "M": "Male.",
        "U": "Unknown (not reported).",
        "X": "Non-binary or another gender.",
    },
)
class Sex(enum.Enum):
    F = "F"
    M = "M"
    U = "U"
    X = "X"


@described_enum(
    "A person's marital status.",
    {
        "SINGLE": "Never married.",
        "MARRIED": "Married.",
        "DOMESTIC_PARTNER": "In a domestic partnership.",
        "DIVORCED": "Divorced.",
        "WIDOWED": "Widowed.",
        "LEGALLY_SEPARATED": "Legally separated.",
    },
)
class MaritalStatus(enum.Enum):
    SINGLE = "single"
    MARRIED = "married"
    DOMESTIC_PARTNER = "domestic-partner"
    DIVORCED = "divorced"
    WIDOWED = "widowed"
    LEGALLY_SEPARATED = "legally-separated"


@described_enum(
    "A US state, district or territory, by its postal code.",
    {
        "AL": "Alabama.",
        "AK": "Alaska.",
        "AZ": "Arizona.",
        "AR": "Arkansas.",
        "CA": "California.",
        "CO": "Colorado.",
        "CT": "Connecticut.",
        "DE": "Delaware.",
        "DC": "District of Columbia.",
        "FL": "Florida.",
        "GA": "Georgia.",
        "HI": "Hawaii.",
        "ID": "Idaho.",
        "IL": "Illinois.",
        "IN": "Indiana.",
        "IA": "Iowa.",
        "KS": "Kansas.",
        "KY": "Kentucky.",
        "LA": "Louisiana.",
        "ME": "Maine.",
        "MD": "Maryland.",
        "MA": "Massachusetts.",
        "MI": "Michigan.",
        "MN": "Minnesota.",
        "MS": "Mississippi.",
        "MO": "Missouri.",
        "MT": "Montana.",
        "NE": "Nebraska.",
        "NV": "Nevada.",
        "NH": "New Hampshire.",
        "NJ": "New Jersey.",
        "NM": "New Mexico.",
        "NY": "New York.",
        "NC": "North Carolina.",
        "ND": "North Dakota.",
        "OH": "Ohio.",
        "OK": "Oklahoma.",
        "OR": "Oregon.",
        "PA": "Pennsylvania.",
        "RI": "Rhode Island.",
        "SC": "South Carolina.",
        "SD": "South Dakota.",
        "TN": "Tennessee.",
        "TX": "Texas.",
        "UT": "Utah.",
        "VT": "Vermont.",
        "VA": "Virginia.",
        "WA": "Washington.",
        "WV": "West Virginia.",
        "WI": "Wisconsin.",
        "WY": "Wyoming.",
        "AS": "American Samoa.",
        "GU": "Guam.",
        "MH": "Marshall Islands.",
        "FM": "Federated States of Micronesia.",
        "MP": "Northern Mariana Islands.",
        "PW": "Palau.",
        "PR": "Puerto Rico.",
        "VI": "U.S. Virgin Islands.",
        "UM": "U.S. Minor Outlying Islands.",
    },
)
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


@described_enum(
    "Whether an email address is personal or at work.",
    {
        "HOME": "A personal address.",
        "WORK": "An address at work.",
    },
)
class EmailAddressType(enum.Enum):
    HOME = "home"
    WORK = "work"


@described_enum(
    "A person's preferred contact method.",
    {
        "MAIL": "Postal mail.",
        "EMAIL": "Email.",
        "HOME_PHONE": "The home phone.",
        "WORK_PHONE": "The work phone.",
        "OTHER": "Another method.",
    },
)
class ContactMethod(enum.Enum):
    MAIL = "mail"
    EMAIL = "email"
    HOME_PHONE = "home-phone"
    WORK_PHONE = "work-phone"
    OTHER = "other"


@described_enum(
    "A kind of tobacco a person uses.",
    {
        "PIPE": "Pipe tobacco.",
        "CIGARETTES": "Cigarettes.",
        "CHEWING_TOBACCO": "Chewing tobacco.",
    },
)
class TobaccoType(enum.Enum):
    PIPE = "pipe"
    CIGARETTES = "cigarettes"
    CHEWING_TOBACCO = "chewing-tobacco"


@described_enum(
    "How an employee is paid.",
    {
        "HOURLY": "Paid by the hour.",
        "SALARY": "Paid a salary.",
    },
)
class SalaryType(enum.Enum):
    HOURLY = "hourly"
    SALARY = "salary"


@described_enum(
    "The period a salary amount is for.",
    {
        "ANNUAL": "Per year.",
        "MONTH": "Per month.",
        "SEMI_MONTHLY": "Per half month.",
        "WEEK": "Per week.",
        "HOUR": "Per hour.",
    },
)
class SalaryUnit(enum.Enum):
    ANNUAL = "annual"
    MONTH = "month"
    SEMI_MONTHLY = "semi-monthly"
    WEEK = "week"
    HOUR = "hour"


@described_enum(
    "Relationship of a dependent to the employee.",
    {
        "SPOUSE": "Husband or wife.",
        "CHILD": "Son or daughter.",
        "DOMESTIC_PARTNER": "Domestic partner.",
        "GRANDCHILD": "Grandchild.",
        "CIVIL_UNION": "Civil union partner.",
        "STEP_CHILD": "Stepchild.",
        "FOSTER_CHILD": "Foster child.",
        "ADOPTED_CHILD": "Adopted child.",
        "LEGAL_GUARDIANSHIP": "A person under the employee's legal guardianship.",
        "EX_SPOUSE": "Former spouse.",
        "OTHER": "Another relationship.",
    },
)
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


@described_enum(
    "The kind of change a snapshot event describes.",
    {
        "COVERAGE": "A change of coverage (enrollments).",
        "DEMOGRAPHIC": "A change of personal details.",
    },
)
class SnapshotEventType(enum.Enum):
    COVERAGE = "coverage"
    DEMOGRAPHIC = "demographic"


@described_enum(
    "The real-world cause of a snapshot event.",
    {
        "ADOPTION": "A child was adopted.",
        "BENEFIT_CLASS_CHANGE": "The employee moved to another benefit class.",
        "CHANGE_TO_PART_TIME": "The employee became part-time.",
        "CHANGE_TO_FULL_TIME": "The employee became full-time.",
        "COBRA_ENROLLMENT": "Enrollment in COBRA continuation coverage.",
        "COBRA_TERMINATION": "End of COBRA continuation coverage.",
        "COBRA_UPDATE_OTHER": "Another change to COBRA continuation coverage.",
        "COURT_ORDER": "A court ordered the change (e.g. a child support order).",
        "DEATH": "A member died.",
        "DEMOGRAPHIC_CHANGE": "Personal details changed (name, address...).",
        "DEPENDENT_OPEN_ENROLLMENT": "Open enrollment for dependents.",
        "DISABILITY_STATUS_CHANGE": "A member's disability status changed.",
        "DIVORCE": "The employee divorced.",
        "ELIGIBILITY_CHANGE": "A member's eligibility changed.",
        "FOSTER_CARE": "A foster child was placed.",
        "IMMIGRATION_STATUS_CHANGE": "A member's immigration status changed.",
        "LEAVE_STATUS_CHANGE": "The employee went on or came back from leave.",
        "LEGAL_GUARDIAN": "Legal guardianship began or ended.",
        "LOST_COVERAGE": "A member lost other coverage.",
        "MARRIAGE": "The employee married.",
        "MEDICARE": "A member became eligible for Medicare.",
        "MOVED": "The family moved.",
        "NEWBORN": "A child was born.",
        "NEW_HIRE": "The employee was hired.",
        "OFFLINE_CHANGE": "A change made outside the platform.",
        "OPEN_ENROLLMENT": "The group's open enrollment.",
        "RATE_CHANGED": "The rate changed.",
        "REHIRE": "The employee was rehired.",
        "REINSTATEMENT": "Coverage was reinstated.",
        "RETIREMENT": "The employee retired.",
        "TERMINATION": "The employee's employment ended.",
    },
)
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
