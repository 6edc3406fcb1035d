"""Two gateway replicas sharing one Redis: what one fetched, the other serves."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import GraphQLClient, make_gateway_settings, running_gateway

from .support import data

QUERY = """{ reviewQueue(first: 50) { totalCount edges { node { id: noyoId group { name dbaName } carrier { displayName } } } }
  carriers { id: noyoId } }"""

pytestmark = pytest.mark.redis


async def test_a_cold_replica_is_served_from_the_shared_redis(redis_url, cache_namespace, emulator_app, upstream_counts):
    # given: two gateways on the same Redis namespace (records only: no whole-response cache)
    settings = make_gateway_settings(cache_namespace, gateway_cache_url=redis_url,
                                     gateway_response_cache_enabled=False)
    async with running_gateway(settings, emulator_app) as (_, first_client):
        async with running_gateway(settings, emulator_app) as (_, second_client):
            # when: the first answers a query, then the (cold) second answers it
            first = data(await GraphQLClient(first_client)(QUERY))
            warmed = await upstream_counts(reset=True)
            second = data(await GraphQLClient(second_client)(QUERY))

            # then: the second made no upstream call and answered the same
            assert sum(warmed.values()) >= 3
            assert await upstream_counts() == {}
            assert second == first
