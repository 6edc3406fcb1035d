"""Partner scope and PHI: what a subscriber may receive, exactly as in queries."""

from __future__ import annotations

import pytest

from gateway.events import Change

from .support import GraphQLWS, jwt_payload

pytestmark = pytest.mark.redis

REQUESTS = "subscription { disconnectionRequestChanged { noyoId groupId } }"
QUEUE = "subscription { reviewQueueChanged { movement request { noyoId groupId } } }"
GROUP = "subscription($groupId: ID) { groupStatusChanged(groupId: $groupId) { noyoId status { state carrierId } } }"
SNAPSHOT = """subscription($groupId: ID) { memberSnapshotChanged(groupId: $groupId) {
  noyoId status fulfillment { carrierId status } employee { noyoId groupId person { firstName lastName } }
} }"""


def request_change(request: dict, status: str, event_id: str) -> Change:
    return Change(
        kind="disconnection_request", id=request["id"], event_type="group_disconnection_request.status_change",
        event_id=event_id, group_id=request["group_id"], carrier_id=request["carrier_id"], status=status,
        previous_status="needs_review", record={**request, "status": status},
    )


def snapshot_change(snapshot: dict, event_id: str) -> Change:
    return Change(
        kind="member_snapshot", id=snapshot["id"], event_type="member_snapshot.status_change",
        event_id=event_id, employee_id=snapshot["employee_id"], status=snapshot["status"], record=snapshot,
    )


async def test_a_partner_never_receives_changes_of_another_partners_group(replicas, world):
    # given: partner A subscribed to everything it may see, on each subscription field
    a_request, b_request = world.review_request(world.a), world.review_request(world.b)
    async with replicas() as (publisher, gateway), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload(role="viewer", group_ids=[world.a]))
        await ws.subscribe(REQUESTS, id="requests")
        await ws.subscribe(QUEUE, id="queue")
        await ws.subscribe(GROUP, id="group-any")
        await ws.subscribe(GROUP, {"groupId": world.b}, id="group-b")  # asks for B's group by id
        await ws.subscribe(SNAPSHOT, id="snapshots")
        for field, count in (("disconnectionRequestChanged", 1), ("reviewQueueChanged", 1),
                             ("groupStatusChanged", 2), ("memberSnapshotChanged", 1)):
            await gateway.until_subscribed(field, count)

        # when: B's request and snapshot change, then A's request changes
        await publisher.publish(request_change(b_request, "rejected", "b-1"))
        await publisher.publish(snapshot_change(world.snapshot(world.b), "b-2"))
        await publisher.publish(request_change(a_request, "rejected", "a-1"))

        # then: the first messages are about A's request; nothing about B ever arrives
        received = [await ws.next_message() for _ in range(3)]
        assert sorted(m["id"] for m in received) == ["group-any", "queue", "requests"]
        assert all(world.b not in str(m) and b_request["id"] not in str(m) for m in received), received
        assert all(world.a in str(m) for m in received)
        await ws.no_message(within=0.5)


async def test_an_unscoped_subscriber_receives_every_groups_changes(replicas, world):
    async with replicas() as (publisher, gateway), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload(role="viewer"))
        await ws.subscribe(REQUESTS)
        await gateway.until_subscribed("disconnectionRequestChanged")
        await publisher.publish(request_change(world.review_request(world.b), "rejected", "b-1"))
        await publisher.publish(request_change(world.review_request(world.a), "rejected", "a-1"))
        groups = [(await ws.next_message())["payload"]["data"]["disconnectionRequestChanged"]["groupId"]
                  for _ in range(2)]
        assert groups == [world.b, world.a]


@pytest.mark.parametrize("scope, masked", [(None, True), ("phi", False)])
async def test_personal_data_in_pushed_records_needs_the_phi_scope(replicas, world, scope, masked):
    # given: a subscriber of partner A's snapshots, with or without the phi scope
    snapshot = world.snapshot(world.a)
    employee = world.employee(snapshot["employee_id"])
    async with replicas() as (publisher, gateway), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload(role="viewer", group_ids=[world.a], scope=scope))
        await ws.subscribe(SNAPSHOT, {"groupId": world.a})
        await gateway.until_subscribed("memberSnapshotChanged")

        # when: the snapshot changes
        await publisher.publish(snapshot_change(snapshot, "s-1"))

        # then: the snapshot arrives with status and fulfillment; the person only with the scope
        pushed = (await ws.next_message())["payload"]["data"]["memberSnapshotChanged"]
        assert pushed["noyoId"] == snapshot["id"]
        assert pushed["status"] == snapshot["status"].upper()
        assert [f["carrierId"] for f in pushed["fulfillment"]] == [
            f["carrier_id"] for f in snapshot["fulfillment_summary"]
        ]
        assert pushed["employee"]["groupId"] == world.a
        if masked:
            assert pushed["employee"]["person"] is None
            assert employee["person"]["last_name"] not in str(pushed)
        else:
            assert pushed["employee"]["person"] == {
                "firstName": employee["person"]["first_name"], "lastName": employee["person"]["last_name"],
            }
