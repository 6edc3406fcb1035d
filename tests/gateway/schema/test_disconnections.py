"""disconnectionRequest / disconnectionRequests / reviewQueue through /graphql."""

from __future__ import annotations

import datetime as dt

from .support import data, error_codes, nodes, world

REVIEW_QUEUE = """
query { reviewQueue(first: 50) { totalCount edges { node { id: noyoId status group { name } carrier { displayName } } } } }
"""


async def test_review_queue_costs_three_upstream_calls_cold_and_none_warm(gql, upstream_counts, emulator_app):
    # given: a cold gateway and the emulator's needs_review requests
    state = world(emulator_app)
    needs_review = [r for r in state.disconnections.values() if r["status"] == "needs_review"]
    await upstream_counts(reset=True)

    # when: the review queue is read with each request's group and carrier
    first = data(await gql(REVIEW_QUEUE))["reviewQueue"]
    cold = await upstream_counts(reset=True)
    again = data(await gql(REVIEW_QUEUE))["reviewQueue"]
    warm = await upstream_counts()

    # then: one list call, one batched groups call, one batched carriers call; nothing when warm
    assert sum(cold.values()) <= 3, cold
    assert cold.get("GET /api/v1/group_disconnection_requests") == 1
    assert warm == {}
    assert again == first
    assert first["totalCount"] == len(needs_review)
    listed = nodes(first)
    assert {n["id"] for n in listed} == {r["id"] for r in needs_review}
    for node in listed:
        record = state.disconnections[node["id"]]
        assert node["status"] == "NEEDS_REVIEW"
        assert node["group"]["name"] == state.groups[record["group_id"]]["name"]
        assert node["carrier"]["displayName"] == state.carriers[record["carrier_id"]]["display_name"]


async def test_disconnection_request_by_id_maps_fields(gql, emulator_app):
    # given: a completed request in the emulator
    state = world(emulator_app)
    record = next(r for r in state.disconnections.values() if r["status"] == "completed")

    # when
    node = data(await gql(
        "query($id: ID!) { disconnectionRequest(id: $id) { id: noyoId status sourceType effectiveEndDate completed groupId"
        " carrier { id: noyoId } } }",
        {"id": record["id"]},
    ))["disconnectionRequest"]

    # then: Noyo's epoch seconds become UTC ISO-8601, dates stay dates
    assert node["status"] == "COMPLETED"
    assert node["sourceType"] == record["source_type"].upper()
    assert node["effectiveEndDate"] == record["effective_end_date"]
    assert dt.datetime.fromisoformat(node["completed"]) == dt.datetime.fromtimestamp(record["completed"], dt.timezone.utc)
    assert node["groupId"] == record["group_id"]
    assert node["carrier"]["id"] == record["carrier_id"]


async def test_unknown_disconnection_request_is_null(gql):
    result = await gql('{ disconnectionRequest(id: "00000000-0000-4000-8000-000000000000") { id } }')
    assert data(result) == {"disconnectionRequest": None}


async def test_every_filter_narrows_the_list(gql, emulator_app):
    # given: a processing request to aim every filter at
    state = world(emulator_app)
    target = next(r for r in state.disconnections.values() if r["status"] == "processing")
    end = target["effective_end_date"]
    query = """
    query($f: DisconnectionRequestFilterInput) {
      disconnectionRequests(filter: $f, first: 100) { totalCount edges { node { id: noyoId status sourceType groupId
        carrierId effectiveEndDate groupName } } }
    }"""
    filters = {
        "status": "PROCESSING",
        "carrierIds": [target["carrier_id"]],
        "groupId": target["group_id"],
        "effectiveEndDateFrom": end,
        "effectiveEndDateTo": end,
        "search": target["group_name"][:6].lower(),
        "sourceType": target["source_type"].upper(),
    }

    # when: each filter alone, then all together
    for name, value in filters.items():
        found = nodes(data(await gql(query, {"f": {name: value}}))["disconnectionRequests"])

        # then: the target is in, and everything returned satisfies the filter
        assert target["id"] in {n["id"] for n in found}, name
        for node in found:
            if name == "status":
                assert node["status"] == "PROCESSING"
            elif name == "carrierIds":
                assert node["carrierId"] == target["carrier_id"]
            elif name == "groupId":
                assert node["groupId"] == target["group_id"]
            elif name in ("effectiveEndDateFrom", "effectiveEndDateTo"):
                assert node["effectiveEndDate"] is not None
                assert node["effectiveEndDate"] >= end if name.endswith("From") else node["effectiveEndDate"] <= end
            elif name == "search":
                assert value in node["groupName"].lower()
            elif name == "sourceType":
                assert node["sourceType"] == value
    everything = data(await gql(query, {"f": filters}))["disconnectionRequests"]
    assert target["id"] in {n["id"] for n in nodes(everything)}
    assert everything["totalCount"] <= data(await gql(query, {"f": {"status": "PROCESSING"}}))[
        "disconnectionRequests"]["totalCount"]


async def test_pages_chain_through_cursors(gql, emulator_app):
    # given: more requests than one page
    total = len(world(emulator_app).disconnections)
    query = """query($after: String) { disconnectionRequests(first: 10, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id: noyoId } } } }"""

    # when: walking every page
    seen, after, pages = [], None, 0
    while True:
        page = data(await gql(query, {"after": after}))["disconnectionRequests"]
        pages += 1
        assert page["totalCount"] == total
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        seen.extend(n["id"] for n in nodes(page))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # then: every request exactly once
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 10)


async def test_first_above_the_limit_or_negative_is_bad_user_input(gql, upstream_counts):
    await upstream_counts(reset=True)
    too_many = await gql("{ reviewQueue(first: 101) { totalCount } }")
    negative = await gql("{ disconnectionRequests(first: -1) { totalCount } }")
    bad_cursor = await gql('{ disconnectionRequests(after: "not-a-cursor") { totalCount } }')
    for result in (too_many, negative, bad_cursor):
        assert result["data"] is None
        assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "100" in too_many["errors"][0]["message"]
    assert await upstream_counts() == {}  # rejected before any upstream call


async def test_first_zero_returns_only_the_total(gql, emulator_app):
    page = data(await gql("{ reviewQueue(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }"))
    needs_review = [r for r in world(emulator_app).disconnections.values() if r["status"] == "needs_review"]
    assert page["reviewQueue"] == {"totalCount": len(needs_review), "edges": [], "pageInfo": {"hasNextPage": True}}
