"""submitMemberSnapshot / testMemberSnapshot through GraphQL against the emulator (clock at 2026-07-04)."""

from __future__ import annotations

import datetime as dt

import pytest

from .support import (
    SNAPSHOT_PATH,
    SUBMIT,
    TEST,
    TEST_PATH,
    current_snapshot,
    families,
    payload,
    state_of,
    to_input,
    today,
    without_coverage,
)

REPLACED = "query($id: ID!) { memberSnapshot(id: $id) { id: noyoId status replacedBy { id: noyoId status } } }"


async def submit(gql, group_id: str, snapshot: dict, handling: dict | None = None, key: str | None = None) -> dict:
    variables = {"groupId": group_id, "snapshot": to_input(snapshot), "handling": handling, "key": key}
    return payload(await gql(SUBMIT, variables), "submitMemberSnapshot")


@pytest.fixture
async def two_carrier_family(noyo, emulator_app) -> dict:
    """An employee covered at two live carriers, with their current snapshot."""
    family = families(emulator_app, 2)[0]
    return {**family, "snapshot": await current_snapshot(noyo, family["employee_id"])}


async def test_unchanged_snapshot_is_submitted_as_noyo_json(gql, two_carrier_family, emulator_app):
    # given: the employee's current snapshot, sent back through GraphQL unchanged
    family = two_carrier_family
    result = await submit(gql, family["group_id"], family["snapshot"])

    # then: Noyo received the same snapshot (snake_case, enum values, unset fields omitted)
    assert result["errors"] == []
    received = state_of(emulator_app).snapshots[result["memberSnapshot"]["id"]]["member_snapshot"]
    sent = {**family["snapshot"], "employee": dict(family["snapshot"]["employee"])}
    sent["employee"].pop("group_id", None)
    assert received == sent
    snapshot = result["memberSnapshot"]
    assert (snapshot["status"], snapshot["employeeId"]) == ("SUBMITTED", family["employee_id"])
    assert {f["carrierId"] for f in snapshot["fulfillment"]} == set(family["carrier_ids"])
    assert result["omittedCoverages"] == []


async def test_reject_at_the_only_carrier_cancels_the_snapshot(gql, noyo, emulator_app):
    # given: a family covered at one carrier, and a snapshot leaving one of its coverages out
    family = families(emulator_app, 1)[0]
    [carrier_id] = family["carrier_ids"]
    snapshot, [dropped] = without_coverage(await current_snapshot(noyo, family["employee_id"]), carrier_id)

    # when
    result = await submit(gql, family["group_id"], snapshot, {"reject": True})

    # then: the whole snapshot is canceled; the carrier's errors name the omitted line
    stored = result["memberSnapshot"]
    assert stored["status"] == "CANCELED"
    [fulfillment] = stored["fulfillment"]
    assert fulfillment["status"] == "INVALID"
    assert dropped["line_of_coverage"] in fulfillment["errors"][0]
    assert state_of(emulator_app).snapshots[stored["id"]]["status"] == "canceled"


async def test_reject_with_two_carriers_cancels_only_that_carriers_changes(gql, two_carrier_family):
    family = two_carrier_family
    omitted_at, other = family["carrier_ids"]
    snapshot, _ = without_coverage(family["snapshot"], omitted_at)

    # when: no handling given (Noyo's default is reject)
    result = await submit(gql, family["group_id"], snapshot)

    stored = result["memberSnapshot"]
    by_carrier = {f["carrierId"]: f["status"] for f in stored["fulfillment"]}
    assert stored["status"] != "CANCELED"
    assert by_carrier[omitted_at] == "INVALID"
    assert by_carrier[other] != "INVALID"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"endOfCurrentMonth": True}, "2026-07-31"),
        ({"endOfPriorMonth": True}, "2026-06-30"),
        ({"custom": "2026-08-15"}, "2026-08-15"),
    ],
)
async def test_terminate_dates_the_omitted_coverage_by_rule(gql, two_carrier_family, emulator_app, rule, expected):
    # given: Noyo's clock on July 4, one coverage left out
    assert today(emulator_app) == dt.date(2026, 7, 4)
    family = two_carrier_family
    carrier_id = family["carrier_ids"][0]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)

    # when
    result = await submit(gql, family["group_id"], snapshot, {"terminate": {"rule": rule}})

    # then: every member of the dropped coverage is terminated on the rule's date
    assert result["errors"] == []
    omitted = result["omittedCoverages"]
    assert {(o["individualId"], o["effectiveEndDate"], o["terminated"]) for o in omitted} == {
        (m["individual_id"], expected, True) for m in dropped["enrolled_members"]
    }
    assert {(o["carrierId"], o["lineOfCoverage"]) for o in omitted} == {
        (carrier_id, dropped["line_of_coverage"].upper())
    }
    fulfillment = {f["carrierId"]: f["status"] for f in result["memberSnapshot"]["fulfillment"]}
    assert fulfillment[carrier_id] == "PROCESSING"


async def test_continue_keeps_the_coverage_with_warnings_naming_it(gql, two_carrier_family):
    family = two_carrier_family
    carrier_id = family["carrier_ids"][0]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)

    result = await submit(gql, family["group_id"], snapshot, {"continue": True})

    stored = result["memberSnapshot"]
    assert stored["status"] == "SUBMITTED"
    for member in dropped["enrolled_members"]:
        assert any(dropped["line_of_coverage"] in w and member["individual_id"] in w for w in stored["warnings"])
    assert {o["terminated"] for o in result["omittedCoverages"]} == {False}


async def test_continue_with_a_division_change_carries_the_omitted_coverage_along(gql, two_carrier_family):
    # given: the employee moves to another division and one coverage is left out
    family = two_carrier_family
    carrier_id = family["carrier_ids"][0]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)
    snapshot["employee"] = {**snapshot["employee"], "classifications": {"division": "North-2"}}

    # when
    result = await submit(gql, family["group_id"], snapshot, {"continue": True})

    # then: no omission warning; the change goes to that carrier including the omitted coverage
    stored = result["memberSnapshot"]
    assert not any(dropped["line_of_coverage"] in w for w in stored["warnings"])
    assert {f["carrierId"]: f["status"] for f in stored["fulfillment"]}[carrier_id] == "PROCESSING"
    assert {o["lineOfCoverage"] for o in result["omittedCoverages"]} == {dropped["line_of_coverage"].upper()}


INVALID_HANDLING = [
    pytest.param({"reject": True, "continue": True}, "graphql", id="two-options"),
    pytest.param({}, "graphql", id="none"),
    pytest.param({"terminate": {}}, "graphql", id="terminate-without-rule"),
    pytest.param({"terminate": {"rule": {}}}, "graphql", id="terminate-empty-rule"),
    pytest.param({"terminate": {"rule": {"endOfPriorMonth": True, "custom": "2026-08-01"}}}, "graphql",
                 id="two-rules"),
    pytest.param({"reject": False}, ["omittedCoverageHandling", "reject"], id="reject-false"),
    pytest.param({"continue": False}, ["omittedCoverageHandling", "continue"], id="continue-false"),
    pytest.param({"terminate": {"rule": {"endOfCurrentMonth": False}}},
                 ["omittedCoverageHandling", "terminate", "rule", "endOfCurrentMonth"], id="rule-false"),
]


@pytest.mark.parametrize(("handling", "refusal"), INVALID_HANDLING)
async def test_invalid_handling_is_refused_without_calling_noyo(gql, two_carrier_family, upstream_counts,
                                                                handling, refusal):
    family = two_carrier_family
    await upstream_counts(reset=True)
    variables = {"groupId": family["group_id"], "snapshot": to_input(family["snapshot"]), "handling": handling}

    result = await gql(SUBMIT, variables)

    if refusal == "graphql":  # refused by GraphQL validation (@oneOf, required fields)
        assert result.get("data") is None and result["errors"]
    else:  # refused by the gateway as a typed VALIDATION error
        [error] = payload(result, "submitMemberSnapshot")["errors"]
        assert (error["code"], error["field"]) == ("VALIDATION", refusal)
    assert SNAPSHOT_PATH not in await upstream_counts()


async def test_a_newer_snapshot_replaces_the_one_in_flight(gql, two_carrier_family):
    # given: a submitted snapshot, read once through the gateway (cached as SUBMITTED)
    family = two_carrier_family
    first = (await submit(gql, family["group_id"], family["snapshot"]))["memberSnapshot"]
    before = payload(await gql(REPLACED, {"id": first["id"]}), "memberSnapshot")

    # when: a newer snapshot for the same employee arrives
    second = (await submit(gql, family["group_id"], family["snapshot"]))["memberSnapshot"]

    # then: the first is replaced by the second (the cached entry was invalidated)
    after = payload(await gql(REPLACED, {"id": first["id"]}), "memberSnapshot")
    assert before["status"] == "SUBMITTED"
    assert after["status"] == "REPLACED"
    assert after["replacedBy"]["id"] == second["id"]


async def test_test_snapshot_reports_the_outcome_and_stores_nothing(gql, two_carrier_family, emulator_app,
                                                                    upstream_counts):
    family = two_carrier_family
    carrier_id = family["carrier_ids"][0]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)
    stored_before = set(state_of(emulator_app).snapshots)
    await upstream_counts(reset=True)

    result = payload(await gql(TEST, {"groupId": family["group_id"], "snapshot": to_input(snapshot),
                                      "handling": {"terminate": {"rule": {"endOfCurrentMonth": True}}}}),
                     "testMemberSnapshot")

    assert result["errors"] == []
    outcome = result["testResult"]
    assert outcome["traceIds"]
    assert {o["effectiveEndDate"] for o in outcome["omittedCoverages"]} == {"2026-07-31"}
    assert set(state_of(emulator_app).snapshots) == stored_before
    counts = await upstream_counts()
    assert counts.get(TEST_PATH) == 1 and SNAPSHOT_PATH not in counts


async def test_same_idempotency_key_sends_one_snapshot(gql, two_carrier_family, emulator_app, upstream_counts):
    family = two_carrier_family
    await upstream_counts(reset=True)

    first = await submit(gql, family["group_id"], family["snapshot"], key="snap-1")
    second = await submit(gql, family["group_id"], family["snapshot"], key="snap-1")
    changed = dict(family["snapshot"], coverages=family["snapshot"]["coverages"][1:])
    third = await submit(gql, family["group_id"], changed, key="snap-1")

    assert (await upstream_counts()).get(SNAPSHOT_PATH) == 1
    assert first["errors"] == [] and second == first
    assert [e["code"] for e in third["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    employee_snapshots = [s for s in state_of(emulator_app).snapshots.values()
                          if s["employee_id"] == family["employee_id"] and s["id"] == first["memberSnapshot"]["id"]]
    assert len(employee_snapshots) == 1


async def test_bad_ssn_and_zip_are_refused_without_echoing_them(gql, two_carrier_family, upstream_counts, caplog):
    family = two_carrier_family
    snapshot = to_input(family["snapshot"])
    snapshot["employee"]["person"]["ssn"] = "000123456"
    snapshot["employee"]["person"]["homeAddress"]["zipCode"] = "9A-17"
    await upstream_counts(reset=True)

    result = payload(await gql(SUBMIT, {"groupId": family["group_id"], "snapshot": snapshot}), "submitMemberSnapshot")

    fields = {tuple(e["field"]) for e in result["errors"] if e["code"] == "VALIDATION"}
    assert ("snapshot", "employee", "person", "ssn") in fields
    assert ("snapshot", "employee", "person", "homeAddress", "zipCode") in fields
    assert not any("000123456" in e["message"] or "9A-17" in e["message"] for e in result["errors"])
    assert "000123456" not in caplog.text and "9A-17" not in caplog.text
    assert SNAPSHOT_PATH not in await upstream_counts()


async def test_noyos_422_problems_map_to_argument_paths(gql, two_carrier_family, caplog):
    # given: a coverage at a carrier Noyo does not know (well-formed id: only Noyo can tell)
    family = two_carrier_family
    snapshot = to_input(family["snapshot"])
    snapshot["coverages"][0]["carrierId"] = "00000000-0000-4000-8000-000000000000"

    result = payload(await gql(SUBMIT, {"groupId": family["group_id"], "snapshot": snapshot}), "submitMemberSnapshot")

    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["snapshot", "coverages", "0", "carrierId"])
    person = family["snapshot"]["employee"]["person"]
    for value in (person["last_name"], person["ssn"], person["date_of_birth"]):
        assert value not in error["message"] and value not in caplog.text


async def test_snapshot_after_a_completed_disconnection_is_not_connected_there(gql, noyo, hooks, two_carrier_family):
    # given: the group disconnected from one of the family's carriers (completed by Noyo's clock)
    family = two_carrier_family
    carrier_id = family["carrier_ids"][0]
    state_today = (await hooks.get("/__emulator/clock")).json()["today"]
    request = payload(await gql(
        "mutation($input: CreateDisconnectionRequestInput!) { createDisconnectionRequest(input: $input) {"
        " disconnectionRequest { id: noyoId } errors { code message } } }",
        {"input": {"groupId": family["group_id"], "carrierId": carrier_id, "effectiveEndDate": state_today}},
    ), "createDisconnectionRequest")
    assert request["errors"] == []
    await hooks.post("/__emulator/clock", json={"advance_days": 1})

    # when: a later snapshot still lists coverage there
    result = await submit(gql, family["group_id"], await current_snapshot(noyo, family["employee_id"]))

    # then
    fulfillment = {f["carrierId"]: f["status"] for f in result["memberSnapshot"]["fulfillment"]}
    assert fulfillment[carrier_id] == "NOT_CONNECTED"
    assert fulfillment[family["carrier_ids"][1]] != "NOT_CONNECTED"
    # and the typed warnings say which carrier is not connected, beside Noyo's text
    details = payload(await gql(
        "query($id: ID!) { memberSnapshot(id: $id) { warningDetails { code carrierId message } } }",
        {"id": result["memberSnapshot"]["id"]},
    ), "memberSnapshot")["warningDetails"]
    idle = [d for d in details if d["code"] == "CARRIER_NOT_CONNECTED"]
    assert [d["carrierId"] for d in idle] == [carrier_id]
    assert idle[0]["message"] in result["memberSnapshot"]["warnings"]
