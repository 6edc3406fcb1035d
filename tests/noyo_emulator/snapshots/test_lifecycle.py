"""Member snapshots over time: status flow, replacement, applying completed snapshots."""

from __future__ import annotations

import copy
import json

from tests.noyo_emulator.snapshots.support import (
    API,
    advance,
    coverage_for,
    current,
    drop_line,
    handled,
    pick_employee,
    post,
    set_today,
    state_of,
    summary_of,
)


async def _get(noyo, snapshot_id: str) -> dict:
    response = await noyo.get(f"{API}/member_snapshots/{snapshot_id}")
    assert response.status_code == 200
    return response.json()


def _events(emulator_app, snapshot_id: str) -> list[str]:
    return [
        e["type"] for e in state_of(emulator_app).outbox if e["data"]["id"] == snapshot_id
    ]


async def test_status_follows_the_clock_and_emits_webhook_events(noyo, hooks, emulator_app):
    # given a snapshot with a change, submitted on July 4
    await set_today(hooks, "2026-07-04")
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    body["coverages"][0]["enrolled_members"][0]["effective_end_date"] = "2026-07-31"
    record = (await post(noyo, employee["group_id"], body)).json()
    assert record["status"] == "submitted"
    carrier_id = body["coverages"][0]["carrier_id"]
    assert summary_of(record)[carrier_id]["status"] == "processing"

    # when a day passes, then it is processing
    await advance(hooks, 1)
    assert (await _get(noyo, record["id"]))["status"] == "processing"

    # when another day passes, then it is completed and the carrier entry was sent
    await advance(hooks, 1)
    done = await _get(noyo, record["id"])
    assert done["status"] == "completed"
    assert summary_of(done)[carrier_id]["status"] == "sent"
    assert done["modified"] > record["modified"]

    # and one status_change event was queued per status, plus one when the carrier entry moved
    assert _events(emulator_app, record["id"]) == ["member_snapshot.status_change"] * 3 + [
        "member_snapshot_carrier_fulfillment_status.status_change"
    ]


async def test_newer_snapshot_replaces_pending_one(noyo, hooks, emulator_app):
    # given a pending snapshot for an employee
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    body["coverages"][0]["enrolled_members"][0]["effective_end_date"] = "2026-07-31"
    first = (await post(noyo, employee["group_id"], body)).json()

    # when a newer snapshot for the same employee arrives
    second = (await post(noyo, employee["group_id"], body)).json()

    # then the first is replaced by the second, its pending carrier entries too
    old = await _get(noyo, first["id"])
    assert old["status"] == "replaced"
    assert old["replaced_by"] == second["id"]
    assert "replaced" in {e["status"] for e in old["fulfillment_summary"]}
    assert "processing" not in {e["status"] for e in old["fulfillment_summary"]}
    assert second["status"] == "submitted"
    # and the replaced snapshot never completes
    await advance(hooks, 3)
    assert (await _get(noyo, first["id"]))["status"] == "replaced"
    assert (await _get(noyo, second["id"]))["status"] == "completed"
    assert "member_snapshot.status_change" in _events(emulator_app, first["id"])


async def test_completed_termination_changes_the_next_snapshots_omissions(noyo, hooks, emulator_app):
    # given a terminate snapshot sent July 4 leaving out one coverage, completed two days later
    await set_today(hooks, "2026-07-04")
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    dropped = drop_line(body)
    first = (
        await post(noyo, employee["group_id"], handled(body, policy="terminate", termination_rule="end_of_current_month"))
    ).json()
    await set_today(hooks, "2026-07-06")
    assert (await _get(noyo, first["id"]))["status"] == "completed"

    # then the current snapshot shows the coverage ending July 31
    now = await current(noyo, employee["id"])
    ended = coverage_for(now, dropped["carrier_id"], dropped["line_of_coverage"])
    assert {m["effective_end_date"] for c in ended for m in c["enrolled_members"]} == {"2026-07-31"}

    # when the same coverage is left out again under reject
    again = await post(noyo, employee["group_id"], handled(body, policy="reject"))

    # then it is no longer an omission: nothing is canceled
    record = again.json()
    assert record["status"] == "submitted"
    assert "invalid" not in {e["status"] for e in record["fulfillment_summary"]}


async def test_new_coverage_becomes_an_enrollment_when_completed(noyo, hooks, emulator_app):
    # given a snapshot adding an existing carrier's line for the employee under a new plan
    await set_today(hooks, "2026-07-04")
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    template = body["coverages"][0]
    added = {
        "carrier_id": template["carrier_id"],
        "line_of_coverage": "life",
        "plan_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "enrolled_members": [
            {
                "individual_id": employee["id"],
                "individual_type": "employee",
                "effective_start_date": "2026-08-01",
                "effective_end_date": "9999-12-31",
                "volume": 50000,
            }
        ],
    }
    body["coverages"].append(added)
    record = (await post(noyo, employee["group_id"], body)).json()
    assert summary_of(record)[template["carrier_id"]]["status"] == "processing"

    # when it completes
    await advance(hooks, 2)

    # then the life coverage is an active enrollment and part of the current snapshot
    now = await current(noyo, employee["id"])
    life = coverage_for(now, template["carrier_id"], "life")
    assert [m["individual_id"] for c in life for m in c["enrolled_members"]] == [employee["id"]]
    assert life[0]["plan_id"] == added["plan_id"]


async def test_snapshot_for_a_new_employee_creates_members(noyo, emulator_app):
    # given a snapshot for a person unknown to the group (no ids, a custom id)
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    new = copy.deepcopy(body)
    del new["employee"]["id"]
    new["employee"]["custom_individual_id"] = "HR-NEW-1"
    new["dependents"] = []
    new["coverages"] = []

    # when it is posted
    response = await post(noyo, employee["group_id"], new)

    # then the employee was created and listed in created_members
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["created_members"] == [
        {"id": record["employee_id"], "type": "employee", "custom_individual_id": "HR-NEW-1"}
    ]
    assert record["employee_id"] != employee["id"]
    # and a second snapshot with the same custom id matches that employee
    again = (await post(noyo, employee["group_id"], new)).json()
    assert again["employee_id"] == record["employee_id"]
    assert again["created_members"] == []


async def test_test_endpoint_reports_the_outcome_and_stores_nothing(noyo, emulator_app):
    # given a pending snapshot and a test snapshot leaving out a coverage
    state = state_of(emulator_app)
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    body["coverages"][0]["enrolled_members"][0]["effective_end_date"] = "2026-07-31"
    pending = (await post(noyo, employee["group_id"], body)).json()
    trial = copy.deepcopy(body)
    dropped = drop_line(trial, -1)
    trial["omitted_coverage_handling"] = {"policy": "terminate", "termination_rule": "end_of_prior_month"}
    new_person = {**copy.deepcopy(body["employee"]), "custom_individual_id": "HR-TRIAL"}
    del new_person["id"]
    counts = (len(state.snapshots), len(state.employees), len(state.dependents), len(state.enrollments))
    outbox = len(state.outbox)
    enrollments = copy.deepcopy(state.enrollments)

    # when both are tried on the test endpoint
    response = await noyo.post(f"{API}/groups/{employee['group_id']}/member_snapshots/test", json={"member_snapshot": trial})
    creating = await noyo.post(
        f"{API}/groups/{employee['group_id']}/member_snapshots/test",
        json={"member_snapshot": {**trial, "employee": new_person, "dependents": [], "coverages": []}},
    )

    # then the outcome is reported as for a real snapshot
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["trace_ids"]
    carried = coverage_for(result["member_snapshot"]["member_snapshot"], dropped["carrier_id"], dropped["line_of_coverage"])
    assert {m["effective_end_date"] for c in carried for m in c["enrolled_members"]} == {"2026-06-30"}
    # and, as for a stored snapshot, inbound_snapshot is the snapshot as received (without the carried-back line)
    inbound = json.loads(result["member_snapshot"]["inbound_snapshot"])
    assert inbound == trial and not coverage_for(inbound, dropped["carrier_id"], dropped["line_of_coverage"])
    assert creating.status_code == 200
    assert creating.json()["member_snapshot"]["created_members"][0]["type"] == "employee"
    # and nothing was stored, replaced or queued
    assert (len(state.snapshots), len(state.employees), len(state.dependents), len(state.enrollments)) == counts
    assert len(state.outbox) == outbox
    assert state.enrollments == enrollments
    assert (await _get(noyo, pending["id"]))["status"] == "submitted"
    assert (await noyo.get(f"{API}/member_snapshots/{result['member_snapshot']['id']}")).status_code == 404


async def test_test_endpoint_carrier_override_marks_carrier_not_connected(noyo, emulator_app):
    # given a snapshot and an override saying its carrier is not connected
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    carrier_id = body["coverages"][0]["carrier_id"]

    # when it is tried with the override
    response = await noyo.post(
        f"{API}/groups/{employee['group_id']}/member_snapshots/test",
        json={"member_snapshot": body, "carrier_overrides": [{"carrier_id": carrier_id, "connected": False}]},
    )

    # then the carrier is reported not_connected
    assert response.status_code == 200, response.text
    assert summary_of(response.json()["member_snapshot"])[carrier_id]["status"] == "not_connected"
