"""Writes whose answer is lost after Noyo committed them: never duplicated, never vanished.

Every mutation meets every after-commit fault of the emulator (connection reset, 502, an answer
slower than the gateway's deadline), in process and over loopback HTTP on each transport; each
retry with the key gets the same success, and the emulator holds exactly one record (or one
decision) per key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.gateway.conftest import make_gateway_settings, running_gateway

from .support import PAYLOAD, SUBMIT, connected_pairs, current_snapshot, families, state_of, to_input, today

FAULT_KINDS = ["reset", "502", "timeout"]
REQUEST = f"""mutation($input: CreateDisconnectionRequestInput!, $key: String) {{
  createDisconnectionRequest(input: $input, idempotencyKey: $key) {{ {PAYLOAD} errors {{ check }} }} }}"""
CONFIRM = f"""mutation($id: ID!, $key: String) {{
  confirmDisconnectionRequest(id: $id, idempotencyKey: $key) {{ {PAYLOAD} }} }}"""
REJECT = f"""mutation($id: ID!, $key: String) {{
  rejectDisconnectionRequest(id: $id, reason: CONNECTION_RESTORED, idempotencyKey: $key) {{ {PAYLOAD} }} }}"""
EDIT = f"""mutation($id: ID!, $version: String!, $input: EditDisconnectionRequestInput!, $key: String) {{
  editDisconnectionRequest(id: $id, version: $version, input: $input, idempotencyKey: $key) {{ {PAYLOAD} }} }}"""


@pytest.fixture(params=["asgi", "aiohttp", "httpcore"])
async def gateway(request, gateway_settings, emulator_app):
    """The gateway reaching the emulator in process, and over loopback HTTP on each transport
    (where a dropped connection is a real one)."""
    async with running_gateway(gateway_settings, emulator_app, request.param) as (app, client):
        app.state.test_client = client
        yield app


@pytest.fixture
def gateway_settings(cache_namespace):
    # a short deadline, so an answer held back by the "timeout" fault is lost
    return make_gateway_settings(cache_namespace, noyo_total_timeout=1.0)


async def fault(hooks, path: str, method: str, **fields: Any) -> None:
    response = await hooks.post("/__emulator/faults", json={"path": path, "method": method, "count": 1, **fields})
    assert response.status_code == 200, response.text


def after_commit(kind: str) -> dict[str, Any]:
    return {"after_commit": kind, **({"latency_ms": 2500} if kind == "timeout" else {})}


async def needs_review(hooks, emulator_app) -> dict[str, Any]:
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=20)).isoformat()
    response = await hooks.post("/__emulator/carrier-disconnection",
                                json={"group_id": group_id, "carrier_id": carrier_id, "effective_end_date": end})
    assert response.status_code == 201
    return response.json()


def decisions(emulator_app, request_id: str, action: str) -> int:
    return sum(1 for note in state_of(emulator_app).disconnection_notes.get(request_id, []) if note["action"] == action)


async def retried_three_times(gql, document: str, name: str, variables: dict) -> list[dict]:
    results = [(await gql(document, variables))["data"][name] for _ in range(3)]
    for result in results:
        assert result["errors"] == [], result["errors"]
    return results


@pytest.mark.parametrize("kind", FAULT_KINDS)
async def test_request_disconnection(gql, hooks, emulator_app, upstream_counts, kind):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    await fault(hooks, "/api/v1/group_disconnection_requests", "POST", **after_commit(kind))
    await upstream_counts(reset=True)

    results = await retried_three_times(gql, REQUEST, "createDisconnectionRequest", {
        "input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}, "key": f"req-{kind}"})

    ids = {r["disconnectionRequest"]["id"] for r in results}
    made = [r for r in state_of(emulator_app).disconnections.values()
            if (r["group_id"], r["carrier_id"]) == (group_id, carrier_id)]
    assert len(made) == 1 and ids == {made[0]["id"]}
    assert (await upstream_counts())["POST /api/v1/group_disconnection_requests"] == 1


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("action, document, name, status", [
    ("confirm", CONFIRM, "confirmDisconnectionRequest", "PROCESSING"),
    ("reject", REJECT, "rejectDisconnectionRequest", "REJECTED"),
])
async def test_confirm_and_reject(gql, hooks, emulator_app, upstream_counts, kind, action, document, name, status):
    record = await needs_review(hooks, emulator_app)
    await fault(hooks, f"/api/v1/group_disconnection_requests/{record['id']}/{action}", "PUT", **after_commit(kind))
    await upstream_counts(reset=True)

    results = await retried_three_times(gql, document, name, {"id": record["id"], "key": f"{action}-1"})

    assert {r["disconnectionRequest"]["status"] for r in results} == {status}
    assert len({r["disconnectionRequest"]["version"] for r in results}) == 1
    assert decisions(emulator_app, record["id"], action) == 1
    assert (await upstream_counts())[f"PUT /api/v1/group_disconnection_requests/{{request_id}}/{action}"] == 1


@pytest.mark.parametrize("kind", FAULT_KINDS)
async def test_edit(gql, hooks, emulator_app, upstream_counts, kind):
    record = await needs_review(hooks, emulator_app)
    end = (today(emulator_app) + dt.timedelta(days=40)).isoformat()
    await fault(hooks, f"/api/v1/group_disconnection_requests/{record['id']}/*", "PUT", **after_commit(kind))
    await upstream_counts(reset=True)

    results = await retried_three_times(gql, EDIT, "editDisconnectionRequest", {
        "id": record["id"], "version": record["version"], "key": "e-1",
        "input": {"resubmit": {"effectiveEndDate": end}}})

    assert {(r["disconnectionRequest"]["status"], r["disconnectionRequest"]["effectiveEndDate"]) for r in results} \
        == {("PROCESSING", end)}
    assert decisions(emulator_app, record["id"], "edit") == 1
    assert (await upstream_counts())["PUT /api/v1/group_disconnection_requests/{request_id}/{version}"] == 1


@pytest.mark.parametrize("kind", FAULT_KINDS)
async def test_submit_snapshot(gql, hooks, noyo, emulator_app, upstream_counts, kind):
    family = families(emulator_app, 2)[0]
    snapshot = await current_snapshot(noyo, family["employee_id"])
    before = {s["id"] for s in state_of(emulator_app).snapshots.values()}
    await fault(hooks, f"/api/v1/groups/{family['group_id']}/member_snapshots", "POST", **after_commit(kind))
    await upstream_counts(reset=True)

    results = await retried_three_times(gql, SUBMIT, "submitMemberSnapshot", {
        "groupId": family["group_id"], "snapshot": to_input(snapshot), "key": f"s-{kind}"})

    made = [s for s in state_of(emulator_app).snapshots.values() if s["id"] not in before]
    assert len(made) == 1
    assert {r["memberSnapshot"]["id"] for r in results} == {made[0]["id"]}
    assert (await upstream_counts())["POST /api/v1/groups/{group_id}/member_snapshots"] == 1


async def test_a_lost_answer_without_a_key_is_still_reconciled(gql, hooks, emulator_app):
    record = await needs_review(hooks, emulator_app)
    await fault(hooks, f"/api/v1/group_disconnection_requests/{record['id']}/confirm", "PUT", after_commit="reset")

    result = (await gql(CONFIRM, {"id": record["id"]}))["data"]["confirmDisconnectionRequest"]

    assert result["errors"] == [] and result["disconnectionRequest"]["status"] == "PROCESSING"


async def test_a_failure_proven_not_applied_is_sent_again_on_retry(gql, hooks, emulator_app, upstream_counts):
    # given: a 502 that Noyo answers before doing anything
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    await fault(hooks, "/api/v1/group_disconnection_requests", "POST", error_rate=1.0, error_status=502)
    variables = {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}, "key": "k"}

    # when: sent, then retried with the key
    first = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]
    second = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]

    # then: the first says it was checked and not applied (retryable), the retry makes it once
    assert [e["code"] for e in first["errors"]] == ["UPSTREAM_UNAVAILABLE"]
    assert "did not apply" in first["errors"][0]["message"]
    assert second["errors"] == [] and second["disconnectionRequest"]["status"] == "PROCESSING"
    assert (await upstream_counts())["POST /api/v1/group_disconnection_requests"] == 2
    made = [r for r in state_of(emulator_app).disconnections.values()
            if (r["group_id"], r["carrier_id"]) == (group_id, carrier_id)]
    assert len(made) == 1


async def test_an_undecidable_outcome_names_what_to_check_and_is_never_resent(gql, hooks, emulator_app,
                                                                              upstream_counts):
    # given: the write commits and its answer is lost, and reading Noyo back fails too
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    await fault(hooks, "/api/v1/group_disconnection_requests", "POST", after_commit="502")
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/group_disconnection_requests", "method": "GET",
                                                 "error_rate": 1.0, "error_status": 503})
    variables = {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}, "key": "u"}

    first = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]
    again = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]

    [error] = first["errors"]
    assert error["code"] == "OUTCOME_UNKNOWN"
    assert error["check"] == [f"disconnection requests of group {group_id} at carrier {carrier_id}"]
    assert [e["code"] for e in again["errors"]] == ["OUTCOME_UNKNOWN"]
    assert (await upstream_counts())["POST /api/v1/group_disconnection_requests"] == 1  # never resent blindly

    # when: Noyo can be read again, the retry finds the request the first attempt made
    await hooks.post("/__emulator/faults", json={})
    found = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]
    assert found["errors"] == [] and found["disconnectionRequest"]["status"] == "PROCESSING"
    assert (await upstream_counts())["POST /api/v1/group_disconnection_requests"] == 1


async def test_a_retried_confirm_that_succeeded_is_a_success_not_a_conflict(gql, hooks, emulator_app):
    record = await needs_review(hooks, emulator_app)
    first = (await gql(CONFIRM, {"id": record["id"], "key": "same"}))["data"]["confirmDisconnectionRequest"]
    retry = (await gql(CONFIRM, {"id": record["id"], "key": "same"}))["data"]["confirmDisconnectionRequest"]
    assert first["errors"] == retry["errors"] == []
    assert retry["disconnectionRequest"]["version"] == first["disconnectionRequest"]["version"]


@pytest.mark.parametrize("mutation", ["request", "confirm", "snapshot"])
async def test_an_unavailable_idempotency_store_refuses_and_sends_nothing(emulator_app, cache_namespace, hooks, noyo,
                                                                          upstream_counts, mutation):
    from tests.gateway.conftest import GraphQLClient, running_gateway

    # given: a gateway whose Redis cannot be reached (nothing listens on port 1)
    settings = make_gateway_settings(cache_namespace, gateway_cache_url="redis://127.0.0.1:1/0")
    record = await needs_review(hooks, emulator_app)
    family = families(emulator_app, 2)[0]
    snapshot = await current_snapshot(noyo, family["employee_id"])
    group_id, carrier_id = connected_pairs(emulator_app)[1]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    document, name, variables = {
        "request": (REQUEST, "createDisconnectionRequest",
                    {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}, "key": "k"}),
        "confirm": (CONFIRM, "confirmDisconnectionRequest", {"id": record["id"], "key": "k"}),
        "snapshot": (SUBMIT, "submitMemberSnapshot",
                     {"groupId": family["group_id"], "snapshot": to_input(snapshot), "key": "k"}),
    }[mutation]
    async with running_gateway(settings, emulator_app) as (_, client):
        await upstream_counts(reset=True)
        result = (await GraphQLClient(client)(document, variables))["data"][name]
    # then: refused with a retryable code, and Noyo saw no write
    assert [e["code"] for e in result["errors"]] == ["IDEMPOTENCY_UNAVAILABLE"]
    assert not [k for k in await upstream_counts() if not k.startswith("GET ")]


@pytest.mark.redis
async def test_keys_survive_a_gateway_restart(emulator_app, redis_url, cache_namespace, hooks, upstream_counts):
    from tests.gateway.conftest import GraphQLClient, running_gateway

    # given: a keyed write whose answer was lost after commit, on a gateway that then stops
    settings = make_gateway_settings(cache_namespace, gateway_cache_url=redis_url)
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    variables = {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}, "key": "restart"}
    await fault(hooks, "/api/v1/group_disconnection_requests", "POST", after_commit="reset")
    async with running_gateway(settings, emulator_app) as (_, client):
        first = (await GraphQLClient(client)(REQUEST, variables))["data"]["createDisconnectionRequest"]
    await upstream_counts(reset=True)

    # when: a new gateway process gets the retry
    async with running_gateway(settings, emulator_app) as (_, client):
        retry = (await GraphQLClient(client)(REQUEST, variables))["data"]["createDisconnectionRequest"]

    # then: the same request, replayed from Redis without a word to Noyo
    assert first["errors"] == retry["errors"] == []
    assert retry["disconnectionRequest"]["id"] == first["disconnectionRequest"]["id"]
    assert await upstream_counts() == {}
