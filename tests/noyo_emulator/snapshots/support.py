"""Helpers for the member snapshot tests: picking seeded families and editing snapshots."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from starlette.applications import Starlette

from noyo_emulator.snapshots.omitted_coverage import current_enrollments
from noyo_emulator.snapshots.outcome import is_connected
from noyo_emulator.state import State

API = "/api/v1"


def state_of(app: Starlette) -> State:
    return app.state.emulator


def pick_employee(app: Starlette, carriers: int, *, dependents: bool = True) -> dict[str, Any]:
    """A seeded employee, without snapshots, whose coverages span ``carriers`` connected carriers."""
    state = state_of(app)
    busy = {s["employee_id"] for s in state.snapshots.values()}
    for employee in state.employees.values():
        family = state.family_of(employee["id"])
        if employee["id"] in busy or (len(family) > 1) != dependents:
            continue
        found = {c for c, _ in current_enrollments(state, family)}
        if employee["group_id"] in state.protected_group_ids:
            continue
        if len(found) == carriers and all(is_connected(state, employee["group_id"], c) for c in found):
            return employee
    raise AssertionError(f"the seeded world has no employee with {carriers} connected carriers")


async def current(noyo: httpx.AsyncClient, employee_id: str) -> dict[str, Any]:
    response = await noyo.get(f"{API}/employees/{employee_id}/member_snapshot")
    assert response.status_code == 200, response.text
    return response.json()


def drop_line(snapshot: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """Remove the ``index``-th coverage from ``snapshot`` (in place) and return it."""
    return snapshot["coverages"].pop(index)


def handled(snapshot: dict[str, Any], **handling: Any) -> dict[str, Any]:
    body = copy.deepcopy(snapshot)
    body["omitted_coverage_handling"] = handling
    return body


async def post(noyo: httpx.AsyncClient, group_id: str, body: dict[str, Any]) -> httpx.Response:
    return await noyo.post(f"{API}/groups/{group_id}/member_snapshots", json=body)


async def set_today(hooks: httpx.AsyncClient, today: str) -> None:
    response = await hooks.post("/__emulator/clock", json={"today": today})
    assert response.status_code == 200, response.text


async def advance(hooks: httpx.AsyncClient, days: int) -> None:
    response = await hooks.post("/__emulator/clock", json={"advance_days": days})
    assert response.status_code == 200, response.text


def coverage_for(snapshot: dict[str, Any], carrier_id: str, line: str) -> list[dict[str, Any]]:
    return [
        c for c in snapshot["coverages"] if c["carrier_id"] == carrier_id and c["line_of_coverage"] == line
    ]


def summary_of(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["carrier_id"]: entry for entry in record["fulfillment_summary"]}
