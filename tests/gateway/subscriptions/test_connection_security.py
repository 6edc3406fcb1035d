"""WebSocket connections: credentials in connection_init, origins, limits, pings, token expiry."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus


from .conftest import API_KEY
from .support import GraphQLWS, jwt_payload

pytestmark = pytest.mark.redis

QUEUE = "subscription { reviewQueueChanged { movement request { id } } }"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="no-credentials"),
        pytest.param({"authorization": "Bearer not-a-jwt"}, id="garbage-token"),
        pytest.param(jwt_payload(exp_in=-5), id="expired-token"),
        pytest.param(jwt_payload(secret="someone-elses-secret-0123456789abcdef"), id="forged-token"),
        pytest.param({"x-api-key": "wrong-key"}, id="wrong-api-key"),
        pytest.param({"authorization": 42}, id="not-a-string"),
    ],
)
async def test_connection_init_without_valid_credentials_is_refused(replicas, payload):
    async with replicas(count=1) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        # when: the client initialises with bad or no credentials
        await ws.send({"type": "connection_init", "payload": payload})

        # then: no ack; the server closes with 4403 Forbidden, and a subscribe never runs
        assert await ws.closed() == (4403, "Forbidden")
        assert await gateway.open_subscriptions("reviewQueueChanged") == 0


async def test_subscribe_before_connection_init_is_refused(replicas):
    async with replicas(count=1) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        await ws.subscribe(QUEUE)
        assert await ws.closed() == (4401, "Unauthorized")


@pytest.mark.parametrize(
    "payload",
    [  # built when the test runs: a JWT minted at collection could expire (5 minutes) before a long suite gets here
        pytest.param(lambda: {"x-api-key": API_KEY}, id="x-api-key"),
        pytest.param(lambda: {"Authorization": f"ApiKey {API_KEY}"}, id="apikey-scheme"),
        pytest.param(lambda: jwt_payload(role="viewer"), id="jwt"),
    ],
)
async def test_credentials_accepted_over_http_open_a_connection(replicas, payload):
    async with replicas(count=1) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        assert (await ws.init(payload()))["type"] == "connection_ack"
        await ws.subscribe(QUEUE)
        await gateway.until_subscribed("reviewQueueChanged")


async def test_a_connection_is_closed_when_its_token_expires(replicas):
    async with replicas(count=1) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        # given: a connection opened with a token that expires in 2 seconds, running a subscription
        assert (await ws.init(jwt_payload(exp_in=2)))["type"] == "connection_ack"
        await ws.subscribe(QUEUE)
        await gateway.until_subscribed("reviewQueueChanged")

        # then: the server closes it with 4401 once the token expired, with no message before the
        # close (a ``complete`` first would end the client's subscription without saying why),
        # and the subscription ends
        with pytest.raises(ConnectionClosed):
            await ws.next_message(timeout=6)
        assert (ws.connection.close_code, ws.connection.close_reason) == (4401, "Token expired")
        async with asyncio.timeout(5):
            while await gateway.open_subscriptions("reviewQueueChanged"):
                await asyncio.sleep(0.05)


async def test_websocket_upgrades_from_origins_not_allowed_are_refused(replicas):
    async with replicas(count=1, gateway_ws_allowed_origins="https://portal.example.com") as (gateway,):
        # a page on another site is refused at the handshake
        with pytest.raises(InvalidStatus) as refused:
            async with GraphQLWS.open(gateway.url, origin="https://evil.example.net"):
                pass
        assert refused.value.response.status_code == 403

        # the allowed origin, the gateway's own origin and clients without Origin get in
        for origin in ("https://portal.example.com", gateway.url, None):
            async with GraphQLWS.open(gateway.url, origin=origin) as ws:
                assert (await ws.init(jwt_payload()))["type"] == "connection_ack"


async def test_a_connection_runs_at_most_the_configured_number_of_subscriptions(replicas):
    async with replicas(count=1, gateway_ws_max_subscriptions=2) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload())
        await ws.subscribe(QUEUE, id="1")
        await ws.subscribe(QUEUE, id="2")
        await gateway.until_subscribed("reviewQueueChanged", 2)

        # when: a third one is asked for
        await ws.subscribe(QUEUE, id="3")

        # then: it is refused with a typed error, and the connection stays usable
        refusal = await ws.next_message()
        assert refusal["type"] == "error" and refusal["id"] == "3"
        assert refusal["payload"][0]["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "max": 2}

        # and: once one completes, another may start
        await ws.send({"id": "1", "type": "complete"})
        async with asyncio.timeout(5):
            while await gateway.open_subscriptions("reviewQueueChanged") > 1:
                await asyncio.sleep(0.02)
        await ws.subscribe(QUEUE, id="4")
        await gateway.until_subscribed("reviewQueueChanged", 2)


async def test_queries_and_mutations_are_refused_over_websocket(replicas):
    async with replicas(count=1) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload(role="admin"))
        await ws.subscribe("{ groups(first: 1) { totalCount } }")
        refusal = await ws.next_message()
        assert refusal["type"] == "error"
        assert refusal["payload"][0]["extensions"]["code"] == "OPERATION_NOT_SUPPORTED"


async def test_operation_limits_apply_to_subscription_documents(replicas):
    deep = """subscription { groupStatusChanged { status {
      disconnectionRequest { group { status { carrier { id } } } } } } }"""
    async with replicas(count=1, gateway_max_depth=4) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload())
        await ws.subscribe(deep)
        refusal = await ws.next_message()
        assert refusal["type"] == "error", refusal
        assert [e["extensions"]["code"] for e in refusal["payload"]] == ["QUERY_TOO_DEEP"]
        assert await gateway.open_subscriptions("groupStatusChanged") == 0


async def test_the_server_sends_keep_alive_pings(replicas):
    async with replicas(count=1, gateway_ws_keepalive_interval=0.1) as (gateway,), GraphQLWS.open(gateway.url) as ws:
        await ws.init(jwt_payload())
        await ws.no_message(within=0.6)  # answers pings meanwhile
        assert ws.pings >= 3


async def test_a_connection_that_never_initialises_is_closed(replicas):
    async with replicas(count=1, gateway_ws_connection_init_timeout=0.3) as (gateway,), GraphQLWS.open(
        gateway.url
    ) as ws:
        assert await ws.closed(timeout=3) == (4408, "Connection initialisation timeout")
