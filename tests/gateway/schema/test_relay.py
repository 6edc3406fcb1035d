"""Relay shapes through /graphql: global ids, node / nodes, connections with last / before."""

from __future__ import annotations

import base64

from graphql import GraphQLObjectType

from gateway.schema.schema import schema

from .support import data, error_codes, world

# one way to reach a record of every type implementing Node, and the query that finds it
REACHED_BY = {
    "Group": ("{ groups(first: 1) { nodes { id noyoId } } }", lambda d: d["groups"]["nodes"][0]),
    "Carrier": ("{ carriers { id noyoId } }", lambda d: d["carriers"][0]),
    "DisconnectionRequest": (
        "{ disconnectionRequests(first: 1) { nodes { id noyoId } } }",
        lambda d: d["disconnectionRequests"]["nodes"][0],
    ),
    "MemberSnapshot": ("{ memberSnapshots(first: 1) { nodes { id noyoId } } }", lambda d: d["memberSnapshots"]["nodes"][0]),
    "Employee": (
        "{ memberSnapshots(first: 1) { nodes { employee { id noyoId } } } }",
        lambda d: d["memberSnapshots"]["nodes"][0]["employee"],
    ),
    "Dependent": (
        "{ memberSnapshots(first: 20) { nodes { employee { dependents { id noyoId } } } } }",
        lambda d: next(dep for n in d["memberSnapshots"]["nodes"] for dep in n["employee"]["dependents"]),
    ),
    "GroupCarrierConnection": (
        "{ groups(first: 1) { nodes { connections { id noyoId } } } }",
        lambda d: d["groups"]["nodes"][0]["connections"][0],
    ),
}
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on %s { noyoId } } }"


def node_types() -> set[str]:
    return {
        name for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    }


async def test_node_round_trips_every_type_implementing_node(gql):
    # given every Node type of the schema (a new one must be added here)
    assert node_types() == set(REACHED_BY)
    for type_name, (query, pick) in REACHED_BY.items():
        record = pick(data(await gql(query)))
        # when its global id is looked up
        found = data(await gql(NODE % type_name, {"id": record["id"]}))["node"]
        # then the same record comes back, with a global id naming its type
        assert found == {"__typename": type_name, "id": record["id"], "noyoId": record["noyoId"]}
        assert base64.b64decode(record["id"]).decode() == f"{type_name}:{record['noyoId']}"


async def test_nodes_keeps_the_order_asked_and_batches_each_type(gql, emulator_app, upstream_counts):
    # given three groups and a carrier, plus a global id naming no record
    groups = data(await gql("{ groups(first: 3) { nodes { id noyoId } } }"))["groups"]["nodes"]
    carrier = data(await gql("{ carriers { id } }"))["carriers"][0]
    missing = base64.b64encode(b"Group:00000000-0000-4000-8000-000000000000").decode()
    ids = [groups[2]["id"], carrier["id"], missing, groups[0]["id"], groups[1]["id"]]
    await upstream_counts(reset=True)

    # when
    found = data(await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}))["nodes"]

    # then: in order, null for the missing one; the four groups asked in ONE upstream call
    assert found == [{"id": groups[2]["id"]}, {"id": carrier["id"]}, None, {"id": groups[0]["id"]},
                     {"id": groups[1]["id"]}]
    counts = await upstream_counts()
    assert counts.get("GET /api/v1/groups") == 1, counts


async def test_a_malformed_global_id_is_bad_user_input(gql):
    assert error_codes(await gql('{ node(id: "not a global id") { id } }')) == ["BAD_USER_INPUT"]


async def test_root_lookups_accept_global_and_noyo_ids_and_refuse_another_types_id(gql):
    group = data(await gql("{ groups(first: 1) { nodes { id noyoId name } } }"))["groups"]["nodes"][0]
    carrier = data(await gql("{ carriers { id } }"))["carriers"][0]
    query = "query($id: ID!) { group(id: $id) { name } }"

    by_global = data(await gql(query, {"id": group["id"]}))["group"]
    by_noyo = data(await gql(query, {"id": group["noyoId"]}))["group"]
    wrong = await gql(query, {"id": carrier["id"]})

    assert by_global == by_noyo == {"name": group["name"]}
    assert error_codes(wrong) == ["BAD_USER_INPUT"]
    assert wrong["errors"][0]["extensions"]["argument"] == "id"


async def test_a_mutation_names_the_argument_holding_another_types_id(gql):
    carrier = data(await gql("{ carriers { id } }"))["carriers"][0]
    result = data(await gql(
        """mutation($id: ID!) { confirmDisconnectionRequest(id: $id) {
             disconnectionRequest { id } errors { code field } } }""",
        {"id": carrier["id"]},
    ))["confirmDisconnectionRequest"]
    assert result == {"disconnectionRequest": None, "errors": [{"code": "VALIDATION", "field": ["id"]}]}


async def test_last_and_before_page_backwards(gql, emulator_app):
    # given the whole group list
    total = len(world(emulator_app).groups)
    query = """query($last: Int, $before: String) { groups(last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor } nodes { noyoId } } }"""
    everything = []
    after = None
    while True:
        page = data(await gql("query($a: String) { groups(first: 100, after: $a) { nodes { noyoId }"
                              " pageInfo { hasNextPage endCursor } } }", {"a": after}))["groups"]
        everything += [n["noyoId"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(everything) == total

    # when the last 3 are asked, then the 3 before those
    last = data(await gql(query, {"last": 3}))["groups"]
    before = data(await gql(query, {"last": 3, "before": last["pageInfo"]["startCursor"]}))["groups"]

    # then
    assert [n["noyoId"] for n in last["nodes"]] == everything[-3:]
    assert last["pageInfo"]["hasNextPage"] is False and last["pageInfo"]["hasPreviousPage"] is True
    assert [n["noyoId"] for n in before["nodes"]] == everything[-6:-3]
    assert last["totalCount"] == total


async def test_first_and_last_together_are_refused(gql):
    assert error_codes(await gql("{ groups(first: 2, last: 2) { totalCount } }")) == ["BAD_USER_INPUT"]


async def test_group_disconnection_requests_filter_by_status_and_count_what_needs_attention(gql, emulator_app):
    # given a group with a request awaiting review
    state = world(emulator_app)
    group_id = next(r["group_id"] for r in state.disconnections.values() if r["status"] == "needs_review")
    mine = [r for r in state.disconnections.values() if r["group_id"] == group_id]

    # when
    group = data(await gql(
        """query($id: ID!) { group(id: $id) { needsAttention
             all: disconnectionRequests(first: 100) { totalCount }
             review: disconnectionRequests(status: NEEDS_REVIEW, first: 1) { totalCount nodes { status } } } }""",
        {"id": group_id},
    ))["group"]

    # then
    waiting = sum(1 for r in mine if r["status"] == "needs_review")
    assert group["needsAttention"] == waiting == group["review"]["totalCount"]
    assert group["all"]["totalCount"] == len(mine)
    assert group["review"]["nodes"] == [{"status": "NEEDS_REVIEW"}]


async def test_review_queue_filters_by_group_carrier_and_source(gql, emulator_app):
    state = world(emulator_app)
    waiting = [r for r in state.disconnections.values() if r["status"] == "needs_review"]
    sample = waiting[0]
    query = """query($g: ID, $c: ID, $s: DisconnectionSourceType) {
      reviewQueue(groupId: $g, carrierId: $c, sourceType: $s, first: 100) { totalCount nodes { noyoId } } }"""

    by_group = data(await gql(query, {"g": sample["group_id"]}))["reviewQueue"]
    by_carrier = data(await gql(query, {"c": sample["carrier_id"]}))["reviewQueue"]
    by_source = data(await gql(query, {"s": sample["source_type"].upper()}))["reviewQueue"]

    def expected(**match: str) -> set[str]:
        return {r["id"] for r in waiting if all(r[k] == v for k, v in match.items())}

    assert {n["noyoId"] for n in by_group["nodes"]} == expected(group_id=sample["group_id"])
    assert {n["noyoId"] for n in by_carrier["nodes"]} == expected(carrier_id=sample["carrier_id"])
    assert {n["noyoId"] for n in by_source["nodes"]} == expected(source_type=sample["source_type"])
    assert by_group["totalCount"] < len(waiting) or len({r["group_id"] for r in waiting}) == 1
