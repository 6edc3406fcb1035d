"""Input translation, Noyo path mapping and redaction (pure functions of the write path)."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.noyo.errors import NoyoConflict, NoyoTimeout, NoyoUnavailable, NoyoValidationError
from gateway.schema.carriers.enums import LineOfCoverage
from gateway.schema.employees.enums import EmploymentStatus, IndividualType
from gateway.schema.snapshots.inputs import (
    CoverageInput,
    EmployeeInput,
    EmploymentDatesInput,
    EmploymentInput,
    EnrolledMemberInput,
    EventInput,
    MemberSnapshotInput,
)
from gateway.schema.members.enums import Sex, SnapshotEventReason, SnapshotEventType, UsState
from gateway.schema.snapshots.mutations import argument_path
from gateway.schema.snapshots.person_inputs import AddressInput, PersonInput
from gateway.writes import errors_from_noyo, redact

CARRIER = "6f1c8a4e-0a4b-4c43-9a51-6d3c1a2b9e10"
PLAN = "0b7e3f2a-5d6c-4e8f-9a1b-2c3d4e5f6a7b"


def person(**overrides) -> PersonInput:
    address = AddressInput(street_one="1 Main St", city="Bend", state=UsState.OR, zip_code="97701")
    values = dict(first_name="Ada", last_name="Quill", sex=Sex.F, date_of_birth=dt.date(1980, 5, 6),
                  home_address=address, mailing_address=address)
    values.update(overrides)
    return PersonInput(**values)


def snapshot(**overrides) -> MemberSnapshotInput:
    employment = EmploymentInput(employment_dates=EmploymentDatesInput(hire_date=dt.date(2020, 1, 2)),
                                 employment_status=EmploymentStatus.FULL_TIME, hours_worked=40)
    coverage = CoverageInput(carrier_id=CARRIER, line_of_coverage=LineOfCoverage.DENTAL, plan_id=PLAN,
                             enrolled_members=[EnrolledMemberInput(individual_type=IndividualType.EMPLOYEE,
                                                                   effective_start_date=dt.date(2026, 1, 1),
                                                                   event_id="e1")])
    values = dict(employee=EmployeeInput(person=person(), employment=employment, custom_individual_id="P-1"),
                  coverages=[coverage],
                  events=[EventInput(id="e1", type=SnapshotEventType.COVERAGE,
                                     reason=SnapshotEventReason.OPEN_ENROLLMENT, date=dt.date(2025, 11, 1))])
    values.update(overrides)
    return MemberSnapshotInput(**values)


def test_snapshot_translates_to_noyo_json_without_unset_fields() -> None:
    result = snapshot().to_noyo()

    assert result.problems == []
    body = result.body
    assert body["snapshot_mode"] == "current_open"
    assert set(body) == {"employee", "coverages", "events", "snapshot_mode"}
    assert body["employee"]["person"]["date_of_birth"] == "1980-05-06"
    assert body["employee"]["person"]["home_address"] == {
        "street_one": "1 Main St", "city": "Bend", "state": "OR", "zip_code": "97701"}
    assert body["employee"]["employment"] == {
        "employment_dates": {"hire_date": "2020-01-02"}, "employment_status": "full-time", "hours_worked": 40}
    assert body["coverages"][0]["enrolled_members"] == [{
        "individual_type": "employee", "effective_start_date": "2026-01-01",
        "effective_end_date": "9999-12-31", "event_id": "e1"}]
    assert body["events"] == [{"id": "e1", "type": "coverage", "reason": "open_enrollment", "date": "2025-11-01"}]
    # personal values are collected for redaction
    assert {"Ada", "Quill", "1980-05-06", "1 Main St", "97701"} <= result.secrets


def test_cross_field_problems_carry_argument_paths() -> None:
    bad_member = EnrolledMemberInput(individual_type=IndividualType.DEPENDENT, effective_start_date=dt.date(2026, 2, 1),
                                     effective_end_date=dt.date(2026, 1, 1), event_id="nope")
    coverage = CoverageInput(carrier_id="x", line_of_coverage=LineOfCoverage.DENTAL, enrolled_members=[bad_member])

    problems = snapshot(coverages=[coverage]).to_noyo().problems

    member = ("snapshot", "coverages", "0", "enrolledMembers", "0")
    assert {p.field for p in problems} == {
        (*member, "effectiveEndDate"),  # before the start
        (*member, "eventId"),  # no such event
        ("snapshot", "coverages", "0", "carrierId"),  # not a UUID
        ("snapshot", "coverages", "0", "planId"),  # neither planId nor planName
    }
    assert {p.code for p in problems} == {"VALIDATION"}


def test_ssn_problem_never_echoes_the_value() -> None:
    [problem] = snapshot(employee=EmployeeInput(
        person=person(ssn="000112222"), employment=snapshot().employee.employment)).to_noyo().problems
    assert problem.field == ("snapshot", "employee", "person", "ssn")
    assert "000112222" not in problem.message


@pytest.mark.parametrize(
    ("noyo_path", "expected"),
    [
        ("employee.person.ssn", ("snapshot", "employee", "person", "ssn")),
        ("coverages[0].enrolled_members[12].effective_end_date",
         ("snapshot", "coverages", "0", "enrolledMembers", "12", "effectiveEndDate")),
        ("member_snapshot.dependents[1].person.home_address.zip_code",
         ("snapshot", "dependents", "1", "person", "homeAddress", "zipCode")),
        ("omitted_coverage_handling.termination_rule", ("omittedCoverageHandling", "terminationRule")),
        ("<body>", None),
    ],
)
def test_noyo_paths_map_to_argument_paths(noyo_path: str, expected: tuple | None) -> None:
    assert argument_path(noyo_path) == expected


def test_upstream_messages_are_redacted_and_mapped() -> None:
    error = NoyoValidationError("effective_end_date: Quill's date 1980-05-06 is wrong", 422)

    outcome = errors_from_noyo(error, lambda f: ("input", "effectiveEndDate") if f == "effective_end_date" else None,
                               {"Quill", "1980-05-06"})

    [mapped] = outcome.errors
    assert (mapped.code, mapped.field) == ("VALIDATION", ("input", "effectiveEndDate"))
    assert "Quill" not in mapped.message and "1980-05-06" not in mapped.message
    assert redact("a Quillon b", ["Quill", "Quillon"]) == "a [redacted] b"  # longest secret first


def test_outages_are_transient_with_generic_messages_and_4xx_are_not() -> None:
    timeout = errors_from_noyo(NoyoTimeout("read timed out at 10.0.0.3"))
    down = errors_from_noyo(NoyoUnavailable("Noyo unreachable (ConnectError)", 503))
    conflict = errors_from_noyo(NoyoConflict("stale", 409))

    assert (timeout.transient, timeout.errors[0].code) == (True, "UPSTREAM_TIMEOUT")
    assert "10.0.0.3" not in timeout.errors[0].message
    assert (down.transient, down.errors[0].code) == (True, "UPSTREAM_UNAVAILABLE")
    assert (conflict.transient, conflict.errors[0].code) == (False, "CONFLICT")
