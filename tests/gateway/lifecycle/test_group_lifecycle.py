"""A group's whole life with one carrier through GraphQL only: connection request, connecting,
connected, disconnection request, disconnected. The emulator's clock moves between reads
(a test hook on its state, not a REST call)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.gateway.conftest import GraphQLClient, make_gateway_settings, running_gateway

from ..schema.support import data

FRESH = {f"gateway_cache_ttl_{r}": 0 for r in
         ("groups", "carriers", "connections", "disconnections", "snapshots", "employees", "lists")}

GROUPS = "{ groups(first: 100) { nodes { id name connections { carrierId } } } carriers { id noyoId } }"
CONNECT = """mutation($input: CreateGroupConnectionInput!) { createGroupConnection(input: $input, idempotencyKey: "c-1") {
  groupConnection { id status requestType carrierGroupId } errors { code field message } } }"""
RETRY = """mutation($id: ID!) { retryGroupConnection(id: $id, groupData: {carrierGroupId: "FIXED-2"}) {
  groupConnection { id status carrierGroupId } errors { code field message } } }"""
STATUS = """query($id: ID!) { group(id: $id) { status { state carrierId effectiveEndDate connection { id status } } } }"""
DISCONNECT = """mutation($input: CreateDisconnectionRequestInput!) { createDisconnectionRequest(input: $input) {
  disconnectionRequest { id status } errors { code field message } } }"""


@pytest.fixture
async def fresh_gql(emulator_app, cache_namespace):
    settings = make_gateway_settings(cache_namespace, gateway_response_cache_enabled=False, **FRESH)
    async with running_gateway(settings, emulator_app) as (_, client):
        yield GraphQLClient(client)


async def _standing(gql, group_id: str, carrier_id: str) -> dict:
    statuses = data(await gql(STATUS, {"id": group_id}))["group"]["status"]
    return next(s for s in statuses if s["carrierId"] == carrier_id)


async def test_a_group_goes_from_a_connection_request_to_a_completed_disconnection(fresh_gql, emulator_app):
    gql, clock = fresh_gql, emulator_app.state.emulator
    # given a group and a carrier it has no connection with (found through GraphQL)
    listing = data(await gql(GROUPS))
    carriers = {c["noyoId"]: c["id"] for c in listing["carriers"]}
    group, carrier = next(
        (g, carriers[c]) for g in listing["groups"]["nodes"] for c in carriers
        if c not in {x["carrierId"] for x in g["connections"]}
    )
    carrier_noyo_id = next(k for k, v in carriers.items() if v == carrier)

    # when the operator requests a connection
    made = data(await gql(CONNECT, {"input": {"groupId": group["id"], "carrierId": carrier,
                                              "groupData": {"carrierGroupId": "NEW-1"}}}))["createGroupConnection"]

    # then it is created, the group is connecting, and the clock carries it to connected
    assert made["errors"] == []
    assert (made["groupConnection"]["status"], made["groupConnection"]["requestType"]) == ("CREATED", "EXISTING_GROUP")
    seen = [(await _standing(gql, group["id"], carrier_noyo_id))]
    for _ in range(2):
        clock.advance_days(1)
        seen.append(await _standing(gql, group["id"], carrier_noyo_id))
    assert [(s["state"], s["connection"]["status"]) for s in seen] == [
        ("CONNECTING", "CREATED"), ("CONNECTING", "PROCESSING"), ("CONNECTED", "COMPLETED")]
    assert {s["connection"]["id"] for s in seen} == {made["groupConnection"]["id"]}

    # when the operator asks to disconnect it at the end of the week, and the day passes
    end = (clock.today + dt.timedelta(days=3)).isoformat()
    asked = data(await gql(DISCONNECT, {"input": {"groupId": group["id"], "carrierId": carrier,
                                                  "effectiveEndDate": end}}))["createDisconnectionRequest"]
    disconnecting = await _standing(gql, group["id"], carrier_noyo_id)
    clock.advance_days(3)
    disconnected = await _standing(gql, group["id"], carrier_noyo_id)

    # then
    assert asked["errors"] == [] and asked["disconnectionRequest"]["status"] == "PROCESSING"
    assert (disconnecting["state"], disconnecting["effectiveEndDate"]) == ("DISCONNECTING", end)
    assert disconnected["state"] == "DISCONNECTED"
    request = data(await gql("query($id: ID!) { node(id: $id) { ... on DisconnectionRequest { status } } }",
                             {"id": asked["disconnectionRequest"]["id"]}))["node"]
    assert request == {"status": "COMPLETED"}


async def test_a_failed_connection_is_retried_and_connects(fresh_gql, emulator_app):
    gql, state = fresh_gql, emulator_app.state.emulator
    failed = next(c for c in state.connections.values() if c["status"] == "unable_to_connect")
    connection = data(await gql("query($id: ID!) { group(id: $id) { connections { id noyoId status } } }",
                                {"id": failed["group_id"]}))["group"]["connections"]
    connection_id = next(c["id"] for c in connection if c["noyoId"] == failed["id"])

    retried = data(await gql(RETRY, {"id": connection_id}))["retryGroupConnection"]
    state.advance_days(2)
    later = data(await gql("query($id: ID!) { node(id: $id) { ... on GroupCarrierConnection { status } } }",
                           {"id": connection_id}))["node"]

    assert retried["errors"] == []
    assert (retried["groupConnection"]["status"], retried["groupConnection"]["carrierGroupId"]) == (
        "PROCESSING", "FIXED-2")
    assert later == {"status": "COMPLETED"}


async def test_refusals_name_the_argument(fresh_gql, emulator_app):
    gql, state = fresh_gql, emulator_app.state.emulator
    done = next(c for c in state.connections.values() if c["status"] == "completed")
    again = data(await gql(RETRY, {"id": done["id"]}))["retryGroupConnection"]
    duplicate = data(await gql(CONNECT, {"input": {"groupId": done["group_id"], "carrierId": done["carrier_id"],
                                                   "groupData": {"carrierGroupId": "X"}}}))["createGroupConnection"]
    no_data = data(await gql(CONNECT, {"input": {"groupId": done["group_id"], "carrierId": done["carrier_id"],
                                                 "groupData": {}}}))["createGroupConnection"]

    assert [(e["code"], e["field"]) for e in again["errors"]] == [("CONFLICT", ["id"])]
    assert [(e["code"], e["field"]) for e in duplicate["errors"]] == [("CONFLICT", ["input", "carrierId"])]
    assert [(e["code"], e["field"]) for e in no_data["errors"]] == [("VALIDATION", ["input", "groupData", "carrierGroupId"])]
