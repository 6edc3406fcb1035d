"""Reading Noyo's snapshot texts and omitted coverages from records (pure functions, no I/O)."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

from gateway.noyo import MemberSnapshot
from gateway.noyo import snapshot_messages as text
from gateway.noyo import snapshot_outcomes as outcomes
from noyo_emulator.snapshots import messages as noyo_wording

CARRIER, EMPLOYEE, CHILD, NEWBORN = (str(uuid.uuid4()) for _ in range(4))


def coverage(line: str, kind: str, member: str) -> SimpleNamespace:
    return SimpleNamespace(line_of_coverage=line, individual_type=kind, individual_id=member)


def test_every_wording_of_the_emulator_is_read_with_its_carrier_and_coverages():
    # given: Noyo's texts (as the emulator words them) naming two coverages
    named = [coverage("dental", "employee", EMPLOYEE), coverage("critical_illness", "dependent", CHILD)]
    expected = tuple(text.NamedCoverage(c.line_of_coverage, c.individual_type, c.individual_id) for c in named)

    # when / then
    error = text.read_message(noyo_wording.missing_coverages(named), CARRIER)
    assert (error.kind, error.carrier_id, error.coverages) == (text.MISSING_ACTIVE_COVERAGE, CARRIER, expected)
    warning = text.read_message(noyo_wording.carrier_canceled(CARRIER, named))
    assert (warning.kind, warning.carrier_id, warning.coverages) == (text.MISSING_ACTIVE_COVERAGE, CARRIER, expected)
    kept = text.read_message(noyo_wording.coverage_continued(CARRIER, named[1]))
    assert (kept.kind, kept.carrier_id, kept.coverages) == (text.OMITTED_COVERAGE_CONTINUED, CARRIER, expected[1:])
    idle = text.read_message(noyo_wording.not_connected(CARRIER))
    assert (idle.kind, idle.carrier_id, idle.coverages) == (text.CARRIER_NOT_CONNECTED, CARRIER, ())


def test_a_text_not_recognised_is_unknown_and_kept_as_written():
    notice = text.read_message("Plan code SP100 is not offered for dependents.", CARRIER)
    assert (notice.kind, notice.message, notice.carrier_id, notice.coverages) == (
        text.UNKNOWN, "Plan code SP100 is not offered for dependents.", CARRIER, ()
    )


def _record(inbound: dict | None, processed: dict, **extra) -> MemberSnapshot:
    body = {
        "id": str(uuid.uuid4()), "version": str(uuid.uuid4()), "created": 1, "modified": 1,
        "employee_id": EMPLOYEE, "status": "submitted", "warnings": [], "created_members": [],
        "fulfillment_summary": [{"carrier_id": CARRIER, "status": "processing", "errors": []}],
        "member_snapshot": processed, **extra,
    }
    if inbound is not None:
        body["inbound_snapshot"] = json.dumps(inbound)
    return MemberSnapshot.model_validate(body)


def _member(kind: str, member_id: str | None = None, end: str = "9999-12-31", **ids) -> dict:
    found = {"individual_type": kind, "effective_start_date": "2026-01-01", "effective_end_date": end, **ids}
    if member_id:
        found["individual_id"] = member_id
    return found


def test_members_sent_by_the_platforms_ids_are_not_taken_for_omitted_ones():
    # given: a snapshot sending the employee without an id and a new baby by its custom id;
    # Noyo carried back the child's vision coverage, terminated
    inbound = {"coverages": [{"carrier_id": CARRIER, "line_of_coverage": "dental", "enrolled_members": [
        _member("employee"), _member("dependent", custom_individual_id="HR-BABY")]}]}
    processed = {
        "employee": {"id": EMPLOYEE}, "dependents": [{"id": NEWBORN, "custom_individual_id": "HR-BABY"}],
        "coverages": [
            {"carrier_id": CARRIER, "line_of_coverage": "dental",
             "enrolled_members": [_member("employee", EMPLOYEE), _member("dependent", NEWBORN)]},
            {"carrier_id": CARRIER, "line_of_coverage": "vision",
             "enrolled_members": [_member("dependent", CHILD, end="2026-06-30")]},
        ],
    }

    # when
    found = outcomes.omitted_coverages(_record(inbound, processed))

    # then: only the child's vision coverage, terminated on Noyo's date
    assert found == [outcomes.OmittedCoverage(CARRIER, "vision", CHILD, "dependent", outcomes.TERMINATED, "2026-06-30")]


def test_without_inbound_snapshot_the_snapshot_as_sent_is_compared():
    processed = {"coverages": [{"carrier_id": CARRIER, "line_of_coverage": "dental", "enrolled_members": [
        _member("employee", EMPLOYEE), _member("dependent", CHILD)]}]}
    sent = {"coverages": [{"carrier_id": CARRIER, "line_of_coverage": "dental",
                           "enrolled_members": [_member("employee", EMPLOYEE)]}]}

    record = _record(None, processed)

    assert outcomes.omitted_coverages(record) == []  # nothing to compare with: nothing claimed
    [kept] = outcomes.omitted_coverages(record, sent)
    assert (kept.individual_id, kept.outcome, kept.effective_end_date) == (CHILD, outcomes.CONTINUED, "9999-12-31")


def test_reject_reads_only_invalid_carriers_errors():
    # given: an error naming a missing coverage on an invalid entry, and one on an entry that is not invalid
    other = str(uuid.uuid4())
    missing = noyo_wording.missing_coverages([coverage("dental", "dependent", CHILD)])
    record = _record({}, {}, fulfillment_summary=[
        {"carrier_id": CARRIER, "status": "invalid", "errors": [missing, "Something else."]},
        {"carrier_id": other, "status": "processing", "errors": [missing]},
    ])

    # when / then
    assert outcomes.rejected(record) == [
        outcomes.OmittedCoverage(CARRIER, "dental", CHILD, "dependent", outcomes.CANCELED_FOR_CARRIER, message=missing)
    ]
