"""The after-commit fault: the write is applied, then its answer is lost."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from noyo_emulator.state import State

from .snapshots.support import current, pick_employee


def _open_pair(state: State) -> tuple[str, str]:
    busy = {(r["group_id"], r["carrier_id"]) for r in state.disconnections.values()}
    for conn in sorted(state.connections.values(), key=lambda c: c["id"]):
        pair = (conn["group_id"], conn["carrier_id"])
        if conn["status"] == "completed" and pair not in busy and conn["group_id"] not in state.protected_group_ids:
            return pair
    raise AssertionError("no connected pair")


async def _create(noyo: httpx.AsyncClient, state: State) -> httpx.Response:
    group_id, carrier_id = _open_pair(state)
    return await noyo.post("/api/v1/group_disconnection_requests",
                           json={"group_id": group_id, "carrier_id": carrier_id, "effective_end_date": "2026-09-30"})


@pytest.fixture
def state(emulator_app) -> State:
    return emulator_app.state.emulator


async def test_reset_after_commit_applies_the_write_and_drops_the_connection(noyo, hooks, state):
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/group_disconnection_requests", "method": "POST",
                                                 "after_commit": "reset", "count": 1})
    before = len(state.disconnections)
    with pytest.raises(httpx.TransportError):
        await _create(noyo, state)
    assert len(state.disconnections) == before + 1  # committed
    assert (await _create(noyo, state)).status_code == 201  # the fault was used up


async def test_502_after_commit_answers_502_for_an_applied_write(noyo, hooks, state):
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/group_disconnection_requests", "method": "POST",
                                                 "after_commit": "502"})
    before = len(state.disconnections)
    response = await _create(noyo, state)
    assert response.status_code == 502
    assert len(state.disconnections) == before + 1


async def test_timeout_after_commit_answers_late(noyo, hooks, state):
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/group_disconnection_requests", "method": "POST",
                                                 "after_commit": "timeout", "latency_ms": 200})
    started = time.perf_counter()
    response = await _create(noyo, state)
    assert response.status_code == 201 and time.perf_counter() - started >= 0.2
    assert response.json()["id"] in state.disconnections


async def test_a_method_filter_leaves_other_methods_alone(noyo, hooks):
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "method": "POST", "error_rate": 1.0})
    assert (await noyo.get("/api/v1/carriers")).status_code == 200


@pytest.mark.parametrize("fault", [{"path": "/x", "after_commit": "later"}, {"path": "/x", "method": "FETCH"}])
async def test_bad_after_commit_faults_are_refused(hooks, fault):
    assert (await hooks.post("/__emulator/faults", json=fault)).status_code == 400


async def test_a_created_snapshot_carries_the_inbound_snapshot_exactly_as_received(noyo, emulator_app):
    employee = pick_employee(emulator_app, 1)
    group_id, body = employee["group_id"], await current(noyo, employee["id"])
    created = await noyo.post(f"/api/v1/groups/{group_id}/member_snapshots", json=body)
    assert created.status_code == 201
    assert json.loads(created.json()["inbound_snapshot"]) == body
    detail = (await noyo.get(f"/api/v1/member_snapshots/{created.json()['id']}")).json()
    assert json.loads(detail["inbound_snapshot"]) == body
    listed = (await noyo.get("/api/v1/member_snapshots", params={"employee_id": detail["employee_id"]})).json()
    assert all("inbound_snapshot" not in item for item in listed["response"])  # the simplified list
