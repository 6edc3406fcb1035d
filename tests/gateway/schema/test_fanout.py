"""Fan-out lists: the batched (comma-separated ``group_id``) and concurrent paths answer exactly
as the documented one-by-one path does, with fewer upstream calls."""

from __future__ import annotations

import time

import httpx

from noyo_emulator.app import create_app as create_noyo
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


# -- carriers read alongside the records naming them (GATEWAY_PREFETCH_CARRIERS) ----------------

REVIEW_QUEUE = """query { reviewQueue(first: 50) { totalCount edges { node { id status
  group { name } carrier { displayName } } } } }"""
GROUP_STATUS = """query($id: ID!) { group(id: $id) { name connections { status carrier { displayName } }
  status { state carrier { displayName } } } }"""
FRAGMENTED = """query { disconnectionRequests(first: 20) { nodes { ...Request } } }
fragment Request on DisconnectionRequest { id ... on DisconnectionRequest { carrier { id name: displayName } } }"""
CARRIERS = "GET /api/v1/carriers"
LATENCY_MS = 200


class TimedTransport(httpx.AsyncBaseTransport):
    """The emulator over ASGI, keeping ``(path, started, ended)`` of every upstream call."""

    def __init__(self, app) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.calls: list[tuple[str, float, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        if request.url.path.startswith("/api/v1/"):
            self.calls.append((request.url.path, started, time.perf_counter()))
        return response


def rounds(calls: list[tuple[str, float, float]]) -> int:
    """Dependent rounds: a call that starts after another one ended is one round after it."""
    depth: list[int] = []
    ordered = sorted(calls, key=lambda c: c[1])
    for path, started, _ in ordered:
        before = [d for (_, _, ended), d in zip(ordered, depth) if ended <= started]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


async def _timed(cache_namespace, query, variables=None, **overrides):
    from gateway.app import create_app

    emulator = create_noyo(seed=42, latency_ms=LATENCY_MS)
    transport = TimedTransport(emulator)
    settings = make_gateway_settings(f"{cache_namespace}-{abs(hash(str(sorted(overrides.items()))))}",
                                     gateway_response_cache_enabled=False, gateway_max_cost=50_000, **overrides)
    app = create_app(settings, noyo_transport=transport)
    async with app.router.lifespan_context(app):
        await app.state.services.noyo.tokens.get_token()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:
            result = data(await GraphQLClient(client)(query, variables))
    counts = {k: v for k, v in emulator.state.emulator.request_counts.items() if "/api/v1/" in k}
    return result, transport.calls, counts


def _a_group_under_review() -> str:
    world = create_noyo(seed=42).state.emulator
    return next(r["group_id"] for r in world.disconnections.values() if r["status"] == "needs_review")


async def test_carriers_start_with_the_first_read_and_answer_as_carriers_read_after_it(cache_namespace):
    group_id = _a_group_under_review()
    for query, variables, one_round in ((REVIEW_QUEUE, None, True), (GROUP_STATUS, {"id": group_id}, True),
                                        (BENCH_QUERY, None, False), (FRAGMENTED, None, True)):
        # given the same query with the carrier list started at once, and with carriers read by id after
        together, calls, counts = await _timed(cache_namespace, query, variables)
        after, later_calls, later_counts = await _timed(cache_namespace, query, variables,
                                                        gateway_prefetch_carriers=False)

        # then both answer alike with as many upstream calls; started at once, the carrier list is
        # under way before any answer arrives, where read by id it waits for every other call
        assert together == after
        assert counts == later_counts and counts[CARRIERS] == 1
        first_answer = min(ended for _, _, ended in calls)
        assert [started < first_answer for path, started, _ in calls if path == "/api/v1/carriers"] == [True]
        last_answer = max(ended for path, _, ended in later_calls if path != "/api/v1/carriers")
        assert [started >= last_answer for path, started, _ in later_calls if path == "/api/v1/carriers"] == [True]
        if one_round:  # (a list's 50 per-group calls may take longer to send than one round trip)
            assert rounds(calls) == 1 and rounds(later_calls) == 2, (calls, later_calls)


async def test_a_selection_without_carriers_reads_no_carrier_list(cache_namespace):
    # given a review queue selecting no carrier field
    _, calls, counts = await _timed(cache_namespace, "query { reviewQueue(first: 5) { nodes { id carrierId } } }")

    # then the carrier list is not read
    assert CARRIERS not in counts and len(calls) == 1


async def test_a_carrier_the_list_lacks_is_still_read_by_id(cache_namespace):
    # given a queue whose requests name a carrier that Noyo's list does not show
    emulator = create_noyo(seed=42)
    world = emulator.state.emulator
    request = next(r for r in world.disconnections.values() if r["status"] == "needs_review")
    hidden = world.carriers[request["carrier_id"]]
    from gateway.app import create_app

    settings = make_gateway_settings(cache_namespace, gateway_response_cache_enabled=False)
    app = create_app(settings, noyo_transport=httpx.ASGITransport(app=emulator))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:
            # when the list is read without it (the carrier is known by id only)
            listed = dict(world.carriers)
            world.carriers.pop(hidden["id"])
            listing = data(await GraphQLClient(client)("{ carriers { noyoId } }"))
            world.carriers.update(listed)
            assert hidden["id"] not in {c["noyoId"] for c in listing["carriers"]} and listing["carriers"]
            result = data(await GraphQLClient(client)(REVIEW_QUEUE))

    # then its requests still name it
    names = {e["node"]["carrier"]["displayName"] for e in result["reviewQueue"]["edges"]}
    assert hidden["display_name"] in names


async def test_carriers_fail_after_one_call_when_the_list_fails(emulator_app, hooks, cache_namespace,
                                                                upstream_counts):
    # given Noyo failing every carrier call
    response = await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "error_rate": 1.0,
                                                           "error_status": 503})
    assert response.status_code in (200, 201), response.text
    settings = make_gateway_settings(cache_namespace, gateway_response_cache_enabled=False)
    await upstream_counts(reset=True)

    # when the review queue asks for carriers
    async with running_gateway(settings, emulator_app) as (_, client):
        result = await GraphQLClient(client)(REVIEW_QUEUE)

    # then the queue is there, its carriers are an upstream error, and Noyo was asked once for them
    assert result["data"]["reviewQueue"]["totalCount"] > 0
    assert {e["extensions"]["code"] for e in result["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert (await upstream_counts())[CARRIERS] == 1


async def test_carriers_known_by_id_are_served_stale_when_the_list_fails(gql, gateway, hooks, emulator_app,
                                                                         clock):
    # given every carrier of the queue read once by id (the list itself never read), then past its TTL
    gateway.state.services.cache.clock = clock
    fresh = data(await gql(REVIEW_QUEUE))
    for carrier_id in {r["carrier_id"] for r in emulator_app.state.emulator.disconnections.values()}:
        data(await gql("query($id: ID!) { carrier(id: $id) { displayName } }", {"id": carrier_id}))
    await gateway.state.services.cache.invalidate_queries("list:carriers")
    clock.advance(gateway.state.settings.gateway_cache_ttl_carriers + 5)

    # when Noyo fails every carrier call and the queue is asked again (the response cache is bypassed)
    response = await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers*", "error_rate": 1.0})
    assert response.status_code == 200
    result = await gql(REVIEW_QUEUE.replace("first: 50", "first: 49"))

    # then the carriers are the stale ones, reported as such, and no error surfaces
    assert "errors" not in result
    names = {e["node"]["carrier"]["displayName"] for e in result["data"]["reviewQueue"]["edges"]}
    assert names <= {e["node"]["carrier"]["displayName"] for e in fresh["reviewQueue"]["edges"]} and names
    assert {s["resource"] for s in result["extensions"]["stale"]} == {"carrier"}, result["extensions"]
