"""Pydantic mirrors of Noyo's ``InboundMemberSnapshot`` family of schemas.

Written by hand from ``fulfillment-openapi.json`` (the emulator must run without
it); ``OPENAPI_MODELS`` maps each schema name to its model so tests can cross-check
required fields, property names and enums against the document. Fields the
schema does not mark ``nullable`` reject an explicit ``null`` (typed ``X = None``
without ``Optional``: defaults are not validated, inputs are). Unknown properties
are ignored, as the schemas do not forbid them.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_PATTERN = r"^([0-9]{4})(-)(1[0-2]|0[1-9])\2(3[01]|0[1-9]|[12][0-9])$"
SSN_PATTERN = r"^(?!000)[0-9]{3}(?!00)[0-9]{2}(?!0000)[0-9]{4}$"
ZIP_PATTERN = r"^(\d{5})(?:-?)(\d{4})?$"


def _date(value: str) -> str:
    if not _DATE.match(value):
        raise ValueError("invalid format (expected YYYY-MM-DD)")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("invalid format (expected YYYY-MM-DD)") from None
    return value


def _uuid(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValueError("invalid format (expected a UUID)") from None
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("invalid format (expected an email address)")
    return value


IsoDate = Annotated[str, AfterValidator(_date)]
Uuid = Annotated[str, AfterValidator(_uuid)]
Email = Annotated[str, AfterValidator(_email)]
NonEmpty = Annotated[str, Field(min_length=1)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
PatternDate = Annotated[str, Field(pattern=_DATE_PATTERN)]

LineOfCoverage = Literal[
    "medical",
    "dental",
    "vision",
    "life",
    "add",
    "std",
    "ltd",
    "accident",
    "critical_illness",
    "cancer",
    "health_fund",
    "hospital_indemnity",
    "pharmacy",
    "wellness",
]
UsState = Literal[
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "AS",
    "GU",
    "MH",
    "FM",
    "MP",
    "PW",
    "PR",
    "VI",
    "UM",
]
Relationship = Literal[
    "spouse",
    "child",
    "domestic-partner",
    "grandchild",
    "civil-union",
    "step-child",
    "foster-child",
    "adopted-child",
    "legal-guardianship",
    "ex-spouse",
    "other",
]
EventReason = Literal[
    "adoption",
    "benefit_class_change",
    "change_to_part_time",
    "change_to_full_time",
    "cobra_enrollment",
    "cobra_termination",
    "cobra_update_other",
    "court_order",
    "death",
    "demographic_change",
    "dependent_open_enrollment",
    "disability_status_change",
    "divorce",
    "eligibility_change",
    "foster_care",
    "immigration_status_change",
    "leave_status_change",
    "legal_guardian",
    "lost_coverage",
    "marriage",
    "medicare",
    "moved",
    "newborn",
    "new_hire",
    "offline_change",
    "open_enrollment",
    "rate_changed",
    "rehire",
    "reinstatement",
    "retirement",
    "termination",
]
CobraReason = Literal[
    "termination_of_employment",
    "reduction_of_work_hours",
    "medicare",
    "death",
    "divorce",
    "separation",
    "ineligible_child",
    "bankruptcy_of_retirees_former_employer",
    "layoff",
    "leave_of_absence",
]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", regex_engine="python-re")


class Address(_Model):
    city: str
    county: str = None  # type: ignore[assignment]
    state: UsState
    street_one: str
    street_two: str = None  # type: ignore[assignment]
    zip_code: Annotated[str, Field(pattern=ZIP_PATTERN)]


class PersonContact(_Model):
    email_address: Email | None = None
    email_address_type: Literal["home", "work"] = None  # type: ignore[assignment]
    home_phone: str = None  # type: ignore[assignment]
    preferred_language: str = None  # type: ignore[assignment]
    preferred_method: Literal["mail", "email", "home-phone", "work-phone", "other"] = None  # type: ignore[assignment]
    speaks_english: bool = None  # type: ignore[assignment]
    work_phone: str = None  # type: ignore[assignment]


class PersonAmericanIndian(_Model):
    state: UsState = None  # type: ignore[assignment]
    tribe: str = None  # type: ignore[assignment]


class PersonDisability(_Model):
    communication: bool = None  # type: ignore[assignment]
    disabled: bool = None  # type: ignore[assignment]
    reason: str = None  # type: ignore[assignment]


class PersonTobacco(_Model):
    duration: str = None  # type: ignore[assignment]
    frequency: str = None  # type: ignore[assignment]
    types: Annotated[list[Literal["pipe", "cigarettes", "chewing-tobacco"]], Field(min_length=1)] = None  # type: ignore[assignment]
    user: bool = None  # type: ignore[assignment]


class PersonDetails(_Model):
    american_indian: PersonAmericanIndian = None  # type: ignore[assignment]
    disability: PersonDisability = None  # type: ignore[assignment]
    is_military: bool = None  # type: ignore[assignment]
    is_student: bool = None  # type: ignore[assignment]
    tobacco: PersonTobacco = None  # type: ignore[assignment]


class Person(_Model):
    contact: PersonContact = None  # type: ignore[assignment]
    date_of_birth: IsoDate
    details: PersonDetails = None  # type: ignore[assignment]
    first_name: str
    home_address: Address
    last_name: str
    maiden_name: str = None  # type: ignore[assignment]
    mailing_address: Address
    marital_status: Literal["single", "married", "domestic-partner", "divorced", "widowed", "legally-separated"] = None  # type: ignore[assignment]
    middle_name: str = None  # type: ignore[assignment]
    sex: Literal["F", "M", "U", "X"]
    ssn: Annotated[str, Field(pattern=SSN_PATTERN)] | None = None
    suffix: str = None  # type: ignore[assignment]


class EmploymentDates(_Model):
    full_time_start: PatternDate = None  # type: ignore[assignment]
    hire_date: IsoDate
    rehire: PatternDate = None  # type: ignore[assignment]
    retirement: PatternDate = None  # type: ignore[assignment]
    terminated: PatternDate = None  # type: ignore[assignment]


class Salary(_Model):
    amount: Annotated[float, Field(ge=0)] = None  # type: ignore[assignment]
    effective_date: PatternDate = None  # type: ignore[assignment]
    type: Literal["hourly", "salary"] = None  # type: ignore[assignment]
    unit: Literal["annual", "month", "semi-monthly", "week", "hour"] = None  # type: ignore[assignment]


class Employment(_Model):
    employment_dates: EmploymentDates
    employment_status: Literal["full-time", "part-time", "contract", "disabled", "terminated", "retired"]
    hours_worked: Int32
    occupation: str = None  # type: ignore[assignment]
    salary: Salary = None  # type: ignore[assignment]


class Employee(_Model):
    classifications: dict[str, Any] = None  # type: ignore[assignment]
    custom_individual_id: NonEmpty = None  # type: ignore[assignment]
    employment: Employment
    event_id: NonEmpty = None  # type: ignore[assignment]
    group_individual_id: NonEmpty = None  # type: ignore[assignment]
    id: Uuid = None  # type: ignore[assignment]
    person: Person


class Dependent(_Model):
    custom_individual_id: NonEmpty = None  # type: ignore[assignment]
    event_id: NonEmpty = None  # type: ignore[assignment]
    group_individual_id: NonEmpty = None  # type: ignore[assignment]
    id: Uuid = None  # type: ignore[assignment]
    person: Person
    relationship: Relationship


class PrimaryCareProvider(_Model):
    entity_identifier_code: Literal["pcp", "dental_pcp", "obgyn"] = None  # type: ignore[assignment]
    entity_type: Literal["person", "non_person_entity"] = None  # type: ignore[assignment]
    first_name: str = None  # type: ignore[assignment]
    identification_code: str
    identification_code_type: Literal["service_provider_number", "national_provider_identifier"]
    last_name: str = None  # type: ignore[assignment]
    middle_name: str = None  # type: ignore[assignment]
    organization_name: str = None  # type: ignore[assignment]
    patient_relationship_code: Literal["established", "not_established", "unknown"] = None  # type: ignore[assignment]


class PCPDetails(_Model):
    providers: list[PrimaryCareProvider]


class EnrolledMember(_Model):
    custom_individual_id: str | None = None
    effective_end_date: IsoDate
    effective_start_date: IsoDate
    event_id: NonEmpty = None  # type: ignore[assignment]
    individual_id: Uuid | None = None
    individual_type: Literal["dependent", "employee"]
    latest_change_effective_date: IsoDate = None  # type: ignore[assignment]
    pcp_details: PCPDetails = None  # type: ignore[assignment]
    volume: Int32 = None  # type: ignore[assignment]


class CobraDetails(_Model):
    cobra_enrolled: bool
    eligibility_end_date: IsoDate
    eligibility_start_date: IsoDate
    qualifying_event_date: IsoDate = None  # type: ignore[assignment]
    qualifying_event_reason: CobraReason = None  # type: ignore[assignment]


class Coverage(_Model):
    carrier_config: dict[str, Any] = None  # type: ignore[assignment]
    carrier_id: Uuid
    cobra_details: CobraDetails = None  # type: ignore[assignment]
    custom_plan_id: NonEmpty = None  # type: ignore[assignment]
    enrolled_members: list[EnrolledMember]
    line_of_coverage: LineOfCoverage
    plan_id: Uuid = None  # type: ignore[assignment]
    plan_name: NonEmpty = None  # type: ignore[assignment]
    signature_date: IsoDate = None  # type: ignore[assignment]


class Event(_Model):
    date: IsoDate
    id: NonEmpty
    reason: EventReason
    type: Literal["coverage", "demographic"]


class OmittedCoverageCustom(_Model):
    effective_end_date: IsoDate = None  # type: ignore[assignment]


class OmittedCoverage(_Model):
    custom: OmittedCoverageCustom = None  # type: ignore[assignment]
    policy: Literal["continue", "reject", "terminate"] = "reject"
    termination_rule: Literal["custom", "end_of_current_month", "end_of_prior_month"] = None  # type: ignore[assignment]


class MemberSnapshot(_Model):
    coverages: list[Coverage] = None  # type: ignore[assignment]
    dependents: list[Dependent] = None  # type: ignore[assignment]
    employee: Employee
    enable_member_auto_link: bool = False
    events: list[Event] = None  # type: ignore[assignment]
    omitted_coverage_handling: OmittedCoverage = None  # type: ignore[assignment]
    snapshot_mode: Literal["current_open"]


class CarrierOverride(_Model):
    carrier_id: Uuid
    connected: bool = None  # type: ignore[assignment]


class RuleSetOverrides(_Model):
    noyo_post: Uuid = None  # type: ignore[assignment]
    noyo_pre: Uuid = None  # type: ignore[assignment]
    platform_post: Uuid = None  # type: ignore[assignment]
    platform_pre: Uuid = None  # type: ignore[assignment]
    primary: Uuid = None  # type: ignore[assignment]


class TestMemberSnapshot(_Model):
    __test__ = False  # not a pytest class
    carrier_overrides: list[CarrierOverride] = None  # type: ignore[assignment]
    member_snapshot: MemberSnapshot
    rule_set_overrides: RuleSetOverrides = None  # type: ignore[assignment]


OPENAPI_MODELS: dict[str, type[BaseModel]] = {
    "InboundMemberSnapshot": MemberSnapshot,
    "InboundTestMemberSnapshot": TestMemberSnapshot,
    "InboundMemberSnapshotEmployee": Employee,
    "InboundMemberSnapshotDependent": Dependent,
    "InboundMemberSnapshotPerson": Person,
    "InboundMemberSnapshotAddress": Address,
    "InboundMemberSnapshotPersonContact": PersonContact,
    "InboundMemberSnapshotPersonDetails": PersonDetails,
    "InboundMemberSnapshotPersonAmericanIndian": PersonAmericanIndian,
    "InboundMemberSnapshotPersonDisability": PersonDisability,
    "InboundMemberSnapshotPersonTobacco": PersonTobacco,
    "InboundMemberSnapshotEmployment": Employment,
    "InboundMemberSnapshotEmploymentDates": EmploymentDates,
    "InboundMemberSnapshotSalary": Salary,
    "InboundMemberSnapshotCoverage": Coverage,
    "InboundMemberSnapshotCOBRADetails": CobraDetails,
    "InboundMemberSnapshotEnrolledMember": EnrolledMember,
    "InboundMemberSnapshotPCPDetails": PCPDetails,
    "InboundMemberSnapshotPrimaryCareProvider": PrimaryCareProvider,
    "InboundMemberSnapshotEvent": Event,
    "InboundMemberSnapshotOmittedCoverage": OmittedCoverage,
    "InboundMemberSnapshotOmittedCoverageCustom": OmittedCoverageCustom,
    "CarrierOverride": CarrierOverride,
    "RuleSetOverrides": RuleSetOverrides,
}
