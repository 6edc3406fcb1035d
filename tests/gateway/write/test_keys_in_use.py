"""A keyed write that finds its key held by another request in flight answers
``IDEMPOTENCY_KEY_IN_USE`` within ``GATEWAY_IDEMPOTENCY_LOCK_WAIT``, instead of waiting out its
request timeout; a retry after the first one finished replays it."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.gateway.conftest import make_gateway_settings

from .support import connected_pairs, today

PATH = "/api/v1/group_disconnection_requests"
REQUEST = """mutation($input: CreateDisconnectionRequestInput!, $key: String) {
  createDisconnectionRequest(input: $input, idempotencyKey: $key) {
    disconnectionRequest { id: noyoId } errors { code field } } }"""


@pytest.fixture
def gateway_settings(cache_namespace):
    return make_gateway_settings(cache_namespace, gateway_idempotency_lock_wait=0.3)


async def test_a_second_request_with_a_held_key_answers_in_use_and_a_later_retry_replays_the_first(
    gql, hooks, emulator_app, upstream_counts
):
    # given a keyed request in flight, its upstream POST answering after 1.5 s
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    end = (today(emulator_app) + dt.timedelta(days=30)).isoformat()
    variables = {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": end}, "key": "held-1"}
    answer = await hooks.post("/__emulator/faults", json={"path": PATH, "method": "POST", "latency_ms": 1500, "count": 1})
    assert answer.status_code == 200
    await upstream_counts(reset=True)
    first = asyncio.create_task(gql(REQUEST, variables))
    await asyncio.sleep(0.1)
    # when the same key is sent again meanwhile
    second = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]
    # then it is refused with a typed, retryable error naming the key, while the first is still running
    assert not first.done()
    assert second == {"disconnectionRequest": None,
                      "errors": [{"code": "IDEMPOTENCY_KEY_IN_USE", "field": ["idempotencyKey"]}]}
    made = (await first)["data"]["createDisconnectionRequest"]
    assert made["errors"] == [] and made["disconnectionRequest"]["id"]
    # and a retry once the first answered replays it: one request made upstream
    retry = (await gql(REQUEST, variables))["data"]["createDisconnectionRequest"]
    assert retry == made
    assert (await upstream_counts()).get(f"POST {PATH}") == 1
