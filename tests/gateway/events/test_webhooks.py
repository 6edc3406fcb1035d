"""The webhook receiver and event pipeline of one replica (memory://), fed by the emulator."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.cache.resources import SNAPSHOT_DETAIL
from gateway.events import CHANGES, Change
from noyo_emulator.webhooks import WebhookDispatcher
from tests.gateway.conftest import GraphQLClient, make_gateway_settings, running_gateway
from tests.gateway.write.support import REVIEW_QUEUE, connected_pairs

from .support import SECRET, delivery, eventually

HOOK = "/webhooks/noyo"


class Replica:
    """A running gateway with the emulator's webhooks delivered to it, and a bus subscriber."""

    def __init__(self, app: Any, client: httpx.AsyncClient, dispatcher: WebhookDispatcher) -> None:
        self.app, self.client, self.dispatcher = app, client, dispatcher
        self.gql = GraphQLClient(client)
        self.services = app.state.services
        self.changes = self.services.bus.subscribe(CHANGES)

    async def next_change(self, timeout: float = 5.0) -> Change:
        return Change.from_message(await self.changes.get(timeout=timeout))

    async def no_change(self, wait: float = 0.5) -> bool:
        with contextlib.suppress(TimeoutError):
            await self.changes.get(timeout=wait)
            return False
        return True

    def metric(self, name: str, **labels: str) -> float:
        value = self.services.metrics.registry.get_sample_value(name, labels or None)
        return value or 0.0


@contextlib.asynccontextmanager
async def replica(emulator_app: Any, namespace: str, **overrides: Any) -> AsyncIterator[Replica]:
    settings = make_gateway_settings(namespace, gateway_webhook_secrets=SECRET, **overrides)
    async with running_gateway(settings, emulator_app) as (app, client):
        dispatcher = WebhookDispatcher(emulator_app.state.emulator, f"http://gateway.test{HOOK}", SECRET,
                                       transport=httpx.ASGITransport(app=app), base_delay=0.01, poll_interval=0.005)
        emulator_app.state.webhooks = dispatcher
        await dispatcher.start()
        try:
            yield Replica(app, client, dispatcher)
        finally:
            await dispatcher.stop()


@pytest.fixture
async def gw(emulator_app, cache_namespace) -> AsyncIterator[Replica]:
    emulator_app.state.emulator.outbox.clear()
    async with replica(emulator_app, cache_namespace) as r:
        yield r


def _queue_ids(result: dict[str, Any]) -> set[str]:
    assert "errors" not in result, result["errors"]
    return {e["node"]["id"] for e in result["data"]["reviewQueue"]["edges"]}


async def test_a_carrier_sourced_request_enters_the_cached_review_queue(gw, hooks, emulator_app):
    # given a review queue already cached by the gateway
    before = _queue_ids(await gw.gql(REVIEW_QUEUE))
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    # when Noyo opens a carrier-sourced request (and announces it)
    created = (await hooks.post("/__emulator/carrier-disconnection",
                                json={"group_id": group_id, "carrier_id": carrier_id})).json()
    change = await gw.next_change()
    # then one change describes it, and the queue shows it at once
    assert (change.kind, change.id, change.event_type) == (
        "disconnection_request", created["id"], "group_disconnection_request.created")
    assert (change.status, change.previous_status, change.group_id, change.carrier_id) == (
        "needs_review", None, group_id, carrier_id)
    assert change.record["id"] == created["id"] and change.event_id
    assert _queue_ids(await gw.gql(REVIEW_QUEUE)) == before | {created["id"]}
    assert gw.metric("noyo_gateway_events_processed_total", kind="disconnection_request", source="webhook") == 1


async def test_a_duplicate_delivery_is_processed_once(gw, hooks, emulator_app, upstream_counts):
    # given the emulator delivering every event three times
    assert (await hooks.post("/__emulator/webhooks", json={"duplicates": 3})).status_code == 200
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    await upstream_counts(reset=True)
    # when one event happens
    await hooks.post("/__emulator/carrier-disconnection", json={"group_id": group_id, "carrier_id": carrier_id})
    await gw.dispatcher.wait_idle()
    # then all three were acknowledged, one change was published and one refetch made
    assert (await gw.next_change()).kind == "disconnection_request"
    assert await gw.no_change()
    assert [d["outcomes"] for d in (await hooks.get("/__emulator/webhooks")).json()["delivered"]] == [["200"]] * 3
    counts = await upstream_counts()
    assert counts.get("GET /api/v1/group_disconnection_requests/{request_id}") == 1
    assert gw.metric("noyo_gateway_webhook_events_deduplicated_total") == 2
    # when the same event is redelivered later (Noyo's retry), then nothing more happens
    event_id = gw.dispatcher.delivered[0].event_id
    await hooks.post("/__emulator/webhooks/redeliver", json={"event_id": event_id})
    await gw.dispatcher.wait_idle()
    assert await gw.no_change(0.3)


async def test_events_out_of_order_leave_the_latest_state(gw, hooks, emulator_app, noyo):
    # given a request in review, and the emulator holding events back
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    created = (await hooks.post("/__emulator/carrier-disconnection", json={
        "group_id": group_id, "carrier_id": carrier_id, "effective_end_date": "2026-09-30"})).json()
    await gw.next_change()
    await hooks.post("/__emulator/webhooks", json={"hold": True})
    # when it is confirmed, then completes on its end date, and the two events arrive newest first
    assert (await noyo.put(f"/api/v1/group_disconnection_requests/{created['id']}/confirm")).status_code == 200
    assert (await hooks.post("/__emulator/clock", json={"today": "2026-09-30"})).status_code == 200
    await eventually(lambda: len(gw.dispatcher.held) >= 2)
    held = [d for d in gw.dispatcher.held if d.data_id == created["id"]]
    assert len(held) == 2
    assert (await hooks.post("/__emulator/webhooks/release", json={"order": "reverse"})).json()["released"] >= 2
    mine: list[Change] = []
    while len(mine) < 2:
        change = await gw.next_change()
        mine += [change] if change.id == created["id"] else []
    # then each processing refetched the latest state, and the gateway serves it
    assert [c.status for c in mine] == ["completed", "completed"]
    entry = await gw.services.cache.get("disconnection", created["id"])
    assert entry.value["status"] == "completed"
    query = "query($id: ID!) { disconnectionRequest(id: $id) { status } }"
    result = await gw.gql(query, {"id": created["id"]})
    assert result["data"]["disconnectionRequest"]["status"] == "COMPLETED"


async def test_a_forged_stale_or_malformed_webhook_changes_nothing(gw, emulator_app, upstream_counts):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    request_id = next(iter(emulator_app.state.emulator.disconnections))
    await upstream_counts(reset=True)
    forged_body, forged = delivery("group_disconnection_request.created", request_id, secret="not-our-secret")
    stale_body, stale = delivery("group_disconnection_request.created", request_id,
                                 timestamp="2026-01-01T00:00:00+00:00")
    good_body, good = delivery("group_disconnection_request.created", request_id)
    cases = [
        (forged_body, forged, 401, "bad_signature"),
        (stale_body, stale, 401, "stale_timestamp"),
        (good_body, {k: v for k, v in good.items() if k != "x-noyo-timestamp"}, 401, "missing_timestamp"),
        (good_body + b" ", good, 401, "bad_signature"),
        (b"x" * 20000, good, 413, "too_large"),
    ]
    malformed = b'{"data": "nope"}'
    _, signed = delivery("x", "y")
    from gateway.events.signature import sign
    signed["x-noyo-signature"] = sign(SECRET, signed["x-noyo-timestamp"], malformed)
    cases.append((malformed, signed, 400, "malformed"))
    for body, headers, status, reason in cases:
        response = await gw.client.post(HOOK, content=body, headers=headers)
        assert (response.status_code, response.json()["reason"]) == (status, reason)
        assert gw.metric("noyo_gateway_webhook_events_rejected_total", reason=reason) >= 1
    assert await gw.no_change(0.3)
    assert await upstream_counts() == {}


async def test_unknown_event_types_are_acknowledged_and_counted(gw, upstream_counts):
    await upstream_counts(reset=True)
    body, headers = delivery("difference.created", "d-1")
    response = await gw.client.post(HOOK, content=body, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    body, headers = delivery("test.hello_world", "h-1")
    assert (await gw.client.post(HOOK, content=body, headers=headers)).status_code == 200
    assert gw.metric("noyo_gateway_webhook_events_unknown_total") == 1
    assert gw.metric("noyo_gateway_webhook_events_received_total", event_type="unknown") == 1
    assert gw.metric("noyo_gateway_webhook_events_received_total", event_type="test.hello_world") == 1
    assert await gw.no_change(0.3)
    assert await upstream_counts() == {}


async def test_snapshot_group_and_connection_events_refresh_their_records(gw, hooks, emulator_app):
    state = emulator_app.state.emulator
    snapshot = next(iter(state.snapshots.values()))
    connection = next(iter(state.connections.values()))
    group_id = connection["group_id"]
    # given cached entries the events make stale
    await gw.services.cache.set(SNAPSHOT_DETAIL, snapshot["id"], {**snapshot, "status": "submitted"})
    await gw.services.cache.set("connections_by_group", group_id, [])
    # when Noyo announces each kind of record
    for event_type, record_id in [
        ("member_snapshot_carrier_fulfillment_status.status_change", snapshot["id"]),
        ("group.created", group_id),
        ("group_connection_request.status_change", connection["id"]),
    ]:
        await hooks.post("/__emulator/webhooks/emit", json={"type": event_type, "id": record_id})
    changes = {c.kind: c for c in [await gw.next_change() for _ in range(3)]}
    # then each change carries the refetched record and what the cache held before
    snap = changes["member_snapshot"]
    assert (snap.id, snap.status, snap.previous_status) == (snapshot["id"], snapshot["status"], "submitted")
    assert snap.employee_id == snapshot["employee_id"]
    assert (changes["group"].id, changes["group"].group_id) == (group_id, group_id)
    assert changes["group"].record["name"] == state.groups[group_id]["name"]
    conn = changes["group_connection"]
    assert (conn.status, conn.group_id, conn.carrier_id) == (connection["status"], group_id, connection["carrier_id"])
    # and the refreshed entries replaced the stale ones; the group's connection list was dropped
    assert (await gw.services.cache.get(SNAPSHOT_DETAIL, snapshot["id"])).value["status"] == snapshot["status"]
    assert await gw.services.cache.get("connections_by_group", group_id) is None


async def test_a_record_noyo_no_longer_has_is_announced_without_a_record(gw, hooks):
    await hooks.post("/__emulator/webhooks/emit", json={"type": "group.created", "id": "0" * 8 + "-0000-4000-8000-" + "0" * 12})
    change = await gw.next_change()
    assert (change.kind, change.record, change.status) == ("group", None, None)


async def test_a_failing_refetch_is_retried_then_counted_as_failed(emulator_app, cache_namespace, hooks):
    emulator_app.state.emulator.outbox.clear()
    request_id = next(iter(emulator_app.state.emulator.disconnections))
    path = f"/api/v1/group_disconnection_requests/{request_id}"
    async with replica(emulator_app, cache_namespace, gateway_event_max_attempts=2) as gw:
        # given Noyo failing the refetch once: the retry succeeds and one change goes out
        await hooks.post("/__emulator/faults", json={"path": path, "error_rate": 1.0, "error_status": 500, "count": 1})
        await hooks.post("/__emulator/webhooks/emit", json={"type": "group_disconnection_request.status_change",
                                                            "id": request_id})
        assert (await gw.next_change()).id == request_id
        # given Noyo failing it for good: after two attempts the event is dropped and counted
        await hooks.post("/__emulator/faults", json={"path": path, "error_rate": 1.0, "error_status": 500})
        await hooks.post("/__emulator/webhooks/emit", json={"type": "group_disconnection_request.status_change",
                                                            "id": request_id})
        failed = lambda: gw.metric("noyo_gateway_events_failed_total", kind="disconnection_request")  # noqa: E731
        assert await eventually(lambda: failed() == 1, seconds=10)
        assert await gw.no_change(0.3)
        assert gw.metric("noyo_gateway_events_processed_total", kind="disconnection_request", source="webhook") == 1


async def test_a_refetch_older_than_the_cached_record_never_overwrites_it(gw, hooks, emulator_app):
    # given another replica already cached a later state of the record (refetched after it changed)
    record = next(iter(emulator_app.state.emulator.disconnections.values()))
    later = {**record, "modified": record["modified"] + 60, "version": "later-version", "status": "completed"}
    await gw.services.cache.set("disconnection", record["id"], later)
    # when this replica's refetch answers with the older state Noyo had when it asked
    await hooks.post("/__emulator/webhooks/emit", json={"type": "group_disconnection_request.status_change",
                                                        "id": record["id"]})
    change = await gw.next_change()
    assert change.record["modified"] == record["modified"]
    # then the cache never holds the older state (the next read refetches)
    entry = await gw.services.cache.get("disconnection", record["id"])
    assert entry is None or entry.value["version"] == "later-version"
    # and a refetch at least as new as the cached entry is written as before
    await gw.services.cache.set("disconnection", record["id"], {**record, "modified": record["modified"] - 60})
    await hooks.post("/__emulator/webhooks/emit", json={"type": "group_disconnection_request.status_change",
                                                        "id": record["id"]})
    await gw.next_change()
    assert (await gw.services.cache.get("disconnection", record["id"])).value["version"] == record["version"]
