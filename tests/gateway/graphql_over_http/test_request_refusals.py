"""Requests refused before they are a GraphQL operation answer as GraphQL responses (JSON
``errors`` with a ``code``), with their HTTP status, in the negotiated media type: a client
(GraphiQL included) can show the reason instead of failing to parse plain text."""

from __future__ import annotations

import pytest

from gateway.graphql_http import GRAPHQL_RESPONSE, JSON
from tests.gateway.conftest import make_gateway_settings, running_gateway

UNKNOWN_NAME = {"query": "query A { carriers { id } }", "operationName": "B"}


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"json": UNKNOWN_NAME}, 'Unknown operation named "B"'),
        ({"json": [{"query": "{ carriers { id } }"}]}, "Batching is not enabled"),
        ({"content": b"{not json", "headers": {"content-type": JSON}}, "Unable to parse request body as JSON"),
    ],
)
async def test_a_request_refused_before_execution_is_a_json_graphql_error(
    gateway_client, hooks, kwargs, reason, accept
):
    # given a request that never becomes an operation
    await hooks.delete("/__emulator/requests")
    kwargs = dict(kwargs)
    headers = {**kwargs.pop("headers", {}), "accept": accept}
    # when it is sent
    response = await gateway_client.post("/graphql", headers=headers, **kwargs)
    # then it is a 400 whose body is a GraphQL response naming the reason, typed BAD_REQUEST
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(accept)
    body = response.json()
    assert set(body) == {"errors"}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_REQUEST"]
    assert reason in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]
    # and nothing reached Noyo
    counts = (await hooks.get("/__emulator/requests")).json()
    assert not any("/api/v1/" in key for key in counts)


async def test_the_same_refusal_is_json_with_the_response_cache_off(cache_namespace, emulator_app):
    settings = make_gateway_settings(cache_namespace, gateway_response_cache_enabled=False)
    async with running_gateway(settings, emulator_app) as (_, client):
        response = await client.post("/graphql", json=UNKNOWN_NAME)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
