"""group / groups and the nested group fields through /graphql."""

from __future__ import annotations

from .support import data, nodes, world

GROUP = """
query($id: ID!) {
  group(id: $id) {
    id: noyoId name dbaName created
    connections { id: noyoId status carrierGroupId carrier { id: noyoId displayName } }
    disconnectionRequests(first: 100) { totalCount nodes { id: noyoId status carrier { id: noyoId } } }
  }
}"""


async def test_group_with_connections_and_disconnection_requests(gql, emulator_app, upstream_counts):
    # given: a group with several connections and at least one disconnection request
    state = world(emulator_app)
    record = next(
        g for g in state.groups.values()
        if any(d["group_id"] == g["id"] for d in state.disconnections.values())
    )
    connections = [c for c in state.connections.values() if c["group_id"] == record["id"]]
    requests = [d for d in state.disconnections.values() if d["group_id"] == record["id"]]
    await upstream_counts(reset=True)

    # when
    group = data(await gql(GROUP, {"id": record["id"]}))["group"]

    # then: the group, each connection with its carrier, each request
    assert group["name"] == record["name"]
    assert group["dbaName"] == record.get("dba_name")
    assert {c["id"] for c in group["connections"]} == {c["id"] for c in connections}
    for conn in group["connections"]:
        upstream = state.connections[conn["id"]]
        assert conn["status"] == upstream["status"].upper()
        assert conn["carrierGroupId"] == upstream["group_data"]["carrier_group_id"]
        assert conn["carrier"]["displayName"] == state.carriers[upstream["carrier_id"]]["display_name"]
    assert {r["id"] for r in group["disconnectionRequests"]["nodes"]} == {r["id"] for r in requests}
    # one call per resource: group, its connections, its requests, the carriers batched
    counts = await upstream_counts()
    assert counts.get("GET /api/v1/carriers") == 1
    assert sum(counts.values()) <= 4, counts


async def test_unknown_group_is_null(gql):
    assert data(await gql('{ group(id: "00000000-0000-4000-8000-000000000000") { id } }')) == {"group": None}


async def test_groups_search_and_carrier_filter(gql, emulator_app):
    # given: a carrier and a word of one of its groups' names
    state = world(emulator_app)
    conn = next(iter(state.connections.values()))
    carrier_id = conn["carrier_id"]
    word = state.groups[conn["group_id"]]["name"].split()[0]
    connected = {c["group_id"] for c in state.connections.values() if c["carrier_id"] == carrier_id}
    expected = {
        g["id"] for g in state.groups.values()
        if g["id"] in connected and (word.lower() in g["name"].lower() or word.lower() in g.get("dba_name", "").lower())
    }
    query = """query($s: String, $c: ID) { groups(search: $s, carrierId: $c, first: 100) {
      totalCount edges { node { id: noyoId name } } } }"""

    # when
    page = data(await gql(query, {"s": word, "c": carrier_id}))["groups"]

    # then
    assert page["totalCount"] == len(expected)
    assert {n["id"] for n in nodes(page)} == expected
    by_carrier = data(await gql(query, {"c": carrier_id}))["groups"]
    assert by_carrier["totalCount"] == len(connected)


async def test_groups_pagination(gql, emulator_app):
    # given
    total = len(world(emulator_app).groups)
    query = """query($after: String) { groups(first: 7, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id: noyoId } } } }"""

    # when: two consecutive pages
    first = data(await gql(query))["groups"]
    second = data(await gql(query, {"after": first["pageInfo"]["endCursor"]}))["groups"]

    # then: disjoint pages of 7, navigation flags consistent
    assert first["totalCount"] == second["totalCount"] == total
    assert len(first["edges"]) == len(second["edges"]) == 7
    assert not {n["id"] for n in nodes(first)} & {n["id"] for n in nodes(second)}
    assert first["pageInfo"]["hasPreviousPage"] is False and second["pageInfo"]["hasPreviousPage"] is True
    assert first["pageInfo"]["hasNextPage"] is True


async def test_listed_groups_need_no_extra_call_for_nested_group_fields(gql, upstream_counts):
    # given: a group listed once
    listed = nodes(data(await gql("{ groups(first: 3) { edges { node { id: noyoId name } } } }"))["groups"])
    await upstream_counts(reset=True)

    # when: each is read by id in a later request
    for node in listed:
        group = data(await gql("query($id: ID!) { group(id: $id) { name } }", {"id": node["id"]}))["group"]
        assert group["name"] == node["name"]

    # then: served by the per-id cache entries the list primed
    assert await upstream_counts() == {}
