"""Member snapshot routes (Noyo's paths).

Creation validates the body (``validation``), resolves the people
(``members``), decides the per-carrier outcome (``outcome``),
then stores the ``OutboundMemberSnapshot`` and replaces the employee's pending
snapshots. The ``/test`` variant runs the same steps and stores nothing; the snapshot
it returns carries ``inbound_snapshot`` too. Lists
are ordered oldest first (``created``, then ``id``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..http import csv_filter, csv_values, find_or_404, json_body, paginate, state_of
from ..state import Record, State
from .current import current_snapshot
from .lifecycle import replace_older
from .members import IdFactory, resolve_members
from .outcome import decide
from .validation import SnapshotInvalid, check_snapshot, check_test_snapshot, invalid_response

SIMPLIFIED_KEYS = ("id", "version", "created", "modified", "employee_id", "status", "fulfillment_summary")


def _dry_ids(state: State, body: dict[str, Any]) -> IdFactory:
    """Deterministic ids for a dry run that leave the seeded id sequence untouched."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    counter = iter(range(1_000_000))
    namespace = uuid.UUID(int=state.seed % (2**128))
    return lambda: str(uuid.uuid5(namespace, f"{digest}-{next(counter)}"))


def _build(
    state: State, group_id: str, snapshot: dict[str, Any], new_id: IdFactory, overrides: dict[str, bool] | None
) -> tuple[Record, Any]:
    members = resolve_members(state, group_id, snapshot, new_id)
    outcome = decide(state, group_id, members, overrides)
    now = state.now()
    record: Record = {
        "id": new_id(),
        "version": new_id(),
        "created": now,
        "modified": now,
        "employee_id": members.employee_id,
        "status": outcome.status,
        "warnings": outcome.warnings,
        "fulfillment_summary": outcome.fulfillment_summary,
        "created_members": members.created_members,
        "member_snapshot": outcome.member_snapshot,
    }
    return record, members


def _as_received(body: dict[str, Any]) -> str:
    """``inbound_snapshot``: the snapshot exactly as received, before Noyo's processing."""
    return json.dumps(body, separators=(",", ":"))


async def create_snapshot(request: Request) -> Response:
    state = state_of(request)
    group_id = request.path_params["group_id"]
    find_or_404(state.groups, group_id, "Group")
    body = await json_body(request)
    problems = check_snapshot(body)
    if problems:
        return invalid_response(problems)
    try:
        record, members = _build(state, group_id, body, state.new_id, None)
    except SnapshotInvalid as exc:
        return invalid_response(exc.problems)
    members.commit(state)
    record["inbound_snapshot"] = _as_received(body)
    state.snapshots[record["id"]] = record
    state.emit("member_snapshot.status_change", record["id"])
    if record["status"] != "canceled":
        replace_older(state, record)
    return JSONResponse(record, status_code=201)


async def test_snapshot(request: Request) -> Response:
    state = state_of(request)
    group_id = request.path_params["group_id"]
    find_or_404(state.groups, group_id, "Group")
    body = await json_body(request)
    problems = check_test_snapshot(body)
    if problems:
        return invalid_response(problems)
    overrides = {
        o["carrier_id"]: o["connected"] for o in body.get("carrier_overrides") or [] if o.get("connected") is not None
    }
    new_id = _dry_ids(state, body)
    try:
        record, _ = _build(state, group_id, body["member_snapshot"], new_id, overrides)
    except SnapshotInvalid as exc:
        return invalid_response(exc.problems)
    record["inbound_snapshot"] = _as_received(body["member_snapshot"])
    return JSONResponse({"member_snapshot": record, "trace_ids": [new_id()]})


async def get_snapshot(request: Request) -> Response:
    state = state_of(request)
    return JSONResponse(find_or_404(state.snapshots, request.path_params["snapshot_id"], "MemberSnapshot"))


def _group_of(state: State, snapshot: Record) -> str | None:
    return (state.employees.get(snapshot["employee_id"]) or {}).get("group_id")


def _summary_matches(key: str, values: set[str], snapshot: Record) -> bool:
    return any(str(entry.get(key)).lower() in values for entry in snapshot.get("fulfillment_summary") or [])


def _filters(request: Request, state: State) -> list[Callable[[Record], bool]]:
    checks = [check for param in ("id", "employee_id", "status") if (check := csv_filter(request, param)) is not None]
    group_ids = csv_values(request, "group_id")
    if group_ids is not None:
        checks.append(lambda s: str(_group_of(state, s) or "").lower() in group_ids)
    for param, key in (("fulfillment_summary_carrier_id", "carrier_id"), ("fulfillment_summary_status", "status")):
        values = csv_values(request, param)
        if values is not None:
            checks.append(functools.partial(_summary_matches, key, values))
    return checks


def _listing(request: Request, state: State, base: Callable[[Record], bool]) -> JSONResponse:
    checks = [base, *_filters(request, state)]
    found = [s for s in state.snapshots.values() if all(check(s) for check in checks)]
    found.sort(key=lambda s: (s["created"], s["id"]))
    simplified = [{k: s[k] for k in SIMPLIFIED_KEYS if k in s} for s in found]
    return JSONResponse(paginate(request, simplified))


async def list_snapshots(request: Request) -> Response:
    return _listing(request, state_of(request), lambda s: True)


async def list_group_snapshots(request: Request) -> Response:
    state = state_of(request)
    group_id = request.path_params["group_id"]
    find_or_404(state.groups, group_id, "Group")
    return _listing(request, state, lambda s: _group_of(state, s) == group_id)


async def list_employee_snapshots(request: Request) -> Response:
    state = state_of(request)
    employee_id = request.path_params["employee_id"]
    find_or_404(state.employees, employee_id, "Employee")
    return _listing(request, state, lambda s: s["employee_id"] == employee_id)


async def employee_current_snapshot(request: Request) -> Response:
    state = state_of(request)
    employee = find_or_404(state.employees, request.path_params["employee_id"], "Employee")
    return JSONResponse(current_snapshot(state, employee))


routes = [
    Route("/api/v1/groups/{group_id}/member_snapshots", list_group_snapshots, methods=["GET"]),
    Route("/api/v1/groups/{group_id}/member_snapshots", create_snapshot, methods=["POST"]),
    Route("/api/v1/groups/{group_id}/member_snapshots/test", test_snapshot, methods=["POST"]),
    Route("/api/v1/member_snapshots", list_snapshots, methods=["GET"]),
    Route("/api/v1/member_snapshots/{snapshot_id}", get_snapshot, methods=["GET"]),
    Route("/api/v1/employees/{employee_id}/member_snapshots", list_employee_snapshots, methods=["GET"]),
    Route("/api/v1/employees/{employee_id}/member_snapshot", employee_current_snapshot, methods=["GET"]),
]
