"""memberSnapshot / memberSnapshots and their nested fields through /graphql."""

from __future__ import annotations

from .support import data, error_codes, nodes, world

SNAPSHOT = """
query($id: ID!) { memberSnapshot(id: $id) {
  id: noyoId status employeeId created warnings
  fulfillment { status errors carrier { id: noyoId displayName } }
  replacedBy { id: noyoId status }
  employee { id: noyoId groupId }
} }"""


async def test_replaced_snapshot_with_fulfillment_replacement_and_employee(gql, emulator_app):
    # given: a replaced snapshot
    state = world(emulator_app)
    record = next(s for s in state.snapshots.values() if s["status"] == "replaced")

    # when
    node = data(await gql(SNAPSHOT, {"id": record["id"]}))["memberSnapshot"]

    # then
    assert node["status"] == "REPLACED"
    assert node["replacedBy"]["id"] == record["replaced_by"]
    assert node["replacedBy"]["status"] == state.snapshots[record["replaced_by"]]["status"].upper()
    assert node["employee"] == {"id": record["employee_id"], "groupId": state.employees[record["employee_id"]]["group_id"]}
    assert [f["carrier"]["id"] for f in node["fulfillment"]] == [f["carrier_id"] for f in record["fulfillment_summary"]]
    assert [f["status"] for f in node["fulfillment"]] == [f["status"].upper() for f in record["fulfillment_summary"]]
    for fulfillment in node["fulfillment"]:
        assert fulfillment["carrier"]["displayName"] == state.carriers[fulfillment["carrier"]["id"]]["display_name"]
    assert node["warnings"] == record["warnings"]


async def test_unknown_snapshot_is_null(gql):
    assert data(await gql('{ memberSnapshot(id: "00000000-0000-4000-8000-000000000000") { id } }')) == {
        "memberSnapshot": None
    }


async def test_warnings_of_a_snapshot_that_kept_an_omitted_coverage(gql, emulator_app, noyo):
    # given: an employee's current snapshot sent again without one coverage, policy "continue"
    state = world(emulator_app)
    employee_id = next(s["employee_id"] for s in state.snapshots.values() if s["status"] == "completed")
    group_id = state.employees[employee_id]["group_id"]
    current = (await noyo.get(f"/api/v1/employees/{employee_id}/member_snapshot")).json()
    assert len(current["coverages"]) >= 2
    body = {**current, "snapshot_mode": "current_open", "coverages": current["coverages"][1:],
            "omitted_coverage_handling": {"policy": "continue"}}
    created = await noyo.post(f"/api/v1/groups/{group_id}/member_snapshots", json=body)
    assert created.status_code == 201, created.text
    upstream_warnings = created.json()["warnings"]
    assert upstream_warnings

    # when: it is found through the list (simplified items) and its warnings asked for
    page = data(await gql(
        "query($e: ID!) { memberSnapshots(employeeId: $e, first: 100) { edges { node { id: noyoId warnings } } } }",
        {"e": employee_id},
    ))["memberSnapshots"]

    # then
    by_id = {n["id"]: n for n in nodes(page)}
    assert by_id[created.json()["id"]]["warnings"] == upstream_warnings


async def test_member_snapshots_filters(gql, emulator_app):
    # given
    state = world(emulator_app)
    record = next(s for s in state.snapshots.values() if s["status"] == "completed")
    employee = state.employees[record["employee_id"]]
    query = """query($g: ID, $e: ID, $s: MemberSnapshotStatus) {
      memberSnapshots(groupId: $g, employeeId: $e, status: $s, first: 100) {
        totalCount edges { node { id: noyoId status employeeId employee { groupId } } } } }"""

    # when
    by_status = data(await gql(query, {"s": "COMPLETED"}))["memberSnapshots"]
    by_employee = data(await gql(query, {"e": employee["id"]}))["memberSnapshots"]
    by_group = data(await gql(query, {"g": employee["group_id"]}))["memberSnapshots"]

    # then
    assert by_status["totalCount"] == sum(1 for s in state.snapshots.values() if s["status"] == "completed")
    assert all(n["status"] == "COMPLETED" for n in nodes(by_status))
    assert {n["id"] for n in nodes(by_employee)} == {
        s["id"] for s in state.snapshots.values() if s["employee_id"] == employee["id"]
    }
    assert record["id"] in {n["id"] for n in nodes(by_group)}
    assert all(n["employee"]["groupId"] == employee["group_id"] for n in nodes(by_group))


async def test_group_member_snapshots_are_paginated(gql, emulator_app):
    state = world(emulator_app)
    group_id = state.employees[next(iter(state.snapshots.values()))["employee_id"]]["group_id"]
    query = """query($id: ID!, $after: String) { group(id: $id) { memberSnapshots(first: 1, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id: noyoId } } } } }"""
    first = data(await gql(query, {"id": group_id}))["group"]["memberSnapshots"]
    assert len(first["edges"]) == 1
    if first["totalCount"] > 1:
        second = data(await gql(query, {"id": group_id, "after": first["pageInfo"]["endCursor"]}))["group"][
            "memberSnapshots"]
        assert nodes(second)[0]["id"] != nodes(first)[0]["id"]


async def test_unknown_status_is_not_a_filter(gql):
    result = await gql("{ memberSnapshots(status: UNKNOWN) { totalCount } }")
    assert error_codes(result) == ["GRAPHQL_VALIDATION_FAILED"]  # input enums have no UNKNOWN value
