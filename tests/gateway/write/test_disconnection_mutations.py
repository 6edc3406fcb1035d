"""The disconnection workflow through GraphQL, against the emulator (counted upstream)."""

from __future__ import annotations

import datetime as dt
import uuid

from .support import (
    CONFIRM,
    CREATE_PATH,
    EDIT,
    REJECT,
    REQUEST,
    REVIEW_QUEUE,
    carrier_request,
    connected_pairs,
    payload,
    queue_ids,
    state_of,
    today,
)

GROUP_REQUESTS = "query($id: ID!) { group(id: $id) { disconnectionRequests(first: 100) { nodes { id: noyoId status } } } }"
GROUP_STATUS = "query($id: ID!) { group(id: $id) { status { carrierId state effectiveEndDate } } }"


def request_input(group_id: str, carrier_id: str, end: dt.date, **extra: str) -> dict:
    return {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end.isoformat(), **extra}


async def test_request_disconnection_is_processing_and_shows_in_the_group(gql, emulator_app):
    # given: a connected pair, and the group's requests already read (and cached)
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = today(emulator_app) + dt.timedelta(days=30)
    before = payload(await gql(GROUP_REQUESTS, {"id": group_id}), "group")["disconnectionRequests"]["nodes"]

    # when
    result = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, end, reason="LOST_GROUP")}),
                     "createDisconnectionRequest")

    # then: Noyo holds a processing request, and the group's list shows it (cache invalidated)
    request = result["disconnectionRequest"]
    assert result["errors"] == []
    assert request["status"] == "PROCESSING" and request["sourceType"] == "PLATFORM"
    assert request["effectiveEndDate"] == end.isoformat()
    assert (request["groupId"], request["carrier"]["id"]) == (group_id, carrier_id)
    assert state_of(emulator_app).disconnections[request["id"]]["status"] == "processing"
    after = payload(await gql(GROUP_REQUESTS, {"id": group_id}), "group")["disconnectionRequests"]["nodes"]
    assert request["id"] not in {r["id"] for r in before}
    assert {"id": request["id"], "status": "PROCESSING"} in after


async def test_duplicate_request_is_a_conflict(gql, emulator_app):
    # given: an open request for the pair
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    variables = {"input": request_input(group_id, carrier_id, today(emulator_app) + dt.timedelta(days=10))}
    first = payload(await gql(REQUEST, variables), "createDisconnectionRequest")
    assert first["errors"] == []

    # when: the same request again (no idempotency key)
    second = payload(await gql(REQUEST, variables), "createDisconnectionRequest")

    # then
    assert second["disconnectionRequest"] is None
    [error] = second["errors"]
    assert error["code"] == "CONFLICT"
    assert first["disconnectionRequest"]["id"] in error["message"]


async def test_unknown_group_is_not_found_on_group_id(gql, emulator_app):
    _, carrier_id = connected_pairs(emulator_app)[0]
    missing = str(uuid.uuid4())

    result = payload(await gql(REQUEST, {"input": request_input(missing, carrier_id, today(emulator_app))}),
                     "createDisconnectionRequest")

    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "groupId"])
    assert result["disconnectionRequest"] is None


async def test_past_date_is_a_validation_error_on_effective_end_date(gql, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    yesterday = today(emulator_app) - dt.timedelta(days=1)

    result = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, yesterday)}),
                     "createDisconnectionRequest")

    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["input", "effectiveEndDate"])
    assert "past" in error["message"]


async def test_malformed_ids_are_refused_before_noyo(gql, emulator_app, upstream_counts):
    group_id, _ = connected_pairs(emulator_app)[0]
    await upstream_counts(reset=True)

    result = payload(await gql(REQUEST, {"input": request_input(group_id, "not-a-uuid", today(emulator_app))}),
                     "createDisconnectionRequest")

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("VALIDATION", ["input", "carrierId"])]
    assert CREATE_PATH not in await upstream_counts()


async def test_protected_group_is_forbidden_with_noyos_message(gql, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app, protected=True)[0]

    result = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, today(emulator_app))}),
                     "createDisconnectionRequest")

    [error] = result["errors"]
    assert error["code"] == "FORBIDDEN"
    assert error["message"] == "Protected group disconnection is forbidden without an internal override."


async def test_carrier_sourced_request_with_a_date_is_confirmed_as_is(gql, hooks, emulator_app):
    # given: Noyo opened a needs_review request from a carrier signal, with a date
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = today(emulator_app) + dt.timedelta(days=20)
    record = await carrier_request(hooks, group_id, carrier_id, end)
    assert record["id"] in queue_ids(await gql(REVIEW_QUEUE))

    # when: confirmed without a date
    result = payload(await gql(CONFIRM, {"id": record["id"]}), "confirmDisconnectionRequest")

    # then: processing with the carrier's date, and out of the (cached) review queue
    request = result["disconnectionRequest"]
    assert result["errors"] == []
    assert (request["status"], request["effectiveEndDate"]) == ("PROCESSING", end.isoformat())
    assert record["id"] not in queue_ids(await gql(REVIEW_QUEUE))


async def test_carrier_sourced_request_without_a_date_needs_one_to_confirm(gql, hooks, emulator_app):
    # given: a needs_review request without a date
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    record = await carrier_request(hooks, group_id, carrier_id)
    end = today(emulator_app) + dt.timedelta(days=45)

    # when: confirmed without, then with a date
    without = payload(await gql(CONFIRM, {"id": record["id"]}), "confirmDisconnectionRequest")
    with_date = payload(await gql(CONFIRM, {"id": record["id"], "date": end.isoformat()}), "confirmDisconnectionRequest")

    # then: the first is a validation error on the argument, the second succeeds
    [error] = without["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["effectiveEndDate"])
    assert with_date["errors"] == []
    assert with_date["disconnectionRequest"]["status"] == "PROCESSING"
    assert with_date["disconnectionRequest"]["effectiveEndDate"] == end.isoformat()


async def test_reject_removes_the_request_from_the_cached_review_queue(gql, hooks, emulator_app):
    # given: a needs_review request, and the review queue read once (cached)
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    record = await carrier_request(hooks, group_id, carrier_id, today(emulator_app) + dt.timedelta(days=5))
    assert record["id"] in queue_ids(await gql(REVIEW_QUEUE))

    # when
    result = payload(await gql(REJECT, {"id": record["id"], "reason": "CONNECTION_RESTORED", "context": "renewed"}),
                     "rejectDisconnectionRequest")

    # then
    assert result["errors"] == []
    assert result["disconnectionRequest"]["status"] == "REJECTED"
    assert record["id"] not in queue_ids(await gql(REVIEW_QUEUE))
    assert state_of(emulator_app).disconnections[record["id"]]["status"] == "rejected"


async def test_confirming_twice_is_a_conflict_with_the_current_version(gql, hooks, emulator_app):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    record = await carrier_request(hooks, group_id, carrier_id, today(emulator_app) + dt.timedelta(days=5))
    confirmed = payload(await gql(CONFIRM, {"id": record["id"]}), "confirmDisconnectionRequest")["disconnectionRequest"]

    again = payload(await gql(CONFIRM, {"id": record["id"]}), "confirmDisconnectionRequest")

    [error] = again["errors"]
    assert error["code"] == "CONFLICT"
    assert error["currentVersion"] == confirmed["version"]


async def test_unknown_request_is_not_found_on_id(gql):
    result = payload(await gql(REJECT, {"id": str(uuid.uuid4())}), "rejectDisconnectionRequest")
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["id"])


async def test_rejected_request_edited_with_a_corrected_date_is_processing(gql, hooks, emulator_app):
    # given: a rejected request
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    record = await carrier_request(hooks, group_id, carrier_id, today(emulator_app) + dt.timedelta(days=5))
    rejected = payload(await gql(REJECT, {"id": record["id"]}), "rejectDisconnectionRequest")["disconnectionRequest"]
    corrected = today(emulator_app) + dt.timedelta(days=60)

    # when: edited at its current version with a corrected date
    result = payload(await gql(EDIT, {
        "id": record["id"], "version": rejected["version"],
        "input": {"resubmit": {"effectiveEndDate": corrected.isoformat(), "context": "corrected date"}},
    }), "editDisconnectionRequest")

    # then
    assert result["errors"] == []
    edited = result["disconnectionRequest"]
    assert (edited["status"], edited["effectiveEndDate"]) == ("PROCESSING", corrected.isoformat())
    assert edited["version"] != rejected["version"]


async def test_edit_at_a_stale_version_is_a_conflict_carrying_the_current_version(gql, emulator_app):
    # given: a request edited once (its first version is now stale)
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    start = today(emulator_app)
    created = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, start + dt.timedelta(days=9))}),
                      "createDisconnectionRequest")["disconnectionRequest"]
    moved = payload(await gql(EDIT, {
        "id": created["id"], "version": created["version"],
        "input": {"resubmit": {"effectiveEndDate": (start + dt.timedelta(days=12)).isoformat()}},
    }), "editDisconnectionRequest")["disconnectionRequest"]

    # when: edited again at the first version
    result = payload(await gql(EDIT, {
        "id": created["id"], "version": created["version"],
        "input": {"resubmit": {"effectiveEndDate": (start + dt.timedelta(days=15)).isoformat()}},
    }), "editDisconnectionRequest")

    # then: CONFLICT on `version`, with the version to retry at
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("CONFLICT", ["version"])
    assert error["currentVersion"] == moved["version"]
    assert error["currentVersion"] == state_of(emulator_app).disconnections[created["id"]]["version"]


async def test_clock_past_the_end_date_completes_and_the_group_shows_disconnected(gql, hooks, emulator_app):
    # given: a processing request ending in 3 days
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = today(emulator_app) + dt.timedelta(days=3)
    created = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, end)}),
                      "createDisconnectionRequest")["disconnectionRequest"]

    # when: Noyo's clock passes the date
    await hooks.post("/__emulator/clock", json={"advance_days": 4})

    # then
    assert state_of(emulator_app).disconnections[created["id"]]["status"] == "completed"
    statuses = payload(await gql(GROUP_STATUS, {"id": group_id}), "group")["status"]
    mine = next(s for s in statuses if s["carrierId"] == carrier_id)
    assert (mine["state"], mine["effectiveEndDate"]) == ("DISCONNECTED", end.isoformat())


async def test_same_idempotency_key_sends_one_post_and_replays_the_outcome(gql, emulator_app, upstream_counts):
    # given
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    variables = {"input": request_input(group_id, carrier_id, today(emulator_app) + dt.timedelta(days=8)),
                 "key": "retry-1"}
    await upstream_counts(reset=True)

    # when: the same mutation twice with one key
    first = payload(await gql(REQUEST, variables), "createDisconnectionRequest")
    second = payload(await gql(REQUEST, variables), "createDisconnectionRequest")

    # then: one POST upstream; the retry shows the first outcome (not a duplicate CONFLICT)
    assert (await upstream_counts()).get(CREATE_PATH) == 1
    assert first["errors"] == [] and second == first


async def test_same_idempotency_key_with_another_input_is_refused(gql, emulator_app, upstream_counts):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    start = today(emulator_app)
    first = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, start + dt.timedelta(days=8)),
                                        "key": "k-2"}), "createDisconnectionRequest")
    await upstream_counts(reset=True)

    other = payload(await gql(REQUEST, {"input": request_input(group_id, carrier_id, start + dt.timedelta(days=9)),
                                        "key": "k-2"}), "createDisconnectionRequest")

    assert first["errors"] == []
    [error] = other["errors"]
    assert (error["code"], error["field"]) == ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])
    assert CREATE_PATH not in await upstream_counts()


async def test_an_outage_is_not_recorded_so_the_same_key_can_retry(gql, hooks, emulator_app):
    # given: Noyo fails the next create with a 503
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    variables = {"input": request_input(group_id, carrier_id, today(emulator_app) + dt.timedelta(days=8)),
                 "key": "outage-1"}
    fault = {"path": "/api/v1/group_disconnection_requests", "error_rate": 1.0, "error_status": 503, "count": 1}
    assert (await hooks.post("/__emulator/faults", json=fault)).status_code == 200

    # when: the mutation fails, then is retried with the same key
    failed = payload(await gql(REQUEST, variables), "createDisconnectionRequest")
    retried = payload(await gql(REQUEST, variables), "createDisconnectionRequest")

    # then: the outage was reported, not replayed; the retry created the request
    assert [e["code"] for e in failed["errors"]] == ["UPSTREAM_UNAVAILABLE"]
    assert retried["errors"] == []
    created = [r for r in state_of(emulator_app).disconnections.values()
               if (r["group_id"], r["carrier_id"], r["status"]) == (group_id, carrier_id, "processing")]
    assert [r["id"] for r in created] == [retried["disconnectionRequest"]["id"]]
