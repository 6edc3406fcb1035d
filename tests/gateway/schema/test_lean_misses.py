"""Response-cache misses over records already cached: nested records resolve without a task each.

The gateway runs without its whole-response cache, so every request executes; its records are
in the entity cache (memory and Redis) after one cold request. Tasks are counted with the event
loop's task factory for the duration of one request: a warm miss must create as many tasks for
50 items as for 5 (the request's own fixed cost), where resolving each nested record through an
awaited loader creates one per item and field.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from gateway.cache import Cache
from gateway.cache.invalidation import invalidate_group
from gateway.cache.validated import validator
from gateway.noyo import models
from tests.gateway.conftest import GraphQLClient, make_gateway_settings, running_gateway

from .support import counting_tasks, data, nodes, world

REVIEW_QUEUE = """query($first: Int) { reviewQueue(first: $first) { totalCount edges { node { id: noyoId status
  group { name dbaName } carrier { displayName } } } } }"""
GROUPS_STATUS = """query($first: Int) { groups(first: $first) { edges { node { name
  status { state carrier { displayName } } connections { status carrier { displayName } } } } } }"""
SNAPSHOTS = """query($first: Int) { memberSnapshots(first: $first) { edges { node { id: noyoId status
  warnings omittedCoverages { outcome } employee { id: noyoId groupId }
  fulfillment { status carrier { displayName } } } } } }"""
GROUP = """query($id: ID!) { group(id: $id) { name needsAttention
  connections { status carrier { displayName } } status { state carrier { displayName } } } }"""


async def _tasks_of(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with counting_tasks() as counted:
        result = await gql(query, variables)
    return counted[0], data(result)


@pytest.fixture
def gateway_settings(cache_namespace, cache_url):
    return make_gateway_settings(cache_namespace, gateway_cache_url=cache_url, gateway_response_cache_enabled=False,
                                 gateway_max_cost=50_000)


@pytest.mark.parametrize("query", [REVIEW_QUEUE, GROUPS_STATUS, SNAPSHOTS],
                         ids=["review queue", "groups and status", "snapshots with details and employees"])
async def test_a_miss_over_cached_records_creates_no_task_per_nested_field(gql, upstream_counts, query):
    # given: every record of both pages read once (cold)
    cold = data(await gql(query, {"first": 50}))
    data(await gql(query, {"first": 5}))
    await upstream_counts(reset=True)

    # when: the same pages execute again, from the entity cache
    few, _ = await _tasks_of(gql, query, {"first": 5})
    many, many_data = await _tasks_of(gql, query, {"first": 50})

    # then: no upstream call, the cold answer, and as many tasks for 50 items as for 5
    assert await upstream_counts() == {}
    assert many_data == cold
    assert len(nodes(next(iter(cold.values())))) > 5
    assert many == few, (few, many)
    assert many <= 8, many


async def test_a_warm_group_resolves_its_lists_and_carriers_without_tasks(gql, upstream_counts, emulator_app):
    # given: the group with the most connections, read once
    state = world(emulator_app)
    per_group = Counter(c["group_id"] for c in state.connections.values() if c["group_id"])
    group_id, connections = per_group.most_common(1)[0]
    cold = data(await gql(GROUP, {"id": group_id}))
    assert len(cold["group"]["connections"]) == connections >= 3
    await upstream_counts(reset=True)

    # when: it executes again, and a query of its name alone
    tasks, warm = await _tasks_of(gql, GROUP, {"id": group_id})
    name_only, _ = await _tasks_of(gql, "query($id: ID!) { group(id: $id) { name } }", {"id": group_id})

    # then: the same answer, nothing upstream; its lists and carriers cost no task each, only the
    # carrier list's read (a task started with the group's own read, and its cache read)
    assert warm == cold
    assert await upstream_counts() == {}
    assert tasks <= name_only + 2, (name_only, tasks)


async def test_an_invalidated_group_is_read_again_by_the_next_miss(gql, gateway, upstream_counts, emulator_app):
    # given: the review queue read (with groups beyond their inline name), then a group renamed at Noyo
    before = nodes(data(await gql(REVIEW_QUEUE, {"first": 50}))["reviewQueue"])
    group_id = next(r["group_id"] for r in world(emulator_app).disconnections.values()
                    if r["status"] == "needs_review" and r["group_id"])
    group = world(emulator_app).groups[group_id]
    group["dba_name"] = "Renamed Trading Co"
    await upstream_counts(reset=True)

    # when: the change is announced (what a webhook's pipeline does) and the queue read again
    await invalidate_group(gateway.state.services.cache, group)
    after = nodes(data(await gql(REVIEW_QUEUE, {"first": 50}))["reviewQueue"])

    # then: that group was fetched again and shows the new name; nothing else changed
    assert (await upstream_counts()).get("GET /api/v1/groups", 0) == 1
    renamed = [n for n in after if n["group"]["dbaName"] == "Renamed Trading Co"]
    assert renamed and len(after) == len(before)
    assert [n["id"] for n in after] == [n["id"] for n in before]


@pytest.mark.redis
async def test_two_replicas_on_one_redis_answer_a_warm_miss_alike(redis_url, cache_namespace, emulator_app,
                                                                   upstream_counts):
    # given: one replica filled the shared cache
    settings = make_gateway_settings(cache_namespace, gateway_cache_url=redis_url,
                                     gateway_response_cache_enabled=False, gateway_max_cost=50_000)
    async with running_gateway(settings, emulator_app) as (_, first):
        cold = data(await GraphQLClient(first)(GROUPS_STATUS, {"first": 50}))
        short = data(await GraphQLClient(first)(GROUPS_STATUS, {"first": 5}))
    await upstream_counts(reset=True)

    # when: a fresh replica answers a short page (opening its Redis connections), then the same query
    async with running_gateway(settings, emulator_app) as (_, second):
        assert data(await GraphQLClient(second)(GROUPS_STATUS, {"first": 5})) == short
        tasks, warm = await _tasks_of(GraphQLClient(second), GROUPS_STATUS, {"first": 50})
        few, _ = await _tasks_of(GraphQLClient(second), GROUPS_STATUS, {"first": 5})

    # then: from Redis alone, the same answer, without a task per group
    assert await upstream_counts() == {}
    assert warm == cold
    assert tasks == few <= 8, (few, tasks)


def test_a_shared_cache_value_is_validated_once_per_content():
    # given: the memo of a shared (Redis) cache, and a group's value as two reads decode it
    validate = validator(Cache.from_url("redis://127.0.0.1:6379/0"))
    value = {"id": "g-1", "version": "v1", "name": "Acme", "created": 1, "modified": 1}

    # when: both reads are validated, then a changed value
    first, second = validate(models.Group, dict(value)), validate(models.Group, dict(value))
    changed = validate(models.Group, {**value, "name": "Acme Renamed"})

    # then: one model for one content; a new content is a new model
    assert first is second
    assert changed is not first and changed.name == "Acme Renamed" and first.name == "Acme"
