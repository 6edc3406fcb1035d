"""Partner-scoped misses over cached records: read ahead as for any caller, never across scopes.

The whole-response cache is off, so every request executes. A partner's page of groups or
disconnection requests, once its records are cached, resolves the nested records (groups,
connections, requests per group) from one cache read ahead, without a task per item, because
the scope of each record is decided from what the request already holds. Records of other
partners that the cache holds (read by an admin) are read ahead too, and still come out as null.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import running_gateway
from tests.gateway.schema.support import counting_tasks, data, nodes

from .support import bearer, mint, post, security_settings, upstream_calls

GROUPS = """query($first: Int) { groups(first: $first) { totalCount edges { node { id: noyoId name
  status { state carrier { displayName } } connections { status carrier { displayName } }
  disconnectionRequests { nodes { id: noyoId status } } } } } }"""
REVIEW_QUEUE = """query($first: Int) { reviewQueue(first: $first) { totalCount edges { node { id: noyoId
  status group { id: noyoId name dbaName needsAttention } carrier { displayName } } } } }"""
SNAPSHOTS = """query($first: Int) { memberSnapshots(first: $first) { totalCount edges { node { id: noyoId
  warnings employee { id: noyoId groupId } fulfillment { carrier { displayName } } } } } }"""
GROUP = """query($id: ID!) { group(id: $id) { id: noyoId name connections { status }
  disconnectionRequests { nodes { id: noyoId } } status { state } } }"""


@pytest.fixture
def state(emulator_app) -> Any:
    return emulator_app.state.emulator


@pytest.fixture
async def gateway(emulator_app, cache_namespace, cache_url):
    settings = security_settings(cache_namespace, gateway_cache_url=cache_url, gateway_response_cache_enabled=False,
                                 gateway_max_cost=50_000)
    async with running_gateway(settings, emulator_app) as (_, client):
        yield client


def _scoped_by_groups(state: Any) -> tuple[list[str], list[str]]:
    """(inside, outside): 60 groups, those with member snapshots first, then those with most
    requests and connections; and the two groups without snapshots that have most requests."""
    requests = Counter(r["group_id"] for r in state.disconnections.values() if r["group_id"])
    connections = Counter(c["group_id"] for c in state.connections.values() if c["group_id"])
    snapshots = Counter(state.employees[s["employee_id"]]["group_id"] for s in state.snapshots.values())
    outside = sorted((g for g in state.groups if not snapshots[g]), key=lambda g: (-requests[g], g))[:2]
    ranked = sorted(state.groups, key=lambda g: (-snapshots[g], -requests[g], -connections[g], g))
    return sorted([g for g in ranked if g not in outside][:60]), outside


async def _run(client: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict) -> dict:
    return data((await post(client, query, variables, headers=headers)).json())


async def _tasks(client: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict) -> tuple[int, dict]:
    with counting_tasks() as counted:
        result = await _run(client, headers, query, variables)
    return counted[0], result


@pytest.mark.parametrize("query", [GROUPS, REVIEW_QUEUE, SNAPSHOTS], ids=["groups", "review queue", "snapshots"])
@pytest.mark.parametrize("scope", ["group_ids", "org_ids", "unscoped"])
async def test_a_partners_warm_miss_creates_no_task_per_nested_record(gateway, hooks, state, query, scope):
    # given: a partner (by group ids, or by organization; or an unscoped operator, the baseline)
    # whose pages were read once (cold)
    inside, _ = _scoped_by_groups(state)
    if scope == "group_ids":
        partner = bearer(mint(sub="partner", role="operator", group_ids=inside))
    elif scope == "unscoped":
        partner = bearer(mint(sub="operator", role="operator"))
    else:
        orgs = Counter(state.groups[g]["organization_id"] for g in inside)
        partner = bearer(mint(sub="partner", role="operator", org_ids=[orgs.most_common(1)[0][0]]))
    cold = await _run(gateway, partner, query, {"first": 50})
    await _run(gateway, partner, query, {"first": 5})
    await hooks.delete("/__emulator/requests")

    # when: the same pages execute again, from the entity cache
    few, _ = await _tasks(gateway, partner, query, {"first": 5})
    many, warm = await _tasks(gateway, partner, query, {"first": 50})

    # then: nothing upstream, the cold answer, and as many tasks for the long page as the short one
    assert await upstream_calls(hooks) == {}
    assert warm == cold
    assert len(nodes(next(iter(cold.values())))) > 5
    assert many == few, (few, many)


async def test_records_of_other_partners_read_ahead_from_the_cache_stay_out(gateway, hooks, state):
    # given: an admin read every group's page and each outside group by id (all of it cached)
    inside, outside = _scoped_by_groups(state)
    admin = bearer(mint(sub="admin", role="admin", scope="phi"))
    partner = bearer(mint(sub="partner", role="operator", group_ids=inside))
    everything = await _run(gateway, admin, GROUPS, {"first": 100})
    for group_id in outside:
        assert (await _run(gateway, admin, GROUP, {"id": group_id}))["group"]["id"] == group_id
    await hooks.delete("/__emulator/requests")

    # when: the partner reads those groups by id, and the pages
    by_id = [await _run(gateway, partner, GROUP, {"id": group_id}) for group_id in outside]
    groups = await _run(gateway, partner, GROUPS, {"first": 100})
    queue = await _run(gateway, partner, REVIEW_QUEUE, {"first": 100})

    # then: the outside groups read as missing, the pages hold only inside groups, and the inside
    # groups on the admin's page read exactly as the admin read them
    assert by_id == [{"group": None}] * len(outside)
    listed = {n["id"]: n for n in nodes(groups["groups"])}
    assert set(listed) == set(inside) and groups["groups"]["totalCount"] == len(inside)
    assert {n["group"]["id"] for n in nodes(queue["reviewQueue"])} <= set(inside)
    assert all(n["group"]["id"] not in outside for n in nodes(queue["reviewQueue"]))
    admins = {n["id"]: n for n in nodes(everything["groups"]) if n["id"] in listed}
    assert len(admins) >= 10
    assert admins == {k: listed[k] for k in admins}
