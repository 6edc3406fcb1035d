"""The seeded world: deterministic, complete enough for every scenario, shaped like Noyo's records."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import pytest

from noyo_emulator import world
from noyo_emulator.state import DEFAULT_TODAY, State
from tests.contract import ContractChecker

CONNECTION_STATUSES = {
    "created", "processing", "noyo_review", "waiting_on_carrier",
    "carrier_authorization", "action_required", "unable_to_connect", "completed",
}


def build(seed: int = 42) -> State:
    return world.build_state(seed, DEFAULT_TODAY)


@pytest.fixture(scope="module")
def state() -> State:
    return build()


def test_same_seed_gives_the_same_world() -> None:
    first, second = build(42), build(42)
    assert list(first.groups) == list(second.groups)
    assert list(first.groups.values()) == list(second.groups.values())
    assert list(first.disconnections.values()) == list(second.disconnections.values())
    assert list(first.snapshots) == list(second.snapshots)


def test_another_seed_gives_another_world() -> None:
    first, other = build(42), build(7)
    assert set(first.groups).isdisjoint(other.groups)
    assert [g["name"] for g in first.groups.values()] != [g["name"] for g in other.groups.values()]


RECORD_TABLES = ("carriers", "groups", "connections", "employees", "dependents",
                 "group_enrollments", "enrollments", "disconnections", "snapshots")


def build_counting_calls(seed: int) -> tuple[int, int]:
    """(function calls, Python's and C's, made by one build; records built)."""
    calls = 0

    def count(frame, event, arg) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        state = build(seed)
    finally:
        sys.setprofile(None)
    return calls, sum(len(getattr(state, name)) for name in RECORD_TABLES)


def test_populate_does_bounded_work_per_record(monkeypatch) -> None:
    # Every test builds a world, so building must stay cheap. Its time is measured in
    # `python -m bench world`; here, the work: function calls per record built.
    # given: the world at half its size, and at its size
    monkeypatch.setattr(world, "GROUP_COUNT", world.GROUP_COUNT // 2)
    small_calls, small_records = build_counting_calls(1234)
    monkeypatch.undo()
    calls, records = build_counting_calls(1234)

    # then: a few dozen calls per record (about 40 now), and no more per record in the bigger
    # world (nothing scans what was built so far for each new record)
    assert records > small_records
    assert calls / records <= 60
    assert calls / records <= 1.1 * small_calls / small_records


def test_required_counts(state: State) -> None:
    assert len(state.groups) >= 200
    assert len(state.carriers) >= 10
    assert 0.05 * len(state.groups) <= len(state.protected_group_ids) <= 0.15 * len(state.groups)
    assert len(state.disconnections) >= 60
    assert {c["is_send"] for c in state.carriers.values()} == {True, False}


def test_every_connection_status_appears_and_most_are_completed(state: State) -> None:
    statuses = Counter(c["status"] for c in state.connections.values())
    assert set(statuses) == CONNECTION_STATUSES
    assert statuses["completed"] > len(state.connections) / 2
    per_group = Counter(c["group_id"] for c in state.connections.values())
    assert sum(1 for n in per_group.values() if 1 <= n <= 4) > 0.8 * len(state.groups)


def test_disconnections_cover_every_status_and_source(state: State) -> None:
    records = list(state.disconnections.values())
    assert {d["status"] for d in records} == {"needs_review", "processing", "completed", "rejected"}
    assert {d["source_type"] for d in records} == {
        "platform", "carrier", "group_audit_request", "group_setup_request", "member_transaction"
    }
    carrier_review = [d for d in records if d["status"] == "needs_review" and d["source_type"] == "carrier"]
    assert any("effective_end_date" in d for d in carrier_review)
    assert any("effective_end_date" not in d for d in carrier_review)


def test_disconnection_invariants(state: State) -> None:
    today = state.today.isoformat()
    open_pairs = Counter(
        (d["group_id"], d["carrier_id"]) for d in state.disconnections.values() if d["status"] in ("needs_review", "processing")
    )
    assert max(open_pairs.values()) == 1
    for d in state.disconnections.values():
        assert d["group_name"] == state.groups[d["group_id"]]["name"]
        assert state.connection_for(d["group_id"], d["carrier_id"]) is not None
        if d["status"] == "processing":
            assert d["effective_end_date"] > today
        if d["status"] == "completed":
            assert d["effective_end_date"] <= today
        if d["group_id"] in state.protected_group_ids:
            assert d["status"] == "rejected"


def test_people_have_coverage_at_completed_carriers_only(state: State) -> None:
    carriers_per_family: dict[str, set[str]] = {}
    dependents_enrolled = 0
    for enrollment in state.enrollments.values():
        ge = state.group_enrollments[enrollment["group_enrollment_id"]]
        connection = state.connection_for(ge["group_id"], ge["carrier_id"])
        assert connection is not None and connection["status"] == "completed"
        assert enrollment["status"] == "active" and enrollment["effective_end_date"] == "9999-12-31"
        if enrollment["individual_type"] == "dependent":
            dependents_enrolled += 1
            employee_id = state.dependents[enrollment["individual_id"]]["employee_id"]
        else:
            employee_id = enrollment["individual_id"]
        carriers_per_family.setdefault(employee_id, set()).add(ge["carrier_id"])
    assert sum(1 for c in carriers_per_family.values() if len(c) >= 2) >= 20
    assert dependents_enrolled >= 20


def test_snapshots_in_every_status_agree_with_the_clock(state: State) -> None:
    snapshots = list(state.snapshots.values())
    assert {s["status"] for s in snapshots} == {"submitted", "processing", "completed", "replaced", "canceled"}
    midnight = int(dt.datetime.combine(state.today, dt.time(), tzinfo=dt.timezone.utc).timestamp())
    for snapshot in snapshots:
        age_days = (midnight - snapshot["created"]) // 86400 + 1 if snapshot["created"] < midnight else 0
        if snapshot["status"] == "submitted":
            assert age_days == 0
        elif snapshot["status"] == "processing":
            assert age_days == 1
        elif snapshot["status"] == "completed":
            assert age_days >= 2
        elif snapshot["status"] == "replaced":
            newer = state.snapshots[snapshot["replaced_by"]]
            assert newer["employee_id"] == snapshot["employee_id"] and newer["created"] > snapshot["created"]


def test_seeded_records_match_noyos_schemas(state: State, shared_noyo: Path) -> None:
    # given every seeded record / when validated against the published component schemas
    checker = ContractChecker(shared_noyo)
    problems: list[str] = []
    tables = [
        ("GroupResult", state.groups, False),
        ("CarrierResult", state.carriers, True),
        ("GroupSetupRequestPublicResult", state.connections, False),
        ("EmployeeResult", state.employees, False),
        ("DependentResult", state.dependents, False),
        ("IndividualEnrollmentResult", state.enrollments, False),
        ("GroupDisconnectionRequestResult", state.disconnections, False),
        ("OutboundMemberSnapshot", state.snapshots, False),
    ]
    for schema, records, carrier in tables:
        for record in records.values():
            problems += [f"{schema} {record['id']}: {p}" for p in checker.schema_errors(schema, record, carrier=carrier)]
    # then none violates them
    assert problems == []
