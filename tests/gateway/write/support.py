"""GraphQL documents and seeded-world pickers shared by the write-path tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.applications import Starlette

PAYLOAD = """
    disconnectionRequest { id: noyoId version status effectiveEndDate sourceType groupId carrier { id: noyoId } }
    errors { code field message currentVersion }
"""
REQUEST = f"""
mutation($input: CreateDisconnectionRequestInput!, $key: String) {{
  createDisconnectionRequest(input: $input, idempotencyKey: $key) {{ {PAYLOAD} }}
}}"""
CONFIRM = f"""
mutation($id: ID!, $date: Date) {{ confirmDisconnectionRequest(id: $id, effectiveEndDate: $date) {{ {PAYLOAD} }} }}"""
REJECT = f"""
mutation($id: ID!, $reason: DisconnectionRejectionReason, $context: String) {{
  rejectDisconnectionRequest(id: $id, reason: $reason, context: $context) {{ {PAYLOAD} }}
}}"""
EDIT = f"""
mutation($id: ID!, $version: String!, $input: EditDisconnectionRequestInput!) {{
  editDisconnectionRequest(id: $id, version: $version, input: $input) {{ {PAYLOAD} }}
}}"""
REVIEW_QUEUE = "query { reviewQueue(first: 100) { totalCount edges { node { id: noyoId status } } } }"
CREATE_PATH = "POST /api/v1/group_disconnection_requests"


def state_of(emulator_app: Starlette) -> Any:
    return emulator_app.state.emulator


def today(emulator_app: Starlette) -> dt.date:
    return state_of(emulator_app).today


def connected_pairs(emulator_app: Starlette, *, protected: bool = False) -> list[tuple[str, str]]:
    """(group_id, carrier_id) with a completed connection and no open or completed request."""
    state = state_of(emulator_app)
    busy = {
        (r["group_id"], r["carrier_id"])
        for r in state.disconnections.values()
        if r["status"] in ("needs_review", "processing", "completed")
    }
    pairs = []
    for conn in sorted(state.connections.values(), key=lambda c: c["id"]):
        pair = (conn["group_id"], conn["carrier_id"])
        is_protected = conn["group_id"] in state.protected_group_ids
        if conn["status"] == "completed" and pair not in busy and is_protected == protected:
            pairs.append(pair)
    return pairs


async def carrier_request(hooks: Any, group_id: str, carrier_id: str, end: dt.date | None = None) -> dict:
    """The ``needs_review`` request Noyo opens from a carrier signal (optionally dated)."""
    body = {"group_id": group_id, "carrier_id": carrier_id}
    if end is not None:
        body["effective_end_date"] = end.isoformat()
    response = await hooks.post("/__emulator/carrier-disconnection", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in result, result.get("errors")
    return result["data"][name]


def queue_ids(result: dict[str, Any]) -> set[str]:
    return {edge["node"]["id"] for edge in payload(result, "reviewQueue")["edges"]}


# -- member snapshots -------------------------------------------------------------------------

SUBMIT = """
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!, $handling: OmittedCoverageHandlingInput, $key: String) {
  submitMemberSnapshot(groupId: $groupId, snapshot: $snapshot, omittedCoverageHandling: $handling, idempotencyKey: $key) {
    memberSnapshot { id: noyoId status employeeId warnings fulfillment { carrierId status errors } }
    omittedCoverages { carrierId lineOfCoverage individualId individualType effectiveEndDate terminated }
    errors { code field message }
  }
}"""
TEST = """
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!, $handling: OmittedCoverageHandlingInput) {
  testMemberSnapshot(groupId: $groupId, snapshot: $snapshot, omittedCoverageHandling: $handling) {
    testResult {
      traceIds
      memberSnapshot { id: noyoId status warnings fulfillment { carrierId status } }
      omittedCoverages { carrierId lineOfCoverage effectiveEndDate terminated }
    }
    errors { code field message }
  }
}"""
SNAPSHOT_PATH = "POST /api/v1/groups/{group_id}/member_snapshots"
TEST_PATH = "POST /api/v1/groups/{group_id}/member_snapshots/test"

# Noyo keys whose string values are enum values (GraphQL enum names are their upper case).
_ENUM_KEYS = {
    "sex", "marital_status", "state", "email_address_type", "preferred_method", "types", "employment_status",
    "type", "unit", "relationship", "line_of_coverage", "individual_type", "reason",
}
_OPAQUE_KEYS = {"classifications", "carrier_config"}  # JSON scalars: passed as they are
_NOT_INPUTS = {"group_id", "snapshot_mode"}  # in Noyo's current snapshot, not in MemberSnapshotInput


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_input(value: Any, key: str | None = None) -> Any:
    """Noyo's snapshot JSON as ``MemberSnapshotInput`` variables (camelCase keys, enum names)."""
    if key in _OPAQUE_KEYS:
        return value
    if isinstance(value, dict):
        return {_camel(k): to_input(v, k) for k, v in value.items() if k not in _NOT_INPUTS}
    if isinstance(value, list):
        return [to_input(v, key) for v in value]
    if key in _ENUM_KEYS and isinstance(value, str):
        return value.upper().replace("-", "_")
    return value


def families(emulator_app: Starlette, carrier_count: int) -> list[dict[str, Any]]:
    """Employees whose active coverages span ``carrier_count`` live carriers, none with a
    disconnection request, as ``{"employee_id", "group_id", "carrier_ids"}``."""
    from noyo_emulator.snapshots.omitted_coverage import current_enrollments

    state = state_of(emulator_app)
    requested = {(r["group_id"], r["carrier_id"]) for r in state.disconnections.values()}
    found = []
    for employee in sorted(state.employees.values(), key=lambda e: e["id"]):
        carriers = sorted({c for c, _ in current_enrollments(state, state.family_of(employee["id"]))})
        group_id = employee["group_id"]
        if len(carriers) == carrier_count and not any((group_id, c) in requested for c in carriers):
            found.append({"employee_id": employee["id"], "group_id": group_id, "carrier_ids": carriers})
    return found


async def current_snapshot(noyo: Any, employee_id: str) -> dict[str, Any]:
    """The employee's current snapshot as Noyo serves it (InboundMemberSnapshot JSON)."""
    response = await noyo.get(f"/api/v1/employees/{employee_id}/member_snapshot")
    response.raise_for_status()
    return response.json()


def without_coverage(snapshot: dict[str, Any], carrier_id: str, count: int = 1) -> tuple[dict[str, Any], list[dict]]:
    """``snapshot`` minus the first ``count`` coverages at ``carrier_id``; returns (snapshot, dropped)."""
    kept, dropped = [], []
    for coverage in snapshot["coverages"]:
        if coverage["carrier_id"] == carrier_id and len(dropped) < count:
            dropped.append(coverage)
        else:
            kept.append(coverage)
    return {**snapshot, "coverages": kept}, dropped
