"""Typed views of the Noyo records the gateway reads, named and shaped as Noyo serves them.

Every model keeps unknown fields (``extra="allow"``): Noyo adds fields over time, and
a record dumped with ``model_dump(mode="json", exclude_unset=True)`` round-trips
without losing data. Timestamps are ints (epoch seconds), dates ``datetime.date``.
Statuses are plain ``str`` (Noyo adds values); the known values are listed in the
``*_STATUSES`` constants. ``MemberSnapshot`` serves both the list item
(``OutboundSimplifiedMemberSnapshot``) and the detail (``OutboundMemberSnapshot``):
the detail-only fields are ``None`` on list items. Models holding personal data
(``Person``, ``Address``) never show values in their ``repr``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import NoyoInvalidResponse

GROUP_CONNECTION_STATUSES = (
    "created",
    "processing",
    "noyo_review",
    "waiting_on_carrier",
    "carrier_authorization",
    "action_required",
    "unable_to_connect",
    "completed",
)
DISCONNECTION_STATUSES = ("needs_review", "processing", "completed", "rejected")
DISCONNECTION_SOURCE_TYPES = (
    "platform",
    "carrier",
    "group_audit_request",
    "group_setup_request",
    "member_transaction",
)
MEMBER_SNAPSHOT_STATUSES = ("submitted", "processing", "completed", "replaced", "canceled")
FULFILLMENT_STATUSES = (
    "invalid",
    "no_changes",
    "processing",
    "replaced",
    "scheduled",
    "sent",
    "valid",
    "not_connected",
)
ENROLLMENT_STATUSES = ("pending", "active", "waived", "terminated")


class NoyoModel(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Redacted(NoyoModel):
    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"

    __str__ = __repr__


class Record(NoyoModel):
    """Fields every versioned Noyo record carries."""

    id: str
    version: str
    created: int
    modified: int


class Meta(NoyoModel):
    offset: int
    page_num: int
    page_size: int
    total_records: int | None = None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a Noyo list: ``{"meta": {...}, "response": [...]}`` (items from ``response``)."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    meta: Meta
    items: list[T] = Field(alias="response")

    @property
    def total(self) -> int | None:
        return self.meta.total_records


# -- groups and carriers -----------------------------------------------------


class Group(Record):
    """GroupResult."""

    name: str
    dba_name: str | None = None
    federal_ein: str | None = None
    organization_id: str | None = None
    sic_code: str | None = None


class Carrier(NoyoModel):
    """CarrierResult (Carrier API); not versioned with timestamps."""

    id: str
    version: str | None = None
    display_name: str
    internal_name: str | None = None
    is_send: bool | None = None
    lines_of_coverage: list[str] = Field(default_factory=list)
    state: str | None = None
    status: str | None = None


class GroupData(NoyoModel):
    """GroupSetupRequestPublicGroupDataResult: the carrier's view of the group."""

    carrier_group_id: str | None = None
    group_name: str | None = None
    broker_federal_ein: str | None = None
    broker_tin: str | None = None
    employer_email_address: str | None = None


class GroupConnection(Record):
    """GroupSetupRequestPublicResult: a group's connection with one carrier."""

    carrier_id: str
    status: str
    group_id: str | None = None
    group_data: GroupData | None = None
    organization_id: str | None = None
    request_type: str | None = None
    setup_result: dict[str, Any] | None = None
    completed: int | None = None
    federal_ein: str | None = None


# -- disconnections ----------------------------------------------------------


class DisconnectionRequest(Record):
    """GroupDisconnectionRequestResult."""

    carrier_id: str
    status: str
    source_type: str
    group_id: str | None = None
    group_name: str | None = None
    organization_id: str | None = None
    source_id: str | None = None
    source_date: dt.date | None = None
    effective_end_date: dt.date | None = None
    decided: int | None = None
    completed: int | None = None


# -- member snapshots --------------------------------------------------------


class CarrierFulfillmentStatus(NoyoModel):
    carrier_id: str
    status: str
    errors: list[str] = Field(default_factory=list)


class CreatedMember(NoyoModel):
    """OutboundMemberSnapshotCreatedMember."""

    id: str
    type: str
    custom_individual_id: str | None = None


class MemberSnapshot(Record):
    """OutboundMemberSnapshot, or its list item (detail-only fields are then None)."""

    employee_id: str
    status: str
    fulfillment_summary: list[CarrierFulfillmentStatus] = Field(default_factory=list)
    replaced_by: str | None = None
    # Detail only:
    warnings: list[str] | None = None
    created_members: list[CreatedMember] | None = None
    member_snapshot: dict[str, Any] | None = None  # MemberSnapshotDB, kept as Noyo's JSON
    inbound_snapshot: str | None = None

    @property
    def is_detail(self) -> bool:
        return self.warnings is not None or self.member_snapshot is not None


class TestMemberSnapshot(NoyoModel):
    """OutboundTestMemberSnapshot: the outcome of a dry run (the snapshot that would be created)."""

    __test__ = False  # not a pytest test class

    member_snapshot: MemberSnapshot
    trace_ids: list[str] = Field(default_factory=list)


# -- employees and enrollments -----------------------------------------------


class Address(_Redacted):
    street_one: str | None = None
    street_two: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    county: str | None = None


class Person(_Redacted):
    first_name: str
    last_name: str
    middle_name: str | None = None
    suffix: str | None = None
    maiden_name: str | None = None
    date_of_birth: dt.date | None = None
    sex: str | None = None
    ssn: str | None = None
    marital_status: str | None = None
    home_address: Address | None = None
    mailing_address: Address | None = None
    contact: dict[str, Any] | None = None
    details: dict[str, Any] | None = None


class EmploymentDates(NoyoModel):
    hire_date: dt.date | None = None
    full_time_start: str | None = None
    rehire: str | None = None
    retirement: str | None = None
    terminated: str | None = None


class Employment(NoyoModel):
    employment_status: str | None = None
    occupation: str | None = None
    hours_worked: int | None = None
    salary: dict[str, Any] | None = None
    employment_dates: EmploymentDates | None = None


class Employee(Record):
    """EmployeeResult."""

    group_id: str
    person: Person
    employment: Employment | None = None
    classifications: dict[str, Any] | None = None
    custom_individual_id: str | None = None
    location_id: str | None = None


class Dependent(Record):
    """DependentResult."""

    employee_id: str
    person: Person
    relationship: str
    custom_individual_id: str | None = None


class IndividualEnrollment(Record):
    """IndividualEnrollmentResult: one member's coverage on one line."""

    group_enrollment_id: str
    individual_id: str
    individual_type: str
    line_of_coverage: str
    plan_id: str | None = None
    status: str
    effective_start_date: dt.date | None = None
    effective_end_date: dt.date | None = None
    enroll_data: dict[str, Any] | None = None
    cobra_enrollment: dict[str, Any] | None = None
    cobra_details: dict[str, Any] | None = None
    pcp_details: dict[str, Any] | None = None


_adapters: dict[Any, TypeAdapter[Any]] = {}


def parse_response(model: Any, data: Any) -> Any:
    """Validate Noyo's JSON into ``model``; a mismatch is a NoyoInvalidResponse with no values in it."""
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(data)
        adapter = _adapters.get(model)
        if adapter is None:
            adapter = _adapters[model] = TypeAdapter(model)
        return adapter.validate_python(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})[:5]
        raise NoyoInvalidResponse(f"Noyo returned an unexpected shape (fields: {', '.join(fields)})") from None
