"""Group disconnection requests over HTTP: create rules, decisions, edits, the clock, lists."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from starlette.applications import Starlette

BASE = "/api/v1/group_disconnection_requests"
PROTECTED_MESSAGE = "Protected group disconnection is forbidden without an internal override."
OPEN = ("needs_review", "processing")


# -- helpers: pick from the seeded world through the API -------------------------------


async def _all(noyo: httpx.AsyncClient, path: str, **params) -> list[dict]:
    items, offset = [], 0
    while True:
        page = (await noyo.get(path, params={**params, "page_size": 100, "offset": offset})).json()
        items += page["response"]
        offset += 100
        if offset >= page["meta"]["total_records"]:
            return items


async def _today(emulator_app: Starlette) -> dt.date:
    return emulator_app.state.emulator.today


async def connected_pairs(noyo: httpx.AsyncClient, emulator_app: Starlette, count: int = 1) -> list[tuple[dict, str]]:
    """``count`` (group, carrier_id) pairs: completed connection, unprotected, no request at all."""
    protected = emulator_app.state.emulator.protected_group_ids
    pairs = []
    for group in await _all(noyo, "/api/v1/groups"):
        if group["id"] in protected:
            continue
        connections = await _all(noyo, f"/api/v1/groups/{group['id']}/group_connections")
        requested = {r["carrier_id"] for r in await _all(noyo, f"/api/v1/groups/{group['id']}/group_disconnection_requests")}
        for connection in connections:
            if connection["status"] == "completed" and connection["carrier_id"] not in requested:
                pairs.append((group, connection["carrier_id"]))
                break
        if len(pairs) == count:
            return pairs
    raise AssertionError("the seeded world has too few connected groups")


def _in_days(today: dt.date, days: int) -> str:
    return (today + dt.timedelta(days=days)).isoformat()


async def create(noyo: httpx.AsyncClient, group: dict, carrier_id: str, end: str, **extra) -> httpx.Response:
    return await noyo.post(BASE, json={"group_id": group["id"], "carrier_id": carrier_id, "effective_end_date": end, **extra})


async def carrier_signal(hooks: httpx.AsyncClient, group: dict, carrier_id: str, end: str | None = None) -> httpx.Response:
    body = {"group_id": group["id"], "carrier_id": carrier_id}
    if end is not None:
        body["effective_end_date"] = end
    return await hooks.post("/__emulator/carrier-disconnection", json=body)


async def advance(hooks: httpx.AsyncClient, days: int) -> None:
    response = await hooks.post("/__emulator/clock", json={"advance_days": days})
    assert response.status_code == 200, response.text


def outbox(emulator_app: Starlette) -> list[tuple[str, str]]:
    return [(e["type"], e["data"]["id"]) for e in emulator_app.state.emulator.outbox]


# -- platform create ------------------------------------------------------------------


async def test_create_is_processing_and_queues_a_created_event(noyo, emulator_app):
    # given a connected group
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    end = _in_days(await _today(emulator_app), 30)

    # when the platform asks to disconnect it
    response = await create(noyo, group, carrier_id, end, reason="lost_group", context="moved to another platform")

    # then Noyo accepts it straight into processing, decided, named after the group
    assert response.status_code == 201
    record = response.json()
    assert (record["status"], record["source_type"], record["effective_end_date"]) == ("processing", "platform", end)
    assert record["group_name"] == group["name"] and record["organization_id"] == group["organization_id"]
    assert record["decided"] == record["created"] and "completed" not in record
    assert ("group_disconnection_request.created", record["id"]) in outbox(emulator_app)
    assert (await noyo.get(f"{BASE}/{record['id']}")).json() == record


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"carrier_id": None}, "carrier_id"),
        ({"group_id": "not-a-uuid"}, "group_id"),
        ({"effective_end_date": None}, "effective_end_date"),
        ({"effective_end_date": "2026-13-01"}, "effective_end_date"),
        ({"effective_end_date": "07/04/2030"}, "effective_end_date"),
        ({"effective_end_date": "past"}, "effective_end_date"),
        ({"reason": "connection_restored"}, "reason"),  # a reject/edit reason, not a create reason
        ({"context": 12}, "context"),
        ({"protected_group_override": True}, "protected_group_override"),
    ],
)
async def test_create_rejects_invalid_bodies_naming_the_field(noyo, emulator_app, change, field):
    # given a valid body for a connected group, with one field broken
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    today = await _today(emulator_app)
    body = {"group_id": group["id"], "carrier_id": carrier_id, "effective_end_date": _in_days(today, 10)}
    if change.get("effective_end_date") == "past":
        change = {"effective_end_date": _in_days(today, -1)}
    body = {k: v for k, v in {**body, **change}.items() if v is not None}
    before = len(emulator_app.state.emulator.disconnections)

    # when it is posted
    response = await noyo.post(BASE, json=body)

    # then it is a 422 naming the field, and nothing is created
    assert response.status_code == 422
    assert field in response.json()["message"]
    assert len(emulator_app.state.emulator.disconnections) == before


async def test_create_accepts_today_as_end_date(noyo, emulator_app):
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    response = await create(noyo, group, carrier_id, (await _today(emulator_app)).isoformat())
    assert response.status_code == 201


async def test_create_for_unknown_group_or_carrier_is_404(noyo, emulator_app):
    # given a connected pair and ids that exist nowhere
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    end = _in_days(await _today(emulator_app), 10)
    ghost = "00000000-0000-4000-8000-000000000000"

    # when either side is unknown, then 404 names the missing resource
    unknown_group = await create(noyo, {"id": ghost}, carrier_id, end)
    unknown_carrier = await create(noyo, group, ghost, end)
    assert (unknown_group.status_code, unknown_carrier.status_code) == (404, 404)
    assert unknown_group.json()["message"] == f"Group not found with UUID {ghost}"
    assert unknown_carrier.json()["message"] == f"Carrier not found with UUID {ghost}"


async def test_create_for_protected_group_is_403(noyo, emulator_app):
    # given a protected group and one of its completed connections
    state = emulator_app.state.emulator
    group_id = sorted(state.protected_group_ids)[0]
    connections = await _all(noyo, f"/api/v1/groups/{group_id}/group_connections")
    carrier_id = connections[0]["carrier_id"] if connections else next(iter(state.carriers))

    # when the platform asks to disconnect it
    response = await create(noyo, {"id": group_id}, carrier_id, _in_days(state.today, 10))

    # then Noyo refuses with its exact message
    assert response.status_code == 403
    assert response.json() == {"message": PROTECTED_MESSAGE, "status": 403}


async def test_create_for_group_not_connected_to_carrier_is_422(noyo, emulator_app):
    # given a group, a carrier it has no connection with, and a connection that is not completed
    state = emulator_app.state.emulator
    end = _in_days(state.today, 10)
    carriers = (await noyo.get("/api/v1/carriers")).json()
    [(group, _)] = await connected_pairs(noyo, emulator_app)
    linked = {c["carrier_id"] for c in await _all(noyo, f"/api/v1/groups/{group['id']}/group_connections")}
    stranger = next(c["id"] for c in carriers if c["id"] not in linked)
    pending = next(
        c for c in await _all(noyo, "/api/v1/group_connections", status="waiting_on_carrier")
        if c["group_id"] not in state.protected_group_ids
    )

    # when disconnections are requested for them
    no_connection = await create(noyo, group, stranger, end)
    not_completed = await create(noyo, {"id": pending["group_id"]}, pending["carrier_id"], end)

    # then both are unprocessable
    assert (no_connection.status_code, not_completed.status_code) == (422, 422)
    assert "not connected" in no_connection.json()["message"]
    assert "waiting_on_carrier" in not_completed.json()["message"]


async def test_second_open_request_for_same_pair_is_409(noyo, emulator_app):
    # given a processing request for a pair
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    end = _in_days(await _today(emulator_app), 20)
    first = (await create(noyo, group, carrier_id, end)).json()

    # when another is created for the same pair
    response = await create(noyo, group, carrier_id, _in_days(await _today(emulator_app), 25))

    # then it conflicts and names the open request
    assert response.status_code == 409
    assert first["id"] in response.json()["message"]


# -- carrier-sourced requests and decisions ----------------------------------------------


async def test_carrier_signal_needs_review_and_confirm_requires_a_date(noyo, hooks, emulator_app):
    # given a carrier signal without an end date
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    signal = await carrier_signal(hooks, group, carrier_id)
    assert signal.status_code in (200, 201), signal.text
    request_id = signal.json()["id"]
    review = await _all(noyo, BASE, status="needs_review", group_id=group["id"])
    assert [r["id"] for r in review] == [request_id]
    record = review[0]
    assert record["source_type"] == "carrier" and "decided" not in record and "effective_end_date" not in record
    assert ("group_disconnection_request.created", request_id) in outbox(emulator_app)

    # when confirmed with no date, then 422 naming the field and nothing changes
    missing = await noyo.put(f"{BASE}/{request_id}/confirm", json={})
    assert missing.status_code == 422 and "effective_end_date" in missing.json()["message"]
    past = await noyo.put(f"{BASE}/{request_id}/confirm", json={"effective_end_date": _in_days(await _today(emulator_app), -3)})
    assert past.status_code == 422
    assert (await noyo.get(f"{BASE}/{request_id}")).json()["version"] == record["version"]

    # when confirmed with a date, then it is processing, decided, with a new version
    end = _in_days(await _today(emulator_app), 14)
    confirmed = await noyo.put(f"{BASE}/{request_id}/confirm", json={"effective_end_date": end})
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["status"], body["effective_end_date"]) == ("processing", end)
    assert body["decided"] == body["modified"] > record["modified"] and body["version"] != record["version"]
    assert ("group_disconnection_request.status_change", request_id) in outbox(emulator_app)

    # and confirming again is a conflict
    again = await noyo.put(f"{BASE}/{request_id}/confirm", json={})
    assert again.status_code == 409


async def test_confirm_without_body_keeps_the_carrier_date(noyo, hooks, emulator_app):
    # given a carrier signal with an end date
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    end = _in_days(await _today(emulator_app), 7)
    request_id = (await carrier_signal(hooks, group, carrier_id, end)).json()["id"]

    # when confirmed without a body
    confirmed = await noyo.put(f"{BASE}/{request_id}/confirm")

    # then the carrier's date is kept
    assert confirmed.status_code == 200
    assert (confirmed.json()["status"], confirmed.json()["effective_end_date"]) == ("processing", end)


async def test_carrier_signal_errors(noyo, hooks, emulator_app):
    # given a pair with an open request
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    await carrier_signal(hooks, group, carrier_id)

    # when Noyo gets another signal for it, or one for an unknown group
    duplicate = await carrier_signal(hooks, group, carrier_id)
    unknown = await carrier_signal(hooks, {"id": "00000000-0000-4000-8000-000000000000"}, carrier_id)

    # then the rules of platform requests apply
    assert (duplicate.status_code, unknown.status_code) == (409, 404)


async def test_reject_then_edit_back_to_processing(noyo, hooks, emulator_app):
    # given a rejected carrier-sourced request
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    request_id = (await carrier_signal(hooks, group, carrier_id)).json()["id"]
    bad_reason = await noyo.put(f"{BASE}/{request_id}/reject", json={"reason": "lost_group"})
    assert bad_reason.status_code == 422 and "reason" in bad_reason.json()["message"]
    rejected = await noyo.put(f"{BASE}/{request_id}/reject", json={"reason": "connection_restored", "context": "ok"})
    assert rejected.status_code == 200
    record = rejected.json()
    assert record["status"] == "rejected" and record["decided"] == record["modified"]
    assert emulator_app.state.emulator.disconnection_notes[request_id][-1]["reason"] == "connection_restored"
    assert (await noyo.put(f"{BASE}/{request_id}/reject", json={})).status_code == 409
    assert (await noyo.put(f"{BASE}/{request_id}/confirm", json={})).status_code == 409

    # when edited with a past date, then 422; with a corrected date, then processing again
    today = await _today(emulator_app)
    past = await noyo.put(f"{BASE}/{request_id}/{record['version']}", json={"status": "processing", "effective_end_date": _in_days(today, -1)})
    assert past.status_code == 422
    end = _in_days(today, 9)
    edited = await noyo.put(f"{BASE}/{request_id}/{record['version']}", json={"status": "processing", "effective_end_date": end})
    assert edited.status_code == 200
    body = edited.json()
    assert (body["status"], body["effective_end_date"]) == ("processing", end)
    assert body["version"] != record["version"] and body["decided"] > record["decided"]

    # and the version used is now stale
    stale = await noyo.put(f"{BASE}/{request_id}/{record['version']}", json={"status": "rejected"})
    assert stale.status_code == 409 and "current version" in stale.json()["message"]


async def test_edit_rejected_to_processing_conflicts_with_another_open_request(noyo, hooks, emulator_app):
    # given a rejected request and, after it, a new open one for the same pair
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    end = _in_days(await _today(emulator_app), 9)
    first = (await carrier_signal(hooks, group, carrier_id, end)).json()
    rejected = (await noyo.put(f"{BASE}/{first['id']}/reject", json={})).json()
    assert (await create(noyo, group, carrier_id, end)).status_code == 201

    # when the rejected one is revived
    response = await noyo.put(f"{BASE}/{first['id']}/{rejected['version']}", json={"status": "processing"})

    # then it conflicts
    assert response.status_code == 409


async def test_edit_processing_changes_date_or_rejects(noyo, emulator_app):
    # given a processing request
    [(group, carrier_id)] = await connected_pairs(noyo, emulator_app)
    today = await _today(emulator_app)
    record = (await create(noyo, group, carrier_id, _in_days(today, 30))).json()

    # when its date is moved, then it stays processing with the new date and no status event
    moved = await noyo.put(f"{BASE}/{record['id']}/{record['version']}", json={"status": "processing", "effective_end_date": _in_days(today, 40)})
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["effective_end_date"]) == ("processing", _in_days(today, 40))
    assert ("group_disconnection_request.status_change", record["id"]) not in outbox(emulator_app)

    # when it is set to rejected, then it is rejected and a status change is queued
    missing_status = await noyo.put(f"{BASE}/{record['id']}/{moved.json()['version']}", json={})
    assert missing_status.status_code == 422 and "status" in missing_status.json()["message"]
    rejected = await noyo.put(f"{BASE}/{record['id']}/{moved.json()['version']}", json={"status": "rejected", "reason": "other"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert ("group_disconnection_request.status_change", record["id"]) in outbox(emulator_app)


# -- the clock ---------------------------------------------------------------------------


async def test_clock_completes_due_requests_and_they_cannot_be_edited(noyo, hooks, emulator_app):
    # given two processing requests ending in 2 and 5 days
    state = emulator_app.state.emulator
    (g1, c1), (g2, c2) = await connected_pairs(noyo, emulator_app, count=2)
    soon = (await create(noyo, g1, c1, _in_days(state.today, 2))).json()
    later = (await create(noyo, g2, c2, _in_days(state.today, 5))).json()

    # when the clock moves 2 days
    await advance(hooks, 2)

    # then only the due one is completed, with completed set and a status change queued
    done = (await noyo.get(f"{BASE}/{soon['id']}")).json()
    assert done["status"] == "completed" and done["completed"] == done["modified"] > soon["modified"]
    assert done["version"] != soon["version"]
    assert (await noyo.get(f"{BASE}/{later['id']}")).json()["status"] == "processing"
    assert ("group_disconnection_request.status_change", soon["id"]) in outbox(emulator_app)
    assert state.is_disconnected(g1["id"], c1) and not state.is_disconnected(g2["id"], c2)

    # and a completed request cannot be edited, nor the pair disconnected again
    edit = await noyo.put(f"{BASE}/{soon['id']}/{done['version']}", json={"status": "rejected"})
    assert edit.status_code == 409
    again = await create(noyo, g1, c1, _in_days(state.today, 5))
    assert again.status_code == 422 and "already disconnected" in again.json()["message"]


# -- reads -----------------------------------------------------------------------------


async def test_get_unknown_request_is_404(noyo):
    ghost = "00000000-0000-4000-8000-000000000000"
    response = await noyo.get(f"{BASE}/{ghost}")
    assert response.status_code == 404
    assert response.json()["message"] == f"GroupDisconnectionRequest not found with UUID {ghost}"


async def test_list_filters(noyo, emulator_app):
    # given the seeded requests
    everything = await _all(noyo, BASE)
    assert len(everything) == len(emulator_app.state.emulator.disconnections) > 20

    async def ids(**params) -> set[str]:
        return {r["id"] for r in await _all(noyo, BASE, **params)}

    def expect(pred) -> set[str]:
        return {r["id"] for r in everything if pred(r)}

    # then every filter keeps exactly the matching records
    assert await ids(status="needs_review") == expect(lambda r: r["status"] == "needs_review")
    assert await ids(status="rejected,completed") == expect(lambda r: r["status"] in ("rejected", "completed"))
    two_carriers = sorted({r["carrier_id"] for r in everything})[:2]
    assert await ids(carrier_id=",".join(two_carriers)) == expect(lambda r: r["carrier_id"] in two_carriers)
    group_id = everything[0]["group_id"]
    assert await ids(group_id=group_id) == expect(lambda r: r["group_id"] == group_id)
    batch = [everything[1]["id"], everything[-1]["id"]]
    assert await ids(id=",".join(batch)) == set(batch)
    assert await ids(source_type="carrier") == expect(lambda r: r["source_type"] == "carrier")
    dated = sorted(r["effective_end_date"] for r in everything if "effective_end_date" in r)
    low, high = dated[len(dated) // 4], dated[3 * len(dated) // 4]
    assert await ids(min_effective_end_date=low) == expect(lambda r: r.get("effective_end_date", "") >= low)
    assert await ids(max_effective_end_date=high) == expect(lambda r: "" < r.get("effective_end_date", "") <= high)
    assert await ids(min_effective_end_date=low, max_effective_end_date=low) == expect(
        lambda r: r.get("effective_end_date") == low
    )
    name = everything[0]["group_name"]
    fragment = name.split(" ")[1].upper()
    assert await ids(search=fragment) == expect(lambda r: fragment.lower() in r["group_name"].lower())
    assert await ids(status="processing", source_type="platform") == expect(
        lambda r: (r["status"], r["source_type"]) == ("processing", "platform")
    )
    bad = await noyo.get(BASE, params={"min_effective_end_date": "soon"})
    assert bad.status_code == 400


async def test_list_pagination_is_ordered_and_complete(noyo):
    # given pages of 7
    first = (await noyo.get(BASE, params={"page_size": 7})).json()
    second = (await noyo.get(BASE, params={"page_size": 7, "offset": 7})).json()

    # then meta follows Noyo's offset scheme and pages continue the oldest-first order
    assert first["meta"] == {"offset": 0, "page_num": 1, "page_size": 7, "total_records": first["meta"]["total_records"]}
    assert second["meta"]["page_num"] == 2
    records = first["response"] + second["response"]
    assert len(records) == 14 and len({r["id"] for r in records}) == 14
    assert [r["created"] for r in records] == sorted(r["created"] for r in records)
    assert (await noyo.get(BASE, params={"page_size": 101})).status_code == 400


async def test_per_group_lists_and_deprecated_alias(noyo, emulator_app):
    # given a group with requests
    everything = await _all(noyo, BASE)
    group_id = everything[0]["group_id"]
    expected = [r["id"] for r in everything if r["group_id"] == group_id]

    # when listed per group on both paths
    current = await noyo.get(f"/api/v1/groups/{group_id}/group_disconnection_requests")
    deprecated = await noyo.get(f"/api/v1/{group_id}/group_disconnection_requests")

    # then both list exactly that group's requests
    assert [r["id"] for r in current.json()["response"]] == expected
    assert deprecated.json() == current.json()
    ghost = "00000000-0000-4000-8000-000000000000"
    assert (await noyo.get(f"/api/v1/groups/{ghost}/group_disconnection_requests")).status_code == 404
    assert (await noyo.get(f"/api/v1/{ghost}/group_disconnection_requests")).status_code == 404
    assert (await noyo.get("/api/v1/groups/group_disconnection_requests")).status_code == 404
