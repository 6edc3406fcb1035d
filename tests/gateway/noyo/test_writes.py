"""Writes: disconnection requests and member snapshots, sent once, parsed into models."""

from __future__ import annotations

import httpx
import pytest

from gateway.noyo import (
    DisconnectionRequest,
    MemberSnapshot,
    NoyoClient,
    NoyoValidationError,
    TestMemberSnapshot,
)

from .support import upstream_counts
from .test_auth import _disconnection_body


async def carrier_sourced_request(hooks: httpx.AsyncClient, state) -> dict:
    """A ``needs_review`` request raised by a carrier, through the emulator's hook."""
    body = _disconnection_body(state)
    response = await hooks.post(
        "/__emulator/carrier-disconnection", json={"group_id": body["group_id"], "carrier_id": body["carrier_id"]}
    )
    response.raise_for_status()
    return response.json()


async def test_create_disconnection_request(client: NoyoClient, emulator_app, hooks) -> None:
    state = emulator_app.state.emulator
    body = _disconnection_body(state)
    # when the platform disconnects a group from a carrier
    created = await client.create_disconnection_request(body)
    # then Noyo's new record comes back typed, once
    assert isinstance(created, DisconnectionRequest)
    assert (created.group_id, created.carrier_id, created.status) == (body["group_id"], body["carrier_id"], "processing")
    assert created.effective_end_date.isoformat() == body["effective_end_date"]
    assert created.model_dump(mode="json", exclude_unset=True) == state.disconnections[created.id]
    assert (await upstream_counts(hooks))["POST /api/v1/group_disconnection_requests"] == 1


async def test_confirm_a_carrier_sourced_request(client: NoyoClient, emulator_app, hooks) -> None:
    # given a request a carrier raised, waiting for review
    pending = await carrier_sourced_request(hooks, emulator_app.state.emulator)
    assert pending["status"] == "needs_review"
    # when the platform confirms it with an end date
    confirmed = await client.confirm_disconnection_request(pending["id"], {"effective_end_date": "2026-09-30"})
    # then it is processing with that date
    assert confirmed.status == "processing"
    assert confirmed.effective_end_date.isoformat() == "2026-09-30"


async def test_reject_then_edit_back_to_processing(client: NoyoClient, emulator_app, hooks) -> None:
    # given a request a carrier raised, rejected by the platform
    pending = await carrier_sourced_request(hooks, emulator_app.state.emulator)
    rejected = await client.reject_disconnection_request(pending["id"])
    assert rejected.status == "rejected"
    # when the platform edits it back with its current version
    edited = await client.edit_disconnection_request(
        rejected.id, rejected.version, {"status": "processing", "effective_end_date": "2026-10-31"}
    )
    # then it is processing under a new version
    assert edited.status == "processing"
    assert edited.version != rejected.version


async def test_member_snapshot_dry_run_then_create(client: NoyoClient, emulator_app, hooks) -> None:
    state = emulator_app.state.emulator
    employee = next(iter(state.employees.values()))
    # given the employee's current snapshot, as Noyo renders it
    current = await client.get_employee_member_snapshot(employee["id"])
    assert current["employee"]
    before = len(state.snapshots)

    # when it is dry-run, then an outcome comes back and nothing is stored
    dry = await client.test_member_snapshot(employee["group_id"], {"member_snapshot": current})
    assert isinstance(dry, TestMemberSnapshot) and dry.trace_ids
    assert dry.member_snapshot.employee_id == employee["id"]
    assert len(state.snapshots) == before

    # when it is submitted, then one snapshot is created, sent once
    created = await client.create_member_snapshot(employee["group_id"], current)
    assert isinstance(created, MemberSnapshot) and created.is_detail
    assert created.id in state.snapshots and created.employee_id == employee["id"]
    assert created.model_dump(mode="json", exclude_unset=True) == state.snapshots[created.id]
    assert (await upstream_counts(hooks))["POST /api/v1/groups/{group_id}/member_snapshots"] == 1


async def test_invalid_member_snapshot_carries_noyo_message(client: NoyoClient, emulator_app) -> None:
    group_id = next(iter(emulator_app.state.emulator.groups))
    with pytest.raises(NoyoValidationError) as caught:
        await client.create_member_snapshot(group_id, {"snapshot_mode": "current_open"})
    assert caught.value.status == 422
    assert "employee" in caught.value.message
