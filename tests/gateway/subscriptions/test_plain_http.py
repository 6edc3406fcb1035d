"""A subscription sent as one plain HTTP request/response is refused with a typed error, before
anything runs (over Server-Sent Events and WebSockets it is served: ``test_sse``, ``test_live``)."""

from __future__ import annotations

import pytest

SUBSCRIPTION = "subscription { reviewQueueChanged { movement request { id status } } }"


@pytest.mark.parametrize(
    ("accept", "status"),
    [("application/json", 200), ("application/graphql-response+json", 400)],
)
async def test_a_subscription_over_plain_post_is_refused_with_a_typed_error(
    gateway_client, upstream_counts, accept, status
):
    # given a client that POSTs a subscription and asks for one JSON answer
    before = await upstream_counts()
    # when it is sent
    response = await gateway_client.post("/graphql", json={"query": SUBSCRIPTION}, headers={"accept": accept})
    # then it is a request error naming the way subscriptions are served, and Noyo is not asked
    body = response.json()
    assert response.status_code == status
    assert [e["extensions"]["code"] for e in body["errors"]] == ["SUBSCRIPTION_NEEDS_STREAM"]
    assert "text/event-stream" in body["errors"][0]["message"]
    assert body.get("data") is None
    assert await upstream_counts() == before


async def test_a_subscription_in_a_get_query_string_is_refused_the_same_way(gateway_client):
    response = await gateway_client.get(
        "/graphql", params={"query": SUBSCRIPTION}, headers={"accept": "application/json"}
    )
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["SUBSCRIPTION_NEEDS_STREAM"]
