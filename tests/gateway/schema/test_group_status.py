"""``Group.status``: the per-carrier summary, following one carrier through a disconnection.

The gateway here keeps disconnections and connections uncached (TTL 0) so that each step
shows the emulator's current state.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.gateway.conftest import make_gateway_settings

from .support import data, world

STATUS = """
query($id: ID!) { group(id: $id) { status {
  state effectiveEndDate carrier { id: noyoId displayName } connection { id: noyoId status }
  disconnectionRequest { id: noyoId status } } } }"""


@pytest.fixture
def gateway_settings(cache_namespace):
    return make_gateway_settings(
        cache_namespace, gateway_cache_ttl_disconnections=0, gateway_cache_ttl_connections=0
    )


def _pairs_with_requests(state) -> set[tuple[str, str]]:
    return {(d["group_id"], d["carrier_id"]) for d in state.disconnections.values()}


async def _status_of(gql, group_id: str, carrier_id: str) -> dict:
    entries = data(await gql(STATUS, {"id": group_id}))["group"]["status"]
    matching = [e for e in entries if e["carrier"]["id"] == carrier_id]
    assert len(matching) == 1, entries
    return matching[0]


async def test_connected_then_needs_review_then_disconnecting_then_disconnected(gql, emulator_app, hooks, noyo):
    # given: a completed connection with no disconnection request at all
    state = world(emulator_app)
    taken = _pairs_with_requests(state)
    conn = next(
        c for c in state.connections.values()
        if c["status"] == "completed" and (c["group_id"], c["carrier_id"]) not in taken
        and c["group_id"] not in state.protected_group_ids
    )
    group_id, carrier_id = conn["group_id"], conn["carrier_id"]
    entry = await _status_of(gql, group_id, carrier_id)
    assert entry["state"] == "CONNECTED"
    assert entry["connection"]["id"] == conn["id"] and entry["disconnectionRequest"] is None

    # when: the carrier signals a disconnection (Noyo opens a needs_review request)
    end = (state.today + dt.timedelta(days=10)).isoformat()
    created = await hooks.post(
        "/__emulator/carrier-disconnection",
        json={"group_id": group_id, "carrier_id": carrier_id, "effective_end_date": end},
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    entry = await _status_of(gql, group_id, carrier_id)
    assert entry["state"] == "NEEDS_REVIEW"
    assert entry["disconnectionRequest"] == {"id": request_id, "status": "NEEDS_REVIEW"}

    # when: the platform confirms it
    confirmed = await noyo.put(f"/api/v1/group_disconnection_requests/{request_id}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.text
    entry = await _status_of(gql, group_id, carrier_id)
    assert entry["state"] == "DISCONNECTING"
    assert entry["effectiveEndDate"] == end

    # when: the effective end date arrives
    await hooks.post("/__emulator/clock", json={"advance_days": 10})
    entry = await _status_of(gql, group_id, carrier_id)
    assert entry["state"] == "DISCONNECTED"
    assert entry["disconnectionRequest"]["status"] == "COMPLETED"


async def test_unfinished_connection_is_connecting(gql, emulator_app):
    # given: a connection still being set up, no disconnection request for it
    state = world(emulator_app)
    taken = _pairs_with_requests(state)
    conn = next(
        c for c in state.connections.values()
        if c["status"] != "completed" and (c["group_id"], c["carrier_id"]) not in taken
    )

    # when / then
    entry = await _status_of(gql, conn["group_id"], conn["carrier_id"])
    assert entry["state"] == "CONNECTING"
    assert entry["connection"]["status"] == conn["status"].upper()


async def test_one_entry_per_connected_carrier(gql, emulator_app):
    state = world(emulator_app)
    group_id = next(iter(state.groups))
    carriers = {c["carrier_id"] for c in state.connections.values() if c["group_id"] == group_id}
    entries = data(await gql(STATUS, {"id": group_id}))["group"]["status"]
    assert sorted(e["carrier"]["id"] for e in entries) == sorted(carriers)
