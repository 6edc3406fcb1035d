"""Group connections requested for an existing group, retried, and moved by the clock."""

from __future__ import annotations

API = "/api/v1"


def unconnected_pair(state) -> tuple[str, str]:
    """A group and a carrier with no connection between them."""
    for group_id in state.groups:
        linked = {c["carrier_id"] for c in state.connections.values() if c.get("group_id") == group_id}
        for carrier_id in state.carriers:
            if carrier_id not in linked:
                return group_id, carrier_id
    raise AssertionError("every group is connected with every carrier")


def failed_connection(state, status: str = "unable_to_connect") -> dict:
    return next(c for c in state.connections.values() if c["status"] == status)


async def test_a_requested_connection_is_created_then_processing_then_completed(noyo, hooks, emulator_app):
    # given a group and a carrier without a connection
    state = emulator_app.state.emulator
    group_id, carrier_id = unconnected_pair(state)
    state.outbox.clear()

    # when the platform requests one
    created = await noyo.post(f"{API}/groups/{group_id}/group_connections",
                              json={"carrier_id": carrier_id, "group_data": {"carrier_group_id": "G-1"}})

    # then it is created, listed for the group, and moves with the clock
    assert created.status_code == 201
    record = created.json()
    assert (record["status"], record["group_id"], record["request_type"]) == ("created", group_id, "existing_group")
    assert record["group_data"]["carrier_group_id"] == "G-1"
    listed = (await noyo.get(f"{API}/groups/{group_id}/group_connections")).json()["response"]
    assert record["id"] in {c["id"] for c in listed}
    statuses = []
    for _ in range(2):
        state.advance_days(1)
        statuses.append((await noyo.get(f"{API}/group_connections/{record['id']}")).json()["status"])
    assert statuses == ["processing", "completed"]
    assert [e["type"] for e in state.outbox if e["data"]["id"] == record["id"]] == [
        "group_connection_request.created",
        "group_connection_request.status_change",
        "group_connection_request.status_change",
    ]


async def test_a_second_open_connection_for_the_same_pair_is_a_conflict(noyo, emulator_app):
    state = emulator_app.state.emulator
    group_id, carrier_id = unconnected_pair(state)
    body = {"carrier_id": carrier_id, "group_data": {"carrier_group_id": "G-1"}}
    assert (await noyo.post(f"{API}/groups/{group_id}/group_connections", json=body)).status_code == 201
    second = await noyo.post(f"{API}/groups/{group_id}/group_connections", json=body)
    assert second.status_code == 409
    assert second.json()["message"].startswith("carrier_id: ")


async def test_bad_requests_are_refused_with_noyos_errors(noyo, emulator_app):
    state = emulator_app.state.emulator
    group_id, carrier_id = unconnected_pair(state)
    unknown = "00000000-0000-4000-8000-000000000000"
    no_group = await noyo.post(f"{API}/groups/{unknown}/group_connections",
                               json={"carrier_id": carrier_id, "group_data": {"carrier_group_id": "G"}})
    no_data = await noyo.post(f"{API}/groups/{group_id}/group_connections", json={"carrier_id": carrier_id})
    no_id = await noyo.post(f"{API}/groups/{group_id}/group_connections",
                            json={"carrier_id": carrier_id, "group_data": {}})
    assert no_group.status_code == 404
    assert (no_data.status_code, no_data.json()["message"].split(":")[0]) == (422, "group_data")
    assert (no_id.status_code, no_id.json()["message"].split(":")[0]) == (422, "group_data.carrier_group_id")


async def test_a_failed_connection_is_retried_with_corrected_data_and_completes(noyo, emulator_app):
    # given a connection that could not be made
    state = emulator_app.state.emulator
    failed = failed_connection(state)

    # when it is retried with a corrected carrier group id
    retried = await noyo.put(f"{API}/group_connections/{failed['id']}/retry", json={"carrier_group_id": "FIXED-1"})

    # then it is processing again, and completed two days later
    assert retried.status_code == 201
    assert (retried.json()["status"], retried.json()["group_data"]["carrier_group_id"]) == ("processing", "FIXED-1")
    state.advance_days(2)
    assert (await noyo.get(f"{API}/group_connections/{failed['id']}")).json()["status"] == "completed"


async def test_only_a_failed_connection_can_be_retried(noyo, emulator_app):
    state = emulator_app.state.emulator
    done = next(c for c in state.connections.values() if c["status"] == "completed")
    refused = await noyo.put(f"{API}/group_connections/{done['id']}/retry", json={})
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("status: ")


async def test_seeded_connections_do_not_move_with_the_clock(noyo, emulator_app):
    state = emulator_app.state.emulator
    before = {c["id"]: c["status"] for c in state.connections.values()}
    state.advance_days(30)
    assert {c["id"]: c["status"] for c in state.connections.values()} == before
