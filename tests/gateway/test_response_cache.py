"""The whole-response cache seen over HTTP: hits, keys by permission, purges, what is never kept."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import urllib.parse

import pytest

from gateway.cache.responses import MISS_TAIL
from gateway.security.persisted import sha256_hex
from tests.gateway.conftest import make_gateway_settings, running_gateway
from tests.gateway.schema.support import data, world
from tests.gateway.security.support import bearer, mint, security_settings
from tests.gateway.write.support import REJECT, connected_pairs, today

REVIEW_QUEUE = "query { reviewQueue(first: 50) { totalCount edges { node { id: noyoId status group { name } carrier { displayName } } } } }"
REQUEST = "query($id: ID!) { disconnectionRequest(id: $id) { id: noyoId status } }"
GROUPS = "query { groups(first: 50) { totalCount edges { node { id: noyoId name } } } }"
EMPLOYEE = "query($id: ID!) { employee(id: $id) { id: noyoId person { firstName lastName } } }"
HIT = re.compile(rb'"responseCache":\{"hit":true,"ageSeconds":\d+\}\}\}$')


async def post(client, query, variables=None, **kwargs):
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)


async def carrier_request(hooks, emulator_app) -> dict:
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    body = {"group_id": group_id, "carrier_id": carrier_id,
            "effective_end_date": (today(emulator_app) + dt.timedelta(days=5)).isoformat()}
    response = await hooks.post("/__emulator/carrier-disconnection", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_hit_carries_the_bytes_of_the_miss_that_filled_it(gateway_client, upstream_counts):
    # given: a query answered once
    await upstream_counts(reset=True)
    miss = await post(gateway_client, REVIEW_QUEUE)
    assert miss.headers["x-response-cache"] == "miss"
    assert miss.content.endswith(MISS_TAIL) and miss.content.count(b"responseCache") == 1
    filled = await upstream_counts(reset=True)

    # when: the same query again
    hit = await post(gateway_client, REVIEW_QUEUE)

    # then: no upstream call; the same bytes but for the extension saying it is a hit
    assert sum(filled.values()) >= 2 and await upstream_counts() == {}
    assert hit.headers["x-response-cache"] == "hit" and int(hit.headers["age"]) >= 0
    assert HIT.search(hit.content)
    assert HIT.sub(MISS_TAIL, hit.content) == miss.content
    assert hit.json()["extensions"]["responseCache"]["hit"] is True
    assert hit.headers["content-type"] == "application/json"


async def test_variables_and_operation_name_are_part_of_the_key(gateway_client, emulator_app):
    first, second = sorted(world(emulator_app).disconnections)[:2]
    a = (await post(gateway_client, REQUEST, {"id": first})).json()
    b = await post(gateway_client, REQUEST, {"id": second})
    assert b.headers["x-response-cache"] == "miss"
    assert a["data"]["disconnectionRequest"]["id"] == first
    assert b.json()["data"]["disconnectionRequest"]["id"] == second


@pytest.mark.redis
@pytest.mark.parametrize("shared", ["redis", "memory stores, redis bus"])
async def test_a_write_purges_every_dependent_response_on_both_replicas(shared, redis_url, cache_namespace,
                                                                         emulator_app, hooks):
    # given: two replicas, each holding the review queue and the request in its response cache
    record = await carrier_request(hooks, emulator_app)
    cache_url = redis_url if shared == "redis" else "memory://"
    settings = make_gateway_settings(cache_namespace, gateway_cache_url=cache_url, gateway_bus_url=redis_url)
    async with running_gateway(settings, emulator_app) as (_, a), running_gateway(settings, emulator_app) as (_, b):
        for replica in (a, b):
            for _ in range(2):
                queue = await post(replica, REVIEW_QUEUE)
                single = await post(replica, REQUEST, {"id": record["id"]})
            assert queue.headers["x-response-cache"] == single.headers["x-response-cache"] == "hit"
            assert record["id"] in {e["node"]["id"] for e in queue.json()["data"]["reviewQueue"]["edges"]}

        # when: the request is rejected through replica A
        rejected = await post(a, REJECT, {"id": record["id"], "reason": "CONNECTION_RESTORED"})
        assert rejected.json()["data"]["rejectDisconnectionRequest"]["errors"] == []

        # then: on both replicas neither response answers from before the write
        for replica in (a, b):
            if shared == "redis":  # one store: whatever either replica serves now is current
                single = await post(replica, REQUEST, {"id": record["id"]})
                queue = await post(replica, REVIEW_QUEUE)
                assert single.json()["data"]["disconnectionRequest"]["status"] == "REJECTED"
                assert record["id"] not in {e["node"]["id"] for e in queue.json()["data"]["reviewQueue"]["edges"]}
                continue
            # memory stores: each replica purges its own on the bus message (each replica's record
            # cache is its own too, so only the response cache's part is asserted here)
            for _ in range(50):
                single = await post(replica, REQUEST, {"id": record["id"]})
                if single.headers["x-response-cache"] == "miss":
                    break
                await asyncio.sleep(0.02)
            queue = await post(replica, REVIEW_QUEUE)
            assert single.headers["x-response-cache"] == queue.headers["x-response-cache"] == "miss"


async def test_partner_a_never_receives_partner_b_s_entry(cache_namespace, emulator_app):
    # given: two partners scoped to different groups
    group_a, group_b = sorted(world(emulator_app).groups)[:2]
    settings = security_settings(cache_namespace)
    async with running_gateway(settings, emulator_app) as (_, client):
        partner_a = bearer(mint(sub="a", group_ids=[group_a]))
        partner_b = bearer(mint(sub="b", group_ids=[group_b]))
        colleague_of_a = bearer(mint(sub="a2", group_ids=[group_a]))

        # when: A asks, then B asks the very same query, then A's colleague
        seen_by_a = await post(client, GROUPS, headers=partner_a)
        seen_by_b = await post(client, GROUPS, headers=partner_b)
        seen_by_colleague = await post(client, GROUPS, headers=colleague_of_a)

    # then: B's answer was built for B; the same permissions share the entry
    assert [e["node"]["id"] for e in data(seen_by_a.json())["groups"]["edges"]] == [group_a]
    assert seen_by_b.headers["x-response-cache"] == "miss"
    assert [e["node"]["id"] for e in data(seen_by_b.json())["groups"]["edges"]] == [group_b]
    assert seen_by_colleague.headers["x-response-cache"] == "hit"


async def test_a_caller_without_phi_never_receives_a_response_made_for_one_with_it(cache_namespace, emulator_app):
    # given: an employee read by a caller with the phi scope
    state = world(emulator_app)
    employee = state.employees[sorted(state.employees)[0]]
    settings = security_settings(cache_namespace)
    async with running_gateway(settings, emulator_app) as (_, client):
        with_phi = await post(client, EMPLOYEE, {"id": employee["id"]}, headers=bearer(mint(scope="phi")))
        # when: a caller with the same role but no phi scope asks the same
        without = await post(client, EMPLOYEE, {"id": employee["id"]}, headers=bearer(mint(sub="other")))

    # then: the second answer is its own, with the personal data masked
    assert data(with_phi.json())["employee"]["person"]["lastName"] == employee["person"]["last_name"]
    assert without.headers["x-response-cache"] == "miss"
    assert data(without.json())["employee"]["person"] is None
    assert employee["person"]["last_name"] not in without.text


async def _fail(hooks, path: str) -> None:
    response = await hooks.post("/__emulator/faults", json={"path": path, "error_rate": 1.0, "error_status": 503})
    assert response.status_code == 200, response.text


async def test_a_response_with_errors_is_never_cached(gateway_client, hooks, upstream_counts):
    # given: carriers failing, so the review queue answers with an error
    await _fail(hooks, "/api/v1/carriers*")
    failed = await post(gateway_client, REVIEW_QUEUE)
    assert failed.json().get("errors") and "x-response-cache" not in failed.headers

    # when: Noyo recovers
    await hooks.post("/__emulator/faults", json={})
    await upstream_counts(reset=True)
    recovered = await post(gateway_client, REVIEW_QUEUE)

    # then: the query ran again (nothing cached from the failure)
    assert "errors" not in recovered.json()
    assert recovered.headers["x-response-cache"] == "miss"
    assert (await upstream_counts()).get("GET /api/v1/carriers") == 1


async def test_stale_data_is_never_cached(gateway, gateway_client, hooks, clock, emulator_app):
    # given: a group read, then its freshness over and Noyo failing
    gateway.state.services.cache.clock = clock
    group_id = sorted(world(emulator_app).groups)[0]
    query = "query($id: ID!) { group(id: $id) { id: noyoId name dbaName } }"
    await post(gateway_client, query, {"id": group_id})
    clock.advance(gateway.state.settings.gateway_cache_ttl_groups + 1)
    await _fail(hooks, "/api/v1/groups*")

    # when: asked twice
    first = await post(gateway_client, query, {"id": group_id})
    second = await post(gateway_client, query, {"id": group_id})

    # then: both are stale answers, neither came from (or went into) the response cache
    for response in (first, second):
        assert response.json()["extensions"]["stale"]
        assert "x-response-cache" not in response.headers


async def test_mutations_and_introspection_are_never_cached(gateway_client, hooks, emulator_app):
    record = await carrier_request(hooks, emulator_app)
    for _ in range(2):
        rejected = await post(gateway_client, REJECT, {"id": record["id"]})
        assert "x-response-cache" not in rejected.headers
    introspecting = '{ carriers { id } __type(name: "Carrier") { name } }'
    for _ in range(2):
        response = await post(gateway_client, introspecting)
        assert data(response.json())["__type"] == {"name": "Carrier"}
        assert "x-response-cache" not in response.headers


async def test_an_entry_never_outlives_the_shortest_ttl_of_what_it_read(gateway, gateway_client, clock, emulator_app):
    # given: a group fetched now (fresh for the groups TTL), on a clock the test controls
    gateway.state.services.cache.clock = clock
    ttl = gateway.state.settings.gateway_cache_ttl_groups
    group_id = sorted(world(emulator_app).groups)[0]
    await post(gateway_client, "query($id: ID!) { group(id: $id) { name } }", {"id": group_id})

    # when: near the end of that freshness, another response is built from the cached group
    clock.advance(ttl - 10)
    query = "query($id: ID!) { group(id: $id) { id: noyoId name } }"
    assert (await post(gateway_client, query, {"id": group_id})).headers["x-response-cache"] == "miss"
    clock.advance(5)
    assert (await post(gateway_client, query, {"id": group_id})).headers["x-response-cache"] == "hit"

    # then: it expires with the group, not a full TTL after it was built
    clock.advance(6)
    assert (await post(gateway_client, query, {"id": group_id})).headers["x-response-cache"] == "miss"


async def test_get_of_a_persisted_document_has_an_etag_and_answers_304(gateway_client):
    digest = sha256_hex(REVIEW_QUEUE)
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    # given: the document sent once with its hash (registered, answered, cached)
    first = await gateway_client.get("/graphql?" + urllib.parse.urlencode({"query": REVIEW_QUEUE,
                                                                           "extensions": extensions}))
    assert first.status_code == 200 and first.headers["x-response-cache"] == "miss"
    etag = first.headers["etag"]

    # when: asked again by hash alone, with and without the ETag
    by_hash = "/graphql?" + urllib.parse.urlencode({"extensions": extensions})
    not_modified = await gateway_client.get(by_hash, headers={"if-none-match": etag})
    changed = await gateway_client.get(by_hash, headers={"if-none-match": 'W/"other"'})

    # then
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified.headers["etag"] == etag
    assert changed.status_code == 200 and changed.headers["etag"] == etag
    assert HIT.sub(MISS_TAIL, changed.content) == first.content


async def test_an_invalidation_from_a_noyo_event_purges_the_responses_built_from_the_record(gateway, gateway_client,
                                                                                          hooks, emulator_app):
    from gateway.cache import invalidation

    # given: a request's response cached
    record = await carrier_request(hooks, emulator_app)
    for _ in range(2):
        cached = await post(gateway_client, REQUEST, {"id": record["id"]})
    assert cached.headers["x-response-cache"] == "hit"
    assert invalidation.for_disconnection(record).tags[:1] == [f"disconnection:{record['id']}"]

    # when: the event pipeline invalidates the record (as it does after a webhook)
    await invalidation.invalidate_disconnection(gateway.state.services.cache, record)

    # then: the next answer is built afresh
    assert (await post(gateway_client, REQUEST, {"id": record["id"]})).headers["x-response-cache"] == "miss"


async def test_records_read_together_are_refreshed_together_so_the_next_response_is_cached(
    gateway, gateway_client, clock, upstream_counts
):
    # given: the review queue's list cached now and Noyo's carrier list half a second later, and a
    # response built from both (it lives until the first of them expires)
    gateway.state.services.cache.clock = clock
    ttl = gateway.state.settings.gateway_cache_ttl_lists
    assert (await post(gateway_client, "query { reviewQueue(first: 50) { totalCount } }")).status_code == 200
    clock.advance(0.5)
    assert (await post(gateway_client, "query { carriers { displayName } }")).status_code == 200
    assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "miss"
    assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"

    # when: the queue's list expires (the carrier list has half a second left) and the query comes again
    clock.advance(ttl - 0.5)
    await upstream_counts(reset=True)
    assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "miss"

    # then: that miss refreshed both lists at once (the carrier list ahead of its expiry), so its
    # response is cached for a whole TTL: the next requests are hits, with no upstream call
    refreshed = await upstream_counts(reset=True)
    assert refreshed.get("GET /api/v1/group_disconnection_requests") == 1
    assert refreshed.get("GET /api/v1/carriers") == 1
    for _ in range(3):
        assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"
        clock.advance(1)
    assert await upstream_counts() == {}


async def test_a_miss_in_flight_at_shutdown_is_still_answered(gateway, gateway_client, hooks):
    # given: Noyo slow, and a miss waiting on it
    slow = {"path": "/api/v1/group_disconnection_requests*", "latency_ms": 300}
    assert (await hooks.post("/__emulator/faults", json=slow)).status_code == 200
    pending = asyncio.ensure_future(post(gateway_client, REVIEW_QUEUE))
    await asyncio.sleep(0.1)

    # when: the view is detached from its response cache meanwhile (as the lifespan's shutdown does)
    await gateway.graphql_endpoint.detach()

    # then: the request that began with the cache is answered, not failed
    answer = await pending
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    assert data(answer.json())["reviewQueue"]["totalCount"] >= 0
