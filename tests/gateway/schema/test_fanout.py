"""Fan-out lists: the batched (comma-separated ``group_id``) and concurrent paths answer exactly
as the documented one-by-one path does, with fewer upstream calls."""

from __future__ import annotations

from tests.gateway.conftest import GraphQLClient, make_gateway_settings, running_gateway

from .support import data

GROUPS_STATUS = """query { groups(first: 50) { totalCount edges { node { id
  status { state carrierId effectiveEndDate carrier { displayName } disconnectionRequest { id: noyoId status } }
  disconnectionRequests(first: 100) { nodes { id: noyoId status effectiveEndDate groupId carrierId } } } } } }"""
BENCH_QUERY = "query { groups(first: 50) { edges { node { status { carrier { displayName } } } } } }"
PER_GROUP = "GET /api/v1/groups/{group_id}/group_disconnection_requests"
BATCHED = "GET /api/v1/group_disconnection_requests"


async def _answer(emulator_app, cache_namespace, upstream_counts, query, **overrides):
    settings = make_gateway_settings(f"{cache_namespace}-{abs(hash(str(sorted(overrides.items()))))}",
                                     gateway_response_cache_enabled=False, gateway_max_cost=50_000, **overrides)
    await upstream_counts(reset=True)
    async with running_gateway(settings, emulator_app) as (_, client):
        result = data(await GraphQLClient(client)(query))
    return result, await upstream_counts(reset=True)


async def test_batched_disconnection_requests_answer_as_the_per_group_calls_do(emulator_app, cache_namespace,
                                                                               upstream_counts):
    one_by_one, calls = await _answer(emulator_app, cache_namespace, upstream_counts, GROUPS_STATUS)
    batched, batched_calls = await _answer(emulator_app, cache_namespace, upstream_counts, GROUPS_STATUS,
                                           noyo_disconnections_group_id_csv=True,
                                           noyo_disconnections_group_id_chunk=7)
    groups = len(one_by_one["groups"]["edges"])
    assert groups == 50 and any(e["node"]["disconnectionRequests"]["nodes"] for e in one_by_one["groups"]["edges"])
    assert batched == one_by_one
    assert calls[PER_GROUP] == groups and BATCHED not in calls
    assert PER_GROUP not in batched_calls and batched_calls[BATCHED] >= -(-groups // 7)


async def test_the_default_is_noyos_documented_per_group_path(emulator_app, cache_namespace, upstream_counts):
    _, calls = await _answer(emulator_app, cache_namespace, upstream_counts, BENCH_QUERY)
    assert BATCHED not in calls and calls[PER_GROUP] == 50


async def test_groups_with_status_take_at_most_53_upstream_calls_when_batched(emulator_app, cache_namespace,
                                                                             upstream_counts):
    _, calls = await _answer(emulator_app, cache_namespace, upstream_counts, BENCH_QUERY,
                             noyo_disconnections_group_id_csv=True)
    assert sum(calls.values()) <= 53, calls


async def test_per_group_calls_one_at_a_time_answer_as_concurrent_ones_do(emulator_app, cache_namespace,
                                                                          upstream_counts):
    sequential, calls = await _answer(emulator_app, cache_namespace, upstream_counts, GROUPS_STATUS,
                                      gateway_upstream_fanout_limit=1)
    concurrent, concurrent_calls = await _answer(emulator_app, cache_namespace, upstream_counts, GROUPS_STATUS,
                                                 gateway_upstream_fanout_limit=50)
    assert sequential == concurrent
    assert calls == concurrent_calls
