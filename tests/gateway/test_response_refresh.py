"""Refresh ahead of whole responses: a hit near its entry's expiry is served at once, and the entry
is replaced in the background, for the same caller, before it expires."""

from __future__ import annotations

import asyncio

from tests.gateway.conftest import make_gateway_settings, running_gateway
from tests.gateway.schema.support import data, world
from tests.gateway.security.support import bearer, mint, security_settings
from tests.gateway.test_response_cache import GROUPS, REVIEW_QUEUE, carrier_request, post

LIST = "GET /api/v1/group_disconnection_requests"


def queue_ids(response) -> set[str]:
    return {edge["node"]["id"] for edge in data(response.json())["reviewQueue"]["edges"]}


async def settle(app) -> None:
    await app.graphql_endpoint.refresher.settle()


async def cached_review_queue(app, client, clock) -> float:
    """The review queue cached (a miss, then a hit) on ``clock``; returns when its list expires."""
    app.state.services.cache.clock = clock
    started = clock()
    assert (await post(client, REVIEW_QUEUE)).headers["x-response-cache"] == "miss"
    assert (await post(client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"
    return started + app.state.settings.gateway_cache_ttl_lists


async def test_a_hit_near_expiry_is_served_at_once_and_the_entry_replaced_before_it_expires(
    cache_url, cache_namespace, clock, hooks, emulator_app, upstream_counts
):
    settings = make_gateway_settings(cache_namespace, gateway_cache_url=cache_url)
    async with running_gateway(settings, emulator_app) as (gateway, gateway_client):
        await _replaced_before_expiry(gateway, gateway_client, clock, hooks, emulator_app, upstream_counts)


async def _replaced_before_expiry(gateway, gateway_client, clock, hooks, emulator_app, upstream_counts) -> None:
    # given: the review queue cached, then a new request on Noyo that no webhook announced
    expires_at = await cached_review_queue(gateway, gateway_client, clock)
    before = await post(gateway_client, REVIEW_QUEUE)
    record = await carrier_request(hooks, emulator_app)
    await upstream_counts(reset=True)

    # when: a second before the entry expires, the query comes again
    clock.advance(expires_at - 1 - clock())
    due = await post(gateway_client, REVIEW_QUEUE)
    await settle(gateway)

    # then: that request was answered from the cache as it was; in the background the list was
    # read again from Noyo, once, and after the old entry's expiry the new one answers, with the
    # new request, without another upstream call
    assert due.headers["x-response-cache"] == "hit" and due.json()["data"] == before.json()["data"]
    assert record["id"] not in queue_ids(due)
    assert (await upstream_counts(reset=True)).get(LIST) == 1
    assert gateway.state.services.responses.stats.refreshes == 1
    clock.advance(2)
    after = await post(gateway_client, REVIEW_QUEUE)
    assert after.headers["x-response-cache"] == "hit" and int(after.headers["age"]) <= 2
    assert record["id"] in queue_ids(after)
    assert await upstream_counts() == {}


async def test_many_hits_in_the_refresh_window_start_one_refresh(gateway, gateway_client, clock, upstream_counts):
    # given: the review queue cached and a second before its expiry
    expires_at = await cached_review_queue(gateway, gateway_client, clock)
    clock.advance(expires_at - 1 - clock())
    await upstream_counts(reset=True)

    # when: twenty requests for it arrive together
    answers = await asyncio.gather(*(post(gateway_client, REVIEW_QUEUE) for _ in range(20)))
    await settle(gateway)

    # then: all were hits, and the list was read from Noyo once
    assert {answer.headers["x-response-cache"] for answer in answers} == {"hit"}
    assert (await upstream_counts()).get(LIST) == 1
    assert gateway.state.services.responses.stats.refreshes == 1


async def test_a_hit_earlier_in_the_entry_s_life_refreshes_nothing(gateway, gateway_client, clock, upstream_counts):
    expires_at = await cached_review_queue(gateway, gateway_client, clock)
    clock.advance(expires_at - 3 - clock())  # before the last tenth (2 s at most)
    await upstream_counts(reset=True)
    assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"
    await settle(gateway)
    assert await upstream_counts() == {}
    assert gateway.state.services.responses.stats.refreshes == 0


async def test_a_miss_while_a_refresh_runs_waits_for_it_instead_of_executing_again(
    gateway, gateway_client, clock, hooks, upstream_counts
):
    # given: the review queue cached, Noyo slow, and a refresh started a moment before the expiry
    expires_at = await cached_review_queue(gateway, gateway_client, clock)
    slow = {"path": "/api/v1/group_disconnection_requests*", "latency_ms": 300}
    assert (await hooks.post("/__emulator/faults", json=slow)).status_code == 200
    clock.advance(expires_at - 0.1 - clock())
    await upstream_counts(reset=True)
    assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"

    # when: the entry expires while that refresh is still waiting for Noyo, and the query comes
    clock.advance(0.2)
    late = await post(gateway_client, REVIEW_QUEUE)
    await settle(gateway)

    # then: that request waited for the refresh's answer (served as the entry it stored): Noyo
    # was asked once
    assert late.headers["x-response-cache"] == "hit" and "errors" not in late.json()
    assert (await upstream_counts()).get(LIST) == 1


async def test_a_refresh_that_fails_leaves_the_entry_to_answer_until_it_expires(
    gateway, gateway_client, clock, hooks, upstream_counts
):
    # given: the review queue cached; then Noyo's list failing
    expires_at = await cached_review_queue(gateway, gateway_client, clock)
    cached = await post(gateway_client, REVIEW_QUEUE)
    failing = {"path": "/api/v1/group_disconnection_requests*", "error_rate": 1.0, "error_status": 503}
    assert (await hooks.post("/__emulator/faults", json=failing)).status_code == 200

    # when: hits come in its last second
    clock.advance(expires_at - 1 - clock())
    await upstream_counts(reset=True)
    due = await post(gateway_client, REVIEW_QUEUE)
    await settle(gateway)
    later = await post(gateway_client, REVIEW_QUEUE)
    await settle(gateway)

    # then: they are answered with the cached data (the refresh tried Noyo and kept what it had)
    assert (await upstream_counts()).get(LIST, 0) >= 1
    for answer in (due, later):
        assert answer.headers["x-response-cache"] == "hit"
        assert answer.json()["data"] == cached.json()["data"]


async def test_a_partner_s_entry_is_refreshed_with_that_partner_s_permissions(cache_namespace, emulator_app, clock):
    # given: partners A and B, each with the group list cached for their own scope
    group_a, group_b = sorted(world(emulator_app).groups)[:2]
    async with running_gateway(security_settings(cache_namespace), emulator_app) as (app, client):
        app.state.services.cache.clock = clock
        partner_a = bearer(mint(sub="a", group_ids=[group_a]))
        partner_b = bearer(mint(sub="b", group_ids=[group_b]))
        for headers in (partner_a, partner_b):
            assert (await post(client, GROUPS, headers=headers)).headers["x-response-cache"] == "miss"

        # when: A's entry is refreshed near its expiry, and both ask again after it
        clock.advance(app.state.settings.gateway_cache_ttl_lists - 1)
        assert (await post(client, GROUPS, headers=partner_a)).headers["x-response-cache"] == "hit"
        await settle(app)
        clock.advance(1.5)
        seen_by_a = await post(client, GROUPS, headers=partner_a)
        seen_by_b = await post(client, GROUPS, headers=partner_b)

    # then: A's refreshed entry holds A's group only; B's expired and was built for B
    assert app.state.services.responses.stats.refreshes == 1
    assert seen_by_a.headers["x-response-cache"] == "hit"
    assert [e["node"]["id"] for e in data(seen_by_a.json())["groups"]["edges"]] == [group_a]
    assert seen_by_b.headers["x-response-cache"] == "miss"
    assert [e["node"]["id"] for e in data(seen_by_b.json())["groups"]["edges"]] == [group_b]


async def test_refresh_ahead_can_be_turned_off(cache_namespace, emulator_app, clock, upstream_counts):
    settings = make_gateway_settings(cache_namespace, gateway_response_cache_refresh_ahead=False)
    async with running_gateway(settings, emulator_app) as (app, client):
        expires_at = await cached_review_queue(app, client, clock)
        clock.advance(expires_at - 1 - clock())
        await upstream_counts(reset=True)
        assert (await post(client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"
        await asyncio.sleep(0.05)
        assert await upstream_counts() == {}
        clock.advance(2)
        assert (await post(client, REVIEW_QUEUE)).headers["x-response-cache"] == "miss"
    assert app.graphql_endpoint.refresher is None


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_a_refresh_is_counted_as_one_and_not_as_a_client_s_operation(gateway, gateway_client, clock):
    # given: the review queue cached (a miss and a hit: two operations)
    expires_at = await cached_review_queue(gateway, gateway_client, clock)
    clock.advance(expires_at - 1 - clock())

    # when: a hit in its last second refreshes it
    assert (await post(gateway_client, REVIEW_QUEUE)).headers["x-response-cache"] == "hit"
    await settle(gateway)
    scraped = (await gateway_client.get("/metrics")).text

    # then: three query operations (the clients'), one refresh
    operations = 'noyo_gateway_graphql_operations_total{operation_type="query",outcome="ok"}'
    assert _metric(scraped, operations) == 3
    assert _metric(scraped, "noyo_gateway_response_cache_refreshes_total") == 1
    assert _metric(scraped, "noyo_gateway_response_cache_failed_refreshes_total") == 0
