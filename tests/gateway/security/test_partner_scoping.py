"""Partner scoping: a principal limited to some groups neither sees nor changes the others.

Partner A is limited to group A; group B belongs to someone else. Out-of-scope records must
look exactly like missing ones (null by id, absent from lists and totals, NOT_FOUND to
mutations), also when another caller already put them in the shared cache.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from gateway.schema.ids import global_id

from .support import bearer, codes, post, upstream_calls

GROUP = "query($id: ID!) { group(id: $id) { id: noyoId name } }"
REQUEST = "query($id: ID!) { disconnectionRequest(id: $id) { id: noyoId groupId } }"
SNAPSHOT = "query($id: ID!) { memberSnapshot(id: $id) { id: noyoId employee { id: noyoId } } }"
EMPLOYEE = "query($id: ID!) { employee(id: $id) { id: noyoId groupId } }"
LISTS = """{
  groups(first: 100) { totalCount edges { node { id: noyoId } } }
  disconnectionRequests(first: 100) { totalCount edges { node { id: noyoId groupId } } }
  reviewQueue(first: 100) { totalCount edges { node { groupId } } }
  memberSnapshots(first: 100) { totalCount edges { node { id: noyoId employee { groupId } } } }
}"""
NESTED = """query($id: ID!) { disconnectionRequest(id: $id) {
  group { id: noyoId disconnectionRequests { nodes { id: noyoId groupId } } connections { carrierId }
          memberSnapshots(first: 50) { totalCount edges { node { employeeId } } } }
} }"""
CONFIRM = """mutation($id: ID!) { confirmDisconnectionRequest(id: $id, effectiveEndDate: "2026-12-31") {
  disconnectionRequest { id: noyoId } errors { code field message } } }"""
REQUEST_DISCONNECTION = """mutation($input: CreateDisconnectionRequestInput!) { createDisconnectionRequest(input: $input) {
  disconnectionRequest { id: noyoId } errors { code field message } } }"""


class World:
    """Two groups with disconnection requests (B with one awaiting review) and snapshots."""

    def __init__(self, emulator_app) -> None:
        state = emulator_app.state.emulator
        self.state = state
        per_group = Counter(r["group_id"] for r in state.disconnections.values())
        snap_groups = {state.employees[s["employee_id"]]["group_id"] for s in state.snapshots.values()}
        review = {r["group_id"] for r in state.disconnections.values() if r["status"] == "needs_review"}
        self.a = sorted(g for g in per_group if g in snap_groups)[0]
        staffed = {e["group_id"] for e in state.employees.values()}
        self.b = sorted(g for g in review & staffed if g != self.a)[0]

    def requests(self, group_id: str, status: str | None = None) -> list[dict]:
        return [
            r for r in self.state.disconnections.values()
            if r["group_id"] == group_id and (status is None or r["status"] == status)
        ]

    def snapshots(self, group_id: str) -> list[dict]:
        return [s for s in self.state.snapshots.values() if self.state.employees[s["employee_id"]]["group_id"] == group_id]

    def employee(self, group_id: str) -> str:
        return sorted(e["id"] for e in self.state.employees.values() if e["group_id"] == group_id)[0]


@pytest.fixture
def world(emulator_app) -> World:
    return World(emulator_app)


@pytest.fixture
def partner_a(token, world) -> dict[str, str]:
    return bearer(token(sub="partner-a", role="operator", group_ids=[world.a]))


@pytest.fixture
def admin(token) -> dict[str, str]:
    return bearer(token(sub="admin", role="admin", scope="phi"))


async def test_partner_reading_another_partners_records_by_id_gets_null(client, world, partner_a, admin):
    # given: an unscoped admin already read group B's records (they sit in the shared cache)
    b_request = world.requests(world.b)[0]["id"]
    b_employee = world.employee(world.b)
    for query, variables in ((GROUP, {"id": world.b}), (REQUEST, {"id": b_request}), (EMPLOYEE, {"id": b_employee})):
        assert "errors" not in (await post(client, query, variables, headers=admin)).json()

    # when: partner A asks for them by id
    group = (await post(client, GROUP, {"id": world.b}, headers=partner_a)).json()
    request = (await post(client, REQUEST, {"id": b_request}, headers=partner_a)).json()
    employee = (await post(client, EMPLOYEE, {"id": b_employee}, headers=partner_a)).json()

    # then: null, exactly like a record that does not exist
    missing = (await post(client, GROUP, {"id": str(uuid.uuid4())}, headers=partner_a)).json()
    assert group == missing == {"data": {"group": None}, "extensions": group["extensions"]}
    assert request["data"] == {"disconnectionRequest": None}
    assert employee["data"] == {"employee": None}
    # and: its own group is there
    own = (await post(client, GROUP, {"id": world.a}, headers=partner_a)).json()
    assert own["data"]["group"]["id"] == world.a


async def test_partner_snapshot_of_another_group_is_null(client, world, token):
    # given: a partner limited to group B, and a snapshot of group A
    a_snapshot = world.snapshots(world.a)[0]["id"]
    partner_b = bearer(token(sub="partner-b", group_ids=[world.b]))
    body = (await post(client, SNAPSHOT, {"id": a_snapshot}, headers=partner_b)).json()
    assert body["data"] == {"memberSnapshot": None}


async def test_lists_and_totals_hold_only_the_partners_groups(client, world, partner_a, hooks):
    # when: partner A lists groups, requests, the review queue and snapshots
    await hooks.delete("/__emulator/requests")
    body = (await post(client, LISTS, headers=partner_a)).json()
    assert "errors" not in body, body
    data = body["data"]

    # then: only group A's records, and totals that count only them
    assert [e["node"]["id"] for e in data["groups"]["edges"]] == [world.a]
    assert data["groups"]["totalCount"] == 1
    requests = data["disconnectionRequests"]
    assert {e["node"]["groupId"] for e in requests["edges"]} == {world.a}
    assert requests["totalCount"] == len(world.requests(world.a))
    queue = data["reviewQueue"]
    assert queue["totalCount"] == len(world.requests(world.a, "needs_review"))
    assert {e["node"]["groupId"] for e in queue["edges"]} <= {world.a}
    snapshots = data["memberSnapshots"]
    assert snapshots["totalCount"] == len(world.snapshots(world.a))
    assert {e["node"]["employee"]["groupId"] for e in snapshots["edges"]} == {world.a}
    # and: the scope went INTO the upstream queries (filters), not onto fetched pages
    calls = await upstream_calls(hooks)
    assert calls.get("GET /api/v1/group_disconnection_requests") == 2
    assert calls.get("GET /api/v1/member_snapshots") == 1


async def test_nested_fields_follow_the_scope(client, world, partner_a, token):
    # given: one of group A's requests
    a_request = world.requests(world.a)[0]["id"]

    # when: partner A walks from it into its group's nested lists
    body = (await post(client, NESTED, {"id": a_request}, headers=partner_a)).json()

    # then: every nested record is group A's
    group = body["data"]["disconnectionRequest"]["group"]
    assert group["id"] == world.a
    assert {r["groupId"] for r in group["disconnectionRequests"]["nodes"]} == {world.a}
    assert group["memberSnapshots"]["totalCount"] == len(world.snapshots(world.a))
    # and: partner B walking the same path from A's request gets nothing at all
    partner_b = bearer(token(sub="partner-b", group_ids=[world.b]))
    other = (await post(client, NESTED, {"id": a_request}, headers=partner_b)).json()
    assert other["data"] == {"disconnectionRequest": None}


async def test_org_scope_sees_its_orgs_groups_only(client, world, token):
    # given: one principal scoped to the seeded organization, one to an unknown one
    org = world.state.groups[world.a]["organization_id"]
    inside = bearer(token(sub="org-partner", org_ids=[org]))
    outside = bearer(token(sub="other-org", org_ids=[str(uuid.uuid4())]))
    query = "query($id: ID!) { group(id: $id) { id: noyoId } groups(first: 5) { totalCount } }"

    # then: the org's partner sees the org's groups; the other one sees none
    seen = (await post(client, query, {"id": world.b}, headers=inside)).json()["data"]
    expected = sum(1 for g in world.state.groups.values() if g.get("organization_id") == org)
    assert seen["group"] == {"id": world.b} and seen["groups"]["totalCount"] == expected
    unseen = (await post(client, query, {"id": world.b}, headers=outside)).json()["data"]
    assert unseen == {"group": None, "groups": {"totalCount": 0}}


async def test_partner_mutating_another_partners_request_gets_not_found_without_upstream_write(
    client, world, partner_a, hooks
):
    # given: group B's request awaiting review
    b_request = world.requests(world.b, "needs_review")[0]["id"]
    await hooks.delete("/__emulator/requests")

    # when: partner A tries to confirm it, and a request id that does not exist
    refused = (await post(client, CONFIRM, {"id": b_request}, headers=partner_a)).json()
    unknown_id = str(uuid.uuid4())
    missing = (await post(client, CONFIRM, {"id": unknown_id}, headers=partner_a)).json()

    # then: both are the same NOT_FOUND on `id` (no existence leak), and B's request is untouched
    [error] = refused["data"]["confirmDisconnectionRequest"]["errors"]
    [reference] = missing["data"]["confirmDisconnectionRequest"]["errors"]
    assert (error["code"], error["field"]) == (reference["code"], reference["field"]) == ("NOT_FOUND", ["id"])
    assert error["message"] == reference["message"].replace(unknown_id, b_request)
    assert world.state.disconnections[b_request]["status"] == "needs_review"
    calls = await upstream_calls(hooks)
    assert not any(key.startswith("PUT ") for key in calls), calls


async def test_partner_requesting_disconnection_of_another_group_gets_not_found(client, world, partner_a, hooks):
    # given: a carrier group B is connected with
    carrier = next(c["carrier_id"] for c in world.state.connections.values() if c["group_id"] == world.b)
    await hooks.delete("/__emulator/requests")
    before = len(world.state.disconnections)

    # when: partner A asks to disconnect group B
    variables = {"input": {"groupId": world.b, "carrierId": carrier, "effectiveEndDate": "2026-12-31"}}
    body = (await post(client, REQUEST_DISCONNECTION, variables, headers=partner_a)).json()

    # then: NOT_FOUND on the group id, nothing created upstream
    [error] = body["data"]["createDisconnectionRequest"]["errors"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "groupId"])
    assert len(world.state.disconnections) == before
    assert "POST /api/v1/group_disconnection_requests" not in await upstream_calls(hooks)
    assert codes(body) == []


MEMBERS = """query($id: ID!, $group: ID!) {
  employee(id: $id) { id: noyoId dependents { id noyoId } currentSnapshot { employee { id } } coverages { planId } }
  group(id: $group) { employees(first: 100) { totalCount nodes { id: noyoId } } }
}"""
DEPENDENT = "query($id: ID!) { node(id: $id) { ... on Dependent { noyoId } } }"


async def test_member_data_follows_the_scope(client, world, partner_a, admin):
    # given: an employee of group A and one of group B, each with a dependent (the admin warms the cache)
    def with_dependents(group_id):
        return next(e for e in sorted(world.state.employees) if world.state.employees[e]["group_id"] == group_id
                    and len(world.state.family_of(e)) > 1)

    mine, theirs = with_dependents(world.a), with_dependents(world.b)
    for employee, group in ((mine, world.a), (theirs, world.b)):
        warm = (await post(client, MEMBERS, {"id": employee, "group": group}, headers=admin)).json()
        assert warm["data"]["employee"]["dependents"], warm

    # when: partner A reads both families
    own = (await post(client, MEMBERS, {"id": mine, "group": world.a}, headers=partner_a)).json()
    other = (await post(client, MEMBERS, {"id": theirs, "group": world.b}, headers=partner_a)).json()
    dependent = world.state.family_of(theirs)[1]
    node = (await post(client, DEPENDENT, {"id": global_id("Dependent", dependent)}, headers=partner_a)).json()

    # then: its own family in full, the other one as if it did not exist
    assert "errors" not in own, own
    assert own["data"]["employee"]["currentSnapshot"]["employee"]["id"] == mine
    assert {d["noyoId"] for d in own["data"]["employee"]["dependents"]} == set(world.state.family_of(mine)[1:])
    assert mine in {n["id"] for n in own["data"]["group"]["employees"]["nodes"]}
    assert other["data"] == {"employee": None, "group": None}
    assert node["data"] == {"node": None}
