"""``editDisconnectionRequest``: its ``@oneOf`` input (resubmit or reject), through GraphQL against the emulator."""

from __future__ import annotations

import datetime as dt

import pytest

from .support import EDIT, REJECT, REQUEST, carrier_request, connected_pairs, payload, state_of, today

EDIT_PATH = "PUT /api/v1/group_disconnection_requests/{request_id}/{version}"


async def created_request(gql, emulator_app, days: int = 30) -> dict:
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=days)).isoformat()
    result = payload(await gql(REQUEST, {"input": {"groupId": group_id, "carrierId": carrier_id,
                                                   "effectiveEndDate": end}}), "createDisconnectionRequest")
    assert result["errors"] == []
    return result["disconnectionRequest"]


async def test_reject_moves_a_processing_request_to_rejected_with_its_reason(gql, emulator_app):
    # given: a processing request
    created = await created_request(gql, emulator_app)

    # when: edited with `reject`
    result = payload(await gql(EDIT, {"id": created["id"], "version": created["version"], "input": {
        "reject": {"reason": "PAYMENT_REINSTATED", "context": "premium paid"}}}), "editDisconnectionRequest")

    # then: rejected, and Noyo got the rejection's reason and context
    assert result["errors"] == []
    assert result["disconnectionRequest"]["status"] == "REJECTED"
    note = state_of(emulator_app).disconnection_notes[created["id"]][-1]
    assert note == {"action": "edit", "status": "rejected", "reason": "payment_reinstated", "context": "premium paid"}


async def test_resubmit_keeps_the_stored_date_when_none_is_given(gql, hooks, emulator_app):
    # given: a carrier request with a date, rejected
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = today(emulator_app) + dt.timedelta(days=40)
    record = await carrier_request(hooks, group_id, carrier_id, end)
    rejected = payload(await gql(REJECT, {"id": record["id"]}), "rejectDisconnectionRequest")["disconnectionRequest"]

    # when: resubmitted with no fields
    result = payload(await gql(EDIT, {"id": record["id"], "version": rejected["version"],
                                      "input": {"resubmit": {}}}), "editDisconnectionRequest")

    # then: processing again, on the date it had
    assert result["errors"] == []
    assert (result["disconnectionRequest"]["status"], result["disconnectionRequest"]["effectiveEndDate"]) \
        == ("PROCESSING", end.isoformat())


async def test_resubmit_without_a_date_when_the_request_has_none_names_the_resubmit_date(gql, hooks, emulator_app):
    # given: a carrier request without a date, rejected
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    record = await carrier_request(hooks, group_id, carrier_id)
    rejected = payload(await gql(REJECT, {"id": record["id"]}), "rejectDisconnectionRequest")["disconnectionRequest"]

    # when: resubmitted without a date
    result = payload(await gql(EDIT, {"id": record["id"], "version": rejected["version"],
                                      "input": {"resubmit": {"context": "carrier confirmed"}}}),
                     "editDisconnectionRequest")

    # then: Noyo's 422 points at the option's date
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["input", "resubmit", "effectiveEndDate"])
    assert state_of(emulator_app).disconnections[record["id"]]["status"] == "rejected"


async def test_resubmit_with_a_past_date_names_the_resubmit_date(gql, emulator_app):
    created = await created_request(gql, emulator_app)
    yesterday = (today(emulator_app) - dt.timedelta(days=1)).isoformat()

    result = payload(await gql(EDIT, {"id": created["id"], "version": created["version"],
                                      "input": {"resubmit": {"effectiveEndDate": yesterday}}}),
                     "editDisconnectionRequest")

    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["input", "resubmit", "effectiveEndDate"])
    assert "past" in error["message"]


@pytest.mark.parametrize("edit", [
    {},
    {"resubmit": {"effectiveEndDate": "2030-01-31"}, "reject": {"reason": "OTHER"}},
    {"resubmit": None},
    {"resubmit": {"reason": "OTHER"}},
    {"reject": {"effectiveEndDate": "2030-01-31"}},
    {"status": "PROCESSING"},
], ids=["no-option", "both-options", "null-option", "reason-on-resubmit", "date-on-reject", "status"])
async def test_an_edit_that_is_not_one_option_with_its_fields_is_refused_before_noyo(
    gql, emulator_app, upstream_counts, edit
):
    # given: a processing request
    created = await created_request(gql, emulator_app)
    await upstream_counts(reset=True)

    # when: the input is not exactly one option with that option's fields
    body = await gql(EDIT, {"id": created["id"], "version": created["version"], "input": edit})

    # then: GraphQL refuses the variables; nothing reaches Noyo and the request is unchanged
    assert body.get("data") is None and body["errors"], body
    assert EDIT_PATH not in await upstream_counts()
    assert state_of(emulator_app).disconnections[created["id"]]["version"] == created["version"]
