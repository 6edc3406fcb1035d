"""Redis slow or gone: reads keep working, limits stay local, keyed writes are refused, and the
gateway stays ready (degraded) and recovers by itself when Redis is back."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest

from tests.gateway.conftest import GraphQLClient, make_gateway_settings, running_gateway
from tests.gateway.write.support import connected_pairs, today

pytestmark = pytest.mark.redis

GROUP = "query($id: ID!) { group(id: $id) { id: noyoId name } }"
REQUEST = """mutation($input: CreateDisconnectionRequestInput!, $key: String) {
  createDisconnectionRequest(input: $input, idempotencyKey: $key) { disconnectionRequest { id: noyoId } errors { code } } }"""


def settings_on(redis_url: str, namespace: str, **overrides):
    return make_gateway_settings(namespace, gateway_cache_url=redis_url, gateway_redis_timeout=0.2, **overrides)


async def until(check, seconds: float) -> float:
    """Seconds it took ``check()`` to become true (fails after ``seconds``)."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < seconds, f"not within {seconds}s"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def request_input(emulator_app, index: int) -> dict:
    group_id, carrier_id = connected_pairs(emulator_app)[index]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    return {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}


async def test_a_paused_redis_costs_reads_nothing_and_refuses_keyed_writes(own_redis, emulator_app, cache_namespace,
                                                                           upstream_counts):
    group_id = connected_pairs(emulator_app)[0][0]
    write = request_input(emulator_app, 0)
    settings = settings_on(own_redis.url, cache_namespace, gateway_rate_limit="1000/minute")
    async with running_gateway(settings, emulator_app) as (_, client):
        gql = GraphQLClient(client)
        assert (await gql(GROUP, {"id": group_id}))["data"]["group"]["id"] == group_id  # warm, on Redis

        # when: Redis hangs (SIGSTOP)
        own_redis.pause()
        try:
            slowest = 0.0
            for _ in range(20):
                started = time.monotonic()
                body = await gql(GROUP, {"id": group_id})
                slowest = max(slowest, time.monotonic() - started)
                assert body.get("errors") is None and body["data"]["group"]["id"] == group_id
            # then: reads answer (the first pays one short Redis timeout, the rest skip Redis)
            assert slowest < 2.0
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["degraded"] == ["redis"]
            assert "noyo_gateway_redis_degraded 1.0" in (await client.get("/metrics")).text
            # and: a keyed write is refused before anything is sent
            await upstream_counts(reset=True)
            result = (await gql(REQUEST, {"input": write, "key": "k1"}))["data"]
            assert [e["code"] for e in result["createDisconnectionRequest"]["errors"]] == ["IDEMPOTENCY_UNAVAILABLE"]
            assert "POST /api/v1/group_disconnection_requests" not in await upstream_counts()
        finally:
            own_redis.resume()

        # when: Redis answers again, the gateway uses it again by itself
        async def recovered() -> bool:
            return (await client.get("/readyz")).json()["degraded"] == []

        assert await until(recovered, 5.0) < 5.0
        result = (await gql(REQUEST, {"input": write, "key": "k1"}))["data"]
        assert result["createDisconnectionRequest"]["errors"] == []


async def test_rate_limits_fall_back_to_a_local_limiter(own_redis, emulator_app, cache_namespace, one_rate_window):
    settings = settings_on(own_redis.url, cache_namespace, gateway_rate_limit="3/minute")
    async with running_gateway(settings, emulator_app) as (_, client):
        own_redis.pause()
        try:
            statuses = [(await client.post("/graphql", json={"query": "{ __typename }"})).status_code
                        for _ in range(5)]
        finally:
            own_redis.resume()
    assert statuses == [200, 200, 200, 429, 429]


async def test_a_killed_and_restarted_redis_is_used_again_within_five_seconds(own_redis, emulator_app,
                                                                              cache_namespace, upstream_counts):
    group_id = connected_pairs(emulator_app)[0][0]
    settings = settings_on(own_redis.url, cache_namespace)
    async with running_gateway(settings, emulator_app) as (app, client):
        gql = GraphQLClient(client)
        assert (await gql(GROUP, {"id": group_id}))["data"]["group"]
        own_redis.kill()
        for _ in range(5):  # reads keep working while Redis is gone
            body = await gql(GROUP, {"id": group_id})
            assert body.get("errors") is None and body["data"]["group"]["id"] == group_id
        assert (await client.get("/readyz")).json() == {"status": "ready", "degraded": ["redis"],
                                                        "redis": "unavailable"}

        own_redis.start()
        restarted = time.monotonic()
        variables = {"input": request_input(emulator_app, 1), "key": "after"}

        async def keyed_write_works() -> bool:
            result = (await gql(REQUEST, variables))["data"]
            return result["createDisconnectionRequest"]["errors"] == []

        await until(keyed_write_works, 5.0)
        assert time.monotonic() - restarted < 5.0
        assert (await client.get("/readyz")).json()["degraded"] == []
        # and: the key lives in the restarted Redis (a replay, not a second request)
        await upstream_counts(reset=True)
        assert await keyed_write_works()
        assert "POST /api/v1/group_disconnection_requests" not in await upstream_counts()
