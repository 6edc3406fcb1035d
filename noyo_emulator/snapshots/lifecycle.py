"""Member snapshot statuses over time, replacement, and applying completed snapshots.

``tick`` moves snapshots with the clock: ``submitted`` on the day they arrive,
``processing`` one day later, ``completed`` two or more days later (carrier
entries ``processing`` -> ``sent``). The arrival day is the UTC date of
``created`` (``state.now()`` stamps the emulator's day). Completing a snapshot
applies it at every carrier it was ``sent`` to: the employee's demographics are
updated and enrollments are created, re-planned or given their end dates
(``terminated`` once that date is past). ``replace_older`` marks the employee's
pending snapshots ``replaced``. Every status change emits
``member_snapshot.status_change``, and one that moved a carrier's entry of the
``fulfillment_summary`` also ``member_snapshot_carrier_fulfillment_status.status_change``.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from ..state import OPEN_END_DATE, Record, State

PENDING = ("submitted", "processing")
PENDING_CARRIER = ("processing", "valid", "scheduled")


def arrival_day(snapshot: Record) -> dt.date:
    return dt.datetime.fromtimestamp(snapshot["created"], dt.UTC).date()


FULFILLMENT_EVENT = "member_snapshot_carrier_fulfillment_status.status_change"


def _carrier_statuses(snapshot: Record) -> list[Any]:
    return [entry.get("status") for entry in snapshot.get("fulfillment_summary") or []]


def _touch(state: State, snapshot: Record, status: str, carriers_before: list[Any] | None = None) -> None:
    snapshot["status"] = status
    snapshot["modified"] = state.now()
    snapshot["version"] = state.new_id()
    state.emit("member_snapshot.status_change", snapshot["id"])
    if carriers_before is not None and carriers_before != _carrier_statuses(snapshot):
        state.emit(FULFILLMENT_EVENT, snapshot["id"])


def replace_older(state: State, newer: Record) -> None:
    """Mark the employee's still-pending snapshots as replaced by ``newer``."""
    for snapshot in sorted(state.snapshots.values(), key=lambda s: (s["created"], s["id"])):
        if snapshot["id"] == newer["id"] or snapshot["employee_id"] != newer["employee_id"]:
            continue
        if snapshot["status"] not in PENDING:
            continue
        snapshot["replaced_by"] = newer["id"]
        before = _carrier_statuses(snapshot)
        for entry in snapshot.get("fulfillment_summary") or []:
            if entry["status"] in PENDING_CARRIER:
                entry["status"] = "replaced"
        _touch(state, snapshot, "replaced", before)


def tick(state: State) -> None:
    """Advance every pending snapshot to the status its age calls for."""
    for snapshot in sorted(state.snapshots.values(), key=lambda s: (s["created"], s["id"])):
        if snapshot["status"] not in PENDING:
            continue
        age = (state.today - arrival_day(snapshot)).days
        if age >= 2:
            complete(state, snapshot)
        elif age >= 1 and snapshot["status"] == "submitted":
            _touch(state, snapshot, "processing")


def complete(state: State, snapshot: Record) -> None:
    group_id = (state.employees.get(snapshot["employee_id"]) or {}).get("group_id")
    before = _carrier_statuses(snapshot)
    for entry in snapshot.get("fulfillment_summary") or []:
        if entry["status"] not in PENDING_CARRIER:
            continue
        if group_id is not None and state.is_disconnected(group_id, entry["carrier_id"]):
            entry["status"] = "not_connected"
            continue
        entry["status"] = "sent"
        if group_id is not None:
            apply_at_carrier(state, group_id, snapshot["member_snapshot"], entry["carrier_id"])
    _update_employee(state, snapshot)
    _touch(state, snapshot, "completed", before)


def _update_employee(state: State, snapshot: Record) -> None:
    employee = state.employees.get(snapshot["employee_id"])
    sent = snapshot["member_snapshot"].get("employee") or {}
    if employee is None:
        return
    employee["person"] = copy.deepcopy(sent.get("person", employee.get("person")))
    employee["employment"] = copy.deepcopy(sent.get("employment", employee.get("employment")))
    if sent.get("classifications") is not None:
        employee["classifications"] = copy.deepcopy(sent["classifications"])
    employee["modified"] = state.now()
    employee["version"] = state.new_id()


def _group_enrollment(state: State, group_id: str, carrier_id: str, line: str, plan_id: str | None) -> Record:
    candidates = [
        ge
        for ge in state.group_enrollments.values()
        if ge["group_id"] == group_id and ge["carrier_id"] == carrier_id and ge["line_of_coverage"] == line
    ]
    for ge in candidates:
        if plan_id is None or ge.get("plan_id") == plan_id:
            return ge
    ge_id = state.new_id()
    record = {
        "id": ge_id,
        "group_id": group_id,
        "carrier_id": carrier_id,
        "line_of_coverage": line,
        "plan_id": plan_id or state.new_id(),
    }
    state.group_enrollments[ge_id] = record
    return record


def _end(state: State, enrollment: Record, end_date: str) -> None:
    enrollment["effective_end_date"] = end_date
    if end_date < state.today.isoformat():
        enrollment["status"] = "terminated"
    enrollment["modified"] = state.now()
    enrollment["version"] = state.new_id()


def _current(state: State, carrier_id: str, line: str, individual_id: str) -> Record | None:
    today = state.today.isoformat()
    for enrollment in state.enrollments.values():
        if (
            enrollment.get("individual_id") == individual_id
            and enrollment.get("line_of_coverage") == line
            and enrollment.get("status") == "active"
            and (enrollment.get("effective_end_date") or OPEN_END_DATE) >= today
            and state.carrier_of_group_enrollment(enrollment.get("group_enrollment_id", "")) == carrier_id
        ):
            return enrollment
    return None


def _day_before(date: str) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


def apply_at_carrier(state: State, group_id: str, member_snapshot: dict[str, Any], carrier_id: str) -> None:
    """Make the carrier's enrollments match the snapshot's coverages at ``carrier_id``."""
    today = state.today.isoformat()
    for coverage in member_snapshot.get("coverages") or []:
        if coverage["carrier_id"] != carrier_id:
            continue
        line, plan_id = coverage["line_of_coverage"], coverage.get("plan_id")
        for member in coverage.get("enrolled_members") or []:
            individual_id = member.get("individual_id")
            if not individual_id:
                continue
            end = member.get("effective_end_date") or OPEN_END_DATE
            existing = _current(state, carrier_id, line, individual_id)
            if existing is not None and (plan_id is None or existing.get("plan_id") == plan_id):
                if end != (existing.get("effective_end_date") or OPEN_END_DATE):
                    _end(state, existing, end)
                continue
            if existing is not None:  # a plan change: the old plan ends the day before
                previous_end = _day_before(member["effective_start_date"])
                _end(state, existing, max(previous_end, existing.get("effective_start_date") or ""))
            if end < today:
                continue
            ge = _group_enrollment(state, group_id, carrier_id, line, plan_id)
            now = state.now()
            enrollment_id = state.new_id()
            state.enrollments[enrollment_id] = {
                "id": enrollment_id,
                "version": state.new_id(),
                "group_enrollment_id": ge["id"],
                "line_of_coverage": line,
                "status": "active",
                "individual_type": member["individual_type"],
                "individual_id": individual_id,
                "plan_id": ge["plan_id"],
                "enroll_data": {},
                "effective_start_date": member["effective_start_date"],
                "effective_end_date": end,
                "cobra_enrollment": {"cobra_enrolled": False},
                "created": now,
                "modified": now,
            }
