"""Every refusal that concerns an argument names it in ``field``: each mutation's refusals, as Noyo
(the emulator) makes them, through GraphQL, asserting code and field."""

from __future__ import annotations

import datetime as dt
import uuid

from .support import (
    CONFIRM,
    EDIT,
    REJECT,
    REQUEST,
    SUBMIT,
    carrier_request,
    connected_pairs,
    current_snapshot,
    families,
    payload,
    state_of,
    to_input,
    today,
)

CONNECT = """mutation($input: CreateGroupConnectionInput!) { createGroupConnection(input: $input) {
  groupConnection { id } errors { code field message } } }"""
RETRY = """mutation($id: ID!) { retryGroupConnection(id: $id) { groupConnection { id } errors { code field message } } }"""


def refusals(result: dict) -> list[tuple[str, list[str] | None]]:
    assert result.get("disconnectionRequest") is None and result.get("groupConnection") is None
    return [(e["code"], e["field"]) for e in result["errors"]]


def days(emulator_app, n: int) -> str:
    return (today(emulator_app) + dt.timedelta(days=n)).isoformat()


async def create(gql, emulator_app, group_id: str, carrier_id: str, end_in: int = 30) -> dict:
    variables = {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": days(emulator_app, end_in)}}
    return payload(await gql(REQUEST, variables), "createDisconnectionRequest")


async def rejected_carrier_request(gql, hooks, emulator_app, *, protected: bool = False) -> tuple[dict, str, str]:
    """A carrier-sourced request, rejected: (its payload, group id, carrier id)."""
    group_id, carrier_id = connected_pairs(emulator_app, protected=protected)[0]
    record = await carrier_request(hooks, group_id, carrier_id, today(emulator_app) + dt.timedelta(days=10))
    rejected = payload(await gql(REJECT, {"id": record["id"]}), "rejectDisconnectionRequest")
    assert rejected["errors"] == []
    return rejected["disconnectionRequest"], group_id, carrier_id


async def resubmit(gql, emulator_app, request: dict) -> dict:
    return payload(await gql(EDIT, {"id": request["id"], "version": request["version"],
                                    "input": {"resubmit": {"effectiveEndDate": days(emulator_app, 40)}}}),
                   "editDisconnectionRequest")


# -- createDisconnectionRequest ---------------------------------------------------------------


async def test_create_for_a_pair_that_is_not_connected_names_the_carrier(gql, emulator_app):
    # given: a group and a carrier it has no connection with, and a group whose connection is still processing
    state = state_of(emulator_app)
    connected = {(c["group_id"], c["carrier_id"]) for c in state.connections.values()}
    unconnected = next((g, c) for g in sorted(state.groups) for c in sorted(state.carriers) if (g, c) not in connected)
    pending = next(c for c in state.connections.values()
                   if c["status"] == "processing" and c["group_id"] not in state.protected_group_ids)

    # when: a disconnection is requested for each
    results = [await create(gql, emulator_app, *unconnected),
               await create(gql, emulator_app, pending["group_id"], pending["carrier_id"])]

    # then: Noyo's 422 points at the carrier
    assert [refusals(r) for r in results] == [[("VALIDATION", ["input", "carrierId"])]] * 2


async def test_create_for_a_pair_already_disconnected_names_the_carrier(gql, hooks, emulator_app):
    # given: a pair whose disconnection completed
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    assert (await create(gql, emulator_app, group_id, carrier_id, end_in=2))["errors"] == []
    await hooks.post("/__emulator/clock", json={"advance_days": 3})

    # when / then
    assert refusals(await create(gql, emulator_app, group_id, carrier_id)) == [("VALIDATION", ["input", "carrierId"])]


async def test_a_duplicate_open_request_is_a_conflict_on_the_carrier(gql, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    assert (await create(gql, emulator_app, group_id, carrier_id))["errors"] == []

    assert refusals(await create(gql, emulator_app, group_id, carrier_id)) == [("CONFLICT", ["input", "carrierId"])]


async def test_a_protected_group_is_forbidden_on_the_group(gql, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app, protected=True)[0]

    assert refusals(await create(gql, emulator_app, group_id, carrier_id)) == [("FORBIDDEN", ["input", "groupId"])]


async def test_an_unknown_carrier_is_not_found_on_the_carrier(gql, emulator_app):
    group_id, _ = connected_pairs(emulator_app)[0]

    result = await create(gql, emulator_app, group_id, str(uuid.uuid4()))

    assert refusals(result) == [("NOT_FOUND", ["input", "carrierId"])]


# -- confirmDisconnectionRequest / rejectDisconnectionRequest ----------------------------------


async def test_confirming_or_rejecting_a_decided_request_is_a_conflict_on_id(gql, emulator_app):
    # given: a platform request, processing (nothing to decide)
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    created = (await create(gql, emulator_app, group_id, carrier_id))["disconnectionRequest"]

    # when
    confirmed = payload(await gql(CONFIRM, {"id": created["id"]}), "confirmDisconnectionRequest")
    rejected = payload(await gql(REJECT, {"id": created["id"]}), "rejectDisconnectionRequest")

    # then: CONFLICT on `id`, with the version Noyo has
    assert refusals(confirmed) == refusals(rejected) == [("CONFLICT", ["id"])]
    assert confirmed["errors"][0]["currentVersion"] == created["version"]


async def test_confirming_for_a_protected_group_is_forbidden_on_id(gql, hooks, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app, protected=True)[0]
    record = await carrier_request(hooks, group_id, carrier_id, today(emulator_app) + dt.timedelta(days=10))

    result = payload(await gql(CONFIRM, {"id": record["id"]}), "confirmDisconnectionRequest")

    assert refusals(result) == [("FORBIDDEN", ["id"])]


# -- editDisconnectionRequest ------------------------------------------------------------------


async def test_editing_a_completed_request_is_a_conflict_on_id(gql, hooks, emulator_app):
    # given: a request that completed
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    created = (await create(gql, emulator_app, group_id, carrier_id, end_in=2))["disconnectionRequest"]
    await hooks.post("/__emulator/clock", json={"advance_days": 3})
    version = state_of(emulator_app).disconnections[created["id"]]["version"]

    # when: rejected by an edit at its current version
    result = payload(await gql(EDIT, {"id": created["id"], "version": version, "input": {"reject": {}}}),
                     "editDisconnectionRequest")

    # then
    assert refusals(result) == [("CONFLICT", ["id"])]
    assert result["errors"][0]["currentVersion"] == version


async def test_resubmitting_while_another_request_is_open_is_a_conflict_on_resubmit(gql, hooks, emulator_app):
    # given: a rejected request, and a new open one for the same pair
    rejected, group_id, carrier_id = await rejected_carrier_request(gql, hooks, emulator_app)
    assert (await create(gql, emulator_app, group_id, carrier_id))["errors"] == []

    # when / then
    assert refusals(await resubmit(gql, emulator_app, rejected)) == [("CONFLICT", ["input", "resubmit"])]


async def test_resubmitting_for_a_disconnected_pair_is_a_validation_error_on_resubmit(gql, hooks, emulator_app):
    # given: a rejected request, and another request for the pair that completed since
    rejected, group_id, carrier_id = await rejected_carrier_request(gql, hooks, emulator_app)
    assert (await create(gql, emulator_app, group_id, carrier_id, end_in=2))["errors"] == []
    await hooks.post("/__emulator/clock", json={"advance_days": 3})

    # when / then: the pair is no longer connected
    assert refusals(await resubmit(gql, emulator_app, rejected)) == [("VALIDATION", ["input", "resubmit"])]


async def test_resubmitting_for_a_protected_group_is_forbidden_on_resubmit(gql, hooks, emulator_app):
    rejected, _, _ = await rejected_carrier_request(gql, hooks, emulator_app, protected=True)

    assert refusals(await resubmit(gql, emulator_app, rejected)) == [("FORBIDDEN", ["input", "resubmit"])]


async def test_editing_an_unknown_request_is_not_found_on_id(gql):
    result = payload(await gql(EDIT, {"id": str(uuid.uuid4()), "version": str(uuid.uuid4()),
                                      "input": {"reject": {}}}), "editDisconnectionRequest")

    assert refusals(result) == [("NOT_FOUND", ["id"])]


# -- createGroupConnection / retryGroupConnection ----------------------------------------------


async def test_a_connection_to_an_unknown_group_or_carrier_names_it(gql, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    data = {"carrierGroupId": "G-1"}

    unknown_group = (await gql(CONNECT, {"input": {"groupId": str(uuid.uuid4()), "carrierId": carrier_id,
                                                   "groupData": data}}))["data"]["createGroupConnection"]
    unknown_carrier = (await gql(CONNECT, {"input": {"groupId": group_id, "carrierId": str(uuid.uuid4()),
                                                     "groupData": data}}))["data"]["createGroupConnection"]

    assert refusals(unknown_group) == [("NOT_FOUND", ["input", "groupId"])]
    assert refusals(unknown_carrier) == [("NOT_FOUND", ["input", "carrierId"])]


async def test_retrying_an_unknown_connection_is_not_found_on_id(gql):
    result = (await gql(RETRY, {"id": str(uuid.uuid4())}))["data"]["retryGroupConnection"]

    assert refusals(result) == [("NOT_FOUND", ["id"])]


# -- submitMemberSnapshot ----------------------------------------------------------------------


async def submitted(gql, group_id: str, snapshot: dict) -> list[tuple[str, list[str] | None]]:
    result = payload(await gql(SUBMIT, {"groupId": group_id, "snapshot": to_input(snapshot)}), "submitMemberSnapshot")
    assert result["memberSnapshot"] is None
    return [(e["code"], e["field"]) for e in result["errors"]]


async def test_a_snapshot_naming_an_unknown_employee_or_dependent_points_at_its_id(gql, noyo, emulator_app):
    # given: an employee's current snapshot, with a dependent
    family = next(f for f in families(emulator_app, 1)
                  if any(d.get("employee_id") == f["employee_id"] for d in state_of(emulator_app).dependents.values()))
    snapshot = await current_snapshot(noyo, family["employee_id"])
    assert snapshot["dependents"]

    # when: the employee's id, then the last dependent's id, is one Noyo does not know
    unknown_employee = {**snapshot, "employee": {**snapshot["employee"], "id": str(uuid.uuid4())}}
    last = len(snapshot["dependents"]) - 1
    dependents = [*snapshot["dependents"][:last], {**snapshot["dependents"][last], "id": str(uuid.uuid4())}]
    unknown_dependent = {**snapshot, "dependents": dependents}

    # then: NOT_FOUND on that id's path
    assert await submitted(gql, family["group_id"], unknown_employee) == [("NOT_FOUND", ["snapshot", "employee", "id"])]
    assert await submitted(gql, family["group_id"], unknown_dependent) == [
        ("NOT_FOUND", ["snapshot", "dependents", str(last), "id"])]


async def test_a_snapshot_for_an_unknown_group_is_not_found_on_the_group(gql, noyo, emulator_app):
    family = families(emulator_app, 1)[0]
    snapshot = await current_snapshot(noyo, family["employee_id"])

    assert await submitted(gql, str(uuid.uuid4()), snapshot) == [("NOT_FOUND", ["groupId"])]


async def test_a_new_dependent_matching_an_existing_one_points_at_the_dependents(gql, noyo, emulator_app):
    # given: an employee's snapshot with one more dependent: an existing one again, without its ids
    family = next(f for f in families(emulator_app, 1)
                  if any(d.get("employee_id") == f["employee_id"] for d in state_of(emulator_app).dependents.values()))
    snapshot = await current_snapshot(noyo, family["employee_id"])
    twin = {k: v for k, v in snapshot["dependents"][0].items()
            if k not in ("id", "custom_individual_id", "group_individual_id")}

    # when / then: Noyo's 400 (it names the existing dependent, not ours) points at the list
    assert await submitted(gql, family["group_id"], {**snapshot, "dependents": [*snapshot["dependents"], twin]}) \
        == [("VALIDATION", ["snapshot", "dependents"])]
