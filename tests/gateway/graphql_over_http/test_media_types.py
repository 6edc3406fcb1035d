"""``application/graphql-response+json``: negotiated from Accept, with the specification's status codes."""

from __future__ import annotations

import pytest

from gateway.graphql_http import GRAPHQL_RESPONSE, JSON, is_request_error, response_media_type
from tests.gateway.test_metrics import a_carrier_id, fail_upstream

CARRIER = "query Carrier($id: ID!) { carrier(id: $id) { id displayName } }"
BOTH = f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (BOTH, GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE};q=0", JSON),
        (f"application/*;q=0.2, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        ("text/html, application/GRAPHQL-RESPONSE+JSON", GRAPHQL_RESPONSE),
    ],
)
def test_the_response_media_type_follows_accept(accept, expected):
    assert response_media_type(accept) == expected


def test_request_errors_are_those_that_executed_nothing():
    assert is_request_error({"data": None, "errors": [{"message": "Syntax Error"}]})
    assert is_request_error({"errors": [{"message": "Variable '$id' got invalid value"}]})
    # a field error has a path: the operation executed
    assert not is_request_error({"data": None, "errors": [{"message": "boom", "path": ["carrier"]}]})
    assert not is_request_error({"data": {"carrier": None}, "errors": [{"message": "x"}]})
    assert not is_request_error({"data": {"carrier": {"id": "1"}}})


async def post(gateway_client, body, accept):
    headers = {"accept": accept} if accept else {}
    return await gateway_client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ carrier(id: "},  # does not parse
        {"query": "{ nope }"},  # does not validate
        {"query": CARRIER, "variables": {"id": {"not": "an id"}}},  # variable coercion
    ],
    ids=["parse", "validation", "coercion"],
)
async def test_request_errors_are_400_without_data_for_graphql_response_json(gateway_client, body):
    response = await post(gateway_client, body, BOTH)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    payload = response.json()
    assert "data" not in payload and payload["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize("accept", [None, JSON], ids=["no-accept", "json"])
async def test_legacy_clients_keep_200_and_a_null_data_entry(gateway_client, accept):
    response = await post(gateway_client, {"query": "{ nope }"}, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON)
    assert response.json()["data"] is None


async def test_a_field_error_during_execution_stays_200_with_its_data(gateway_client, hooks, emulator_app):
    # given: Noyo fails the carrier read; the query executes and reports a field error
    await fail_upstream(hooks, "/api/v1/carriers*")
    response = await post(gateway_client, {"query": CARRIER, "variables": {"id": a_carrier_id(emulator_app)}},
                          GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    payload = response.json()
    assert "data" in payload and payload["errors"][0]["path"] == ["carrier"]


async def test_a_success_answered_from_the_response_cache_keeps_the_media_type(gateway_client, emulator_app):
    body = {"query": CARRIER, "variables": {"id": a_carrier_id(emulator_app)}}
    first = await post(gateway_client, body, GRAPHQL_RESPONSE)
    second = await post(gateway_client, body, GRAPHQL_RESPONSE)
    legacy = await post(gateway_client, body, JSON)
    assert first.status_code == second.status_code == 200
    assert second.headers.get("x-response-cache") == "hit"
    assert second.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert legacy.headers["content-type"].startswith(JSON)
    assert second.json()["data"] == first.json()["data"]
