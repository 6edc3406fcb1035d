"""Resilience seen through GraphQL: token expiry and refresh, retries on 503s and resets,
Retry-After, exhausted retries, never-retried writes, timeouts and partial failures.

Each test builds its own emulator and gateway (``resilience_support.rig``) with the settings
it exercises, posts to ``/graphql`` and counts the upstream calls at the emulator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time

import pytest

from tests.gateway.conftest import TOKEN_PATH
from tests.gateway.write.support import CREATE_PATH, REQUEST, connected_pairs

from .resilience_support import rig
from .support import data, error_codes, nodes

GROUP = "query($id: ID!) { group(id: $id) { id: noyoId name } }"
GROUPS = "{ groups(first: 5) { edges { node { id: noyoId name } } } }"
GROUP_AND_CARRIER = "query($g: ID!, $c: ID!) { group(id: $g) { id: noyoId name } carrier(id: $c) { id: noyoId displayName } }"
GROUPS_PATH = "GET /api/v1/groups"
CARRIERS_PATH = "GET /api/v1/carriers"
LEAKS = ("noyo.test", "127.0.0.1", "/api/v1", "503", "Injected fault", "Traceback", "httpx", "Noyo returned")


def assert_no_internals(result: dict) -> None:
    # The request id is random hex: it may spell "503" by chance, so it is left out of the check.
    errors = [{**e, "extensions": {k: v for k, v in (e.get("extensions") or {}).items() if k != "requestId"}}
              for e in result.get("errors", [])]
    text = json.dumps(errors)
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} leaked into {text}"


async def timed(call):
    started = time.monotonic()
    result = await call
    return result, time.monotonic() - started


# -- tokens ---------------------------------------------------------------------------------


async def test_expired_token_costs_one_token_call_and_one_repeated_api_call(cache_namespace):
    async with rig(cache_namespace) as r:
        # given: a working session (one token fetched), then Noyo forgets every token
        first, second = r.group_ids()[:2]
        assert data(await r.gql(GROUP, {"id": first}))["group"]["id"] == first
        await r.reset_counts()
        await r.expire_tokens()

        # when: an uncached read (another group)
        result = await r.gql(GROUP, {"id": second})

        # then: it succeeds after exactly one 401, one new token and one repeated call
        assert data(result)["group"] == {"id": second, "name": r.world.groups[second]["name"]}
        assert await r.counts() == {TOKEN_PATH: 1, GROUPS_PATH: 2}


async def test_token_is_refreshed_before_it_expires_without_a_401(cache_namespace):
    # given: tokens living 1.6 s at Noyo; the gateway refreshes 0.8 s before expiry
    async with rig(cache_namespace, token_ttl=1.6, noyo_token_refresh_margin=0.8) as r:
        first, second = r.group_ids()[:2]
        data(await r.gql(GROUP, {"id": first}))
        assert await r.token_calls() == 1

        # when: a read after the refresh point, while the old token is still valid at Noyo
        await asyncio.sleep(1.0)
        result = await r.gql(GROUP, {"id": second})

        # then: a second token was fetched up front and the read went through at once
        assert data(result)["group"]["id"] == second
        counts = await r.counts()
        assert counts[TOKEN_PATH] == 2
        assert counts[GROUPS_PATH] == 2  # one per query: no 401 and no repeated call


async def test_concurrent_requests_on_a_cold_gateway_fetch_one_token(cache_namespace):
    async with rig(cache_namespace) as r:
        # given: a gateway that has not talked to Noyo yet, and 50 different reads
        ids = (r.group_ids() * 50)[:50]
        assert await r.token_calls() == 0

        # when: they all arrive at once
        results = await asyncio.gather(*(r.gql(GROUP, {"id": group_id}) for group_id in ids))

        # then: every one succeeds, and they shared one token
        assert [data(result)["group"]["id"] for result in results] == ids
        counts = await r.counts()
        assert counts[TOKEN_PATH] == 1
        assert counts[GROUPS_PATH] >= 1


async def test_concurrent_reads_after_token_expiry_fetch_one_new_token(cache_namespace):
    async with rig(cache_namespace) as r:
        # given: a warm session whose token Noyo then forgets
        ids = r.group_ids()
        data(await r.gql(GROUP, {"id": ids[0]}))
        await r.expire_tokens()
        await r.reset_counts()

        # when: 20 uncached reads arrive at once, all holding the refused token
        wanted = ids[1:21]
        results = await asyncio.gather(*(r.gql(GROUP, {"id": group_id}) for group_id in wanted))

        # then: all succeed on one shared new token
        assert [data(result)["group"]["id"] for result in results] == wanted
        assert await r.token_calls() == 1


@pytest.mark.parametrize(
    # the reset hits the POST only: the gateway then reads Noyo back and finds nothing was made
    "fault", [{"error_rate": 1.0, "error_status": 503}, {"reset_rate": 1.0, "method": "POST"}], ids=["503", "reset"]
)
async def test_a_transient_token_endpoint_failure_is_retried(cache_namespace, fault):
    async with rig(cache_namespace, noyo_read_max_attempts=3) as r:
        # given: a cold gateway, and Noyo's token endpoint failing once
        await r.fault("/auth/public/token", count=1, **fault)

        # when: a read, with retries to spare
        result = await r.gql(GROUP, {"id": r.group_ids()[0]})

        # then: the token fetch is tried again and the read succeeds
        assert data(result)["group"]["id"] == r.group_ids()[0]
        counts = await r.counts()
        assert (counts[TOKEN_PATH], counts[GROUPS_PATH]) == (2, 1)


async def test_a_token_endpoint_outage_is_upstream_unavailable(cache_namespace):
    async with rig(cache_namespace, noyo_read_max_attempts=2) as r:
        # given: Noyo's token endpoint answers 503 for good
        await r.fault("/auth/public/token", error_rate=1.0, error_status=503)

        # when
        result = await r.gql(GROUP, {"id": r.group_ids()[0]})

        # then: an outage, not a credentials problem; nothing reached the API
        assert result["data"] == {"group": None}
        assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
        assert_no_internals(result)
        assert GROUPS_PATH not in await r.counts()


async def test_refused_credentials_are_upstream_unauthorized_and_not_retried(cache_namespace):
    # given: a gateway with the wrong client secret, and retries to spare
    async with rig(cache_namespace, noyo_client_secret="wrong-secret", noyo_read_max_attempts=3) as r:
        # when
        result = await r.gql(GROUP, {"id": r.group_ids()[0]})

        # then: one refused token call, no API call
        assert result["data"] == {"group": None}
        assert error_codes(result) == ["UPSTREAM_UNAUTHORIZED"]
        assert_no_internals(result)
        assert await r.counts() == {TOKEN_PATH: 1}


# -- retried reads ------------------------------------------------------------------------


async def test_list_read_succeeds_through_two_injected_503s(cache_namespace):
    async with rig(cache_namespace, noyo_read_max_attempts=3) as r:
        # given: the next two group-list calls fail with 503
        await r.fault("/api/v1/groups", error_rate=1.0, error_status=503, count=2)

        # when
        result = await r.gql(GROUPS)

        # then: the third attempt's data, the list Noyo holds
        groups = nodes(data(result)["groups"])
        assert len(groups) == 5
        assert all(r.world.groups[g["id"]]["name"] == g["name"] for g in groups)
        assert (await r.counts())[GROUPS_PATH] == 3


@pytest.mark.parametrize("socket", [False, True], ids=["asgi", "socket"])
async def test_read_succeeds_through_two_connection_resets(cache_namespace, socket):
    async with rig(cache_namespace, socket=socket, noyo_read_max_attempts=3) as r:
        # given: the next two group calls break the connection mid-response
        group_id = r.group_ids()[0]
        await r.fault("/api/v1/groups", reset_rate=1.0, count=2)

        # when
        result = await r.gql(GROUP, {"id": group_id})

        # then
        assert data(result)["group"]["id"] == group_id
        assert (await r.counts())[GROUPS_PATH] == 3


async def test_retry_after_is_honoured(cache_namespace):
    # given: back-offs of at most 10 ms, but Retry-After may be honoured up to 2 s
    async with rig(cache_namespace, noyo_retry_backoff_base=0.01, noyo_retry_backoff_max=2.0) as r:
        group_id = r.group_ids()[0]
        await r.fault("/api/v1/groups", error_rate=1.0, error_status=503, retry_after=1, count=1)

        # when
        result, elapsed = await timed(r.gql(GROUP, {"id": group_id}))

        # then: the retry waited for Noyo's second, not for the back-off
        assert data(result)["group"]["id"] == group_id
        assert (await r.counts())[GROUPS_PATH] == 2
        assert elapsed >= 0.9


async def test_retry_after_is_capped_by_the_backoff_maximum(cache_namespace):
    # given: Noyo asks for a minute, the gateway waits at most 50 ms
    async with rig(cache_namespace, noyo_retry_backoff_max=0.05) as r:
        group_id = r.group_ids()[0]
        await r.fault("/api/v1/groups", error_rate=1.0, error_status=503, retry_after=60, count=1)

        # when
        result, elapsed = await timed(r.gql(GROUP, {"id": group_id}))

        # then: it did not wait Noyo's minute
        assert data(result)["group"]["id"] == group_id
        assert (await r.counts())[GROUPS_PATH] == 2
        assert elapsed < 10.0


@pytest.mark.parametrize("attempts", [1, 3])
async def test_exhausted_retries_are_upstream_unavailable(cache_namespace, attempts):
    async with rig(cache_namespace, noyo_read_max_attempts=attempts) as r:
        # given: Noyo answers every group call with 503
        await r.fault("/api/v1/groups", error_rate=1.0, error_status=503)

        # when
        result = await r.gql(GROUP, {"id": r.group_ids()[0]})

        # then: a null field, one coded error without internals, and exactly `attempts` calls
        assert result["data"] == {"group": None}
        assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
        assert result["errors"][0]["path"] == ["group"]
        assert_no_internals(result)
        assert (await r.counts())[GROUPS_PATH] == attempts


# -- writes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    # the reset hits the POST only: the gateway then reads Noyo back and finds nothing was made
    "fault", [{"error_rate": 1.0, "error_status": 503}, {"reset_rate": 1.0, "method": "POST"}], ids=["503", "reset"]
)
async def test_writes_are_never_retried(cache_namespace, fault):
    # given: reads would be retried 4 times; Noyo fails disconnection requests
    async with rig(cache_namespace, noyo_read_max_attempts=4) as r:
        group_id, carrier_id = connected_pairs(r.emulator)[0]
        before = set(r.world.disconnections)
        await r.fault("/api/v1/group_disconnection_requests", **fault)
        end = (r.world.today + dt.timedelta(days=30)).isoformat()

        # when
        result = await r.gql(REQUEST, {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}})

        # then: a payload error, exactly one POST, and nothing created at Noyo
        payload = data(result)["createDisconnectionRequest"]
        assert payload["disconnectionRequest"] is None
        assert [e["code"] for e in payload["errors"]] == ["UPSTREAM_UNAVAILABLE"]
        assert_no_internals({"errors": payload["errors"]})
        assert (await r.counts())[CREATE_PATH] == 1
        assert set(r.world.disconnections) == before


async def test_a_write_refused_for_an_expired_token_is_sent_again_once(cache_namespace):
    async with rig(cache_namespace) as r:
        # given: a warm session whose token Noyo then forgets
        group_id, carrier_id = connected_pairs(r.emulator)[0]
        data(await r.gql(GROUP, {"id": group_id}))
        await r.expire_tokens()
        await r.reset_counts()
        end = (r.world.today + dt.timedelta(days=30)).isoformat()

        # when
        result = await r.gql(REQUEST, {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}})

        # then: the 401 changed nothing at Noyo, so the POST was repeated once with a new token
        payload = data(result)["createDisconnectionRequest"]
        assert payload["errors"] == []
        created = payload["disconnectionRequest"]["id"]
        assert r.world.disconnections[created]["group_id"] == group_id
        counts = await r.counts()
        assert (counts[TOKEN_PATH], counts[CREATE_PATH]) == (1, 2)


# -- timeouts -----------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["aiohttp", "httpcore"])
async def test_slow_upstream_hits_the_read_timeout(cache_namespace, transport):
    # given: a real socket (so the read timeout applies) on each transport, 0.2 s to read, two
    # attempts, and Noyo taking 1.5 s on every group call
    async with rig(cache_namespace, socket=True, noyo_read_timeout=0.2, noyo_read_max_attempts=2,
                   noyo_http_transport=transport) as r:
        await r.fault("/api/v1/groups", latency_ms=1500)

        # when
        result, elapsed = await timed(r.gql(GROUP, {"id": r.group_ids()[0]}))

        # then: both attempts were cut at the read timeout, well before Noyo would answer
        assert result["data"] == {"group": None}
        assert error_codes(result) == ["UPSTREAM_TIMEOUT"]
        assert_no_internals(result)
        assert (await r.counts())[GROUPS_PATH] == 2
        assert elapsed < 1.5  # both attempts together took less than one of Noyo's answers


async def test_slow_upstream_hits_the_overall_deadline(cache_namespace):
    # given: retries left, but a 0.3 s deadline per upstream call and Noyo taking 2 s
    async with rig(cache_namespace, noyo_total_timeout=0.3, noyo_read_max_attempts=3) as r:
        await r.fault("/api/v1/groups", latency_ms=2000)

        # when
        result, elapsed = await timed(r.gql(GROUP, {"id": r.group_ids()[0]}))

        # then: the deadline ends the call during its first attempt
        assert result["data"] == {"group": None}
        assert error_codes(result) == ["UPSTREAM_TIMEOUT"]
        assert (await r.counts())[GROUPS_PATH] == 1
        assert elapsed < 2.0  # less than Noyo's answer: the deadline cut it


# -- partial failure ------------------------------------------------------------------------


async def test_a_failing_root_field_leaves_the_other_one_intact(cache_namespace):
    async with rig(cache_namespace, noyo_read_max_attempts=2) as r:
        # given: carriers fail for good, groups do not
        group_id, carrier_id = r.group_ids()[0], r.carrier_ids()[0]
        await r.fault("/api/v1/carriers*", error_rate=1.0, error_status=503)

        # when: one operation reads both
        result = await r.gql(GROUP_AND_CARRIER, {"g": group_id, "c": carrier_id})

        # then: the group is there, the carrier is null with the only error on its path
        assert result["data"] == {
            "group": {"id": group_id, "name": r.world.groups[group_id]["name"]},
            "carrier": None,
        }
        assert [(e["path"], e["extensions"]["code"]) for e in result["errors"]] == [
            (["carrier"], "UPSTREAM_UNAVAILABLE")
        ]
        counts = await r.counts()
        assert (counts[GROUPS_PATH], counts[CARRIERS_PATH]) == (1, 2)
