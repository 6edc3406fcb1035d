"""Upstream failures, masking and stale-if-error, seen by a GraphQL client."""

from __future__ import annotations

import json

from graphql import GraphQLError

from gateway.schema.errors import format_error

from .support import data, error_codes, world

GROUP = "query($id: ID!) { group(id: $id) { id: noyoId name } }"


async def _fail(hooks, path: str, status: int = 503) -> None:
    response = await hooks.post("/__emulator/faults", json={"path": path, "error_rate": 1.0, "error_status": status})
    assert response.status_code == 200, response.text


async def test_upstream_503_is_upstream_unavailable_without_internals(gql, hooks, emulator_app):
    # given: Noyo answers 503 to group reads
    group_id = next(iter(world(emulator_app).groups))
    await _fail(hooks, "/api/v1/groups*")

    # when
    result = await gql(GROUP, {"id": group_id}, headers={"x-request-id": "req-123"})

    # then: a null field and one coded error, nothing from upstream in it
    assert result["data"] == {"group": None}
    assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
    assert result["errors"][0]["path"] == ["group"]
    assert result["errors"][0]["extensions"]["requestId"] == "req-123"
    text = json.dumps(result)
    for leak in ("noyo.test", "/api/v1", "503", "Traceback", "Noyo returned", "httpx"):
        assert leak not in text


async def test_rate_limit_and_server_errors_have_their_own_codes(gql, hooks, emulator_app):
    group_id = next(iter(world(emulator_app).groups))
    await _fail(hooks, "/api/v1/groups*", status=429)
    assert error_codes(await gql(GROUP, {"id": group_id})) == ["UPSTREAM_RATE_LIMITED"]
    await hooks.post("/__emulator/faults", json={})
    await _fail(hooks, "/api/v1/groups*", status=500)
    assert error_codes(await gql(GROUP, {"id": group_id})) == ["UPSTREAM_ERROR"]


async def test_a_failing_nested_field_keeps_the_rest_of_the_response(gql, hooks, emulator_app):
    # given: carriers fail, disconnection requests and groups do not
    await _fail(hooks, "/api/v1/carriers*")

    # when
    result = await gql("{ reviewQueue(first: 3) { edges { node { id: noyoId group { name } carrier { id } } } } }")

    # then: each carrier field is null with an error; groups are there
    edges = result["data"]["reviewQueue"]["edges"]
    assert len(edges) == 3
    assert all(e["node"]["group"]["name"] and e["node"]["carrier"] is None for e in edges)
    assert set(error_codes(result)) == {"UPSTREAM_UNAVAILABLE"}


async def test_stale_data_is_served_and_reported_when_noyo_fails_after_the_ttl(gql, gateway, hooks, emulator_app, clock):
    # given: a group read once (cache warm), on a clock the test controls
    gateway.state.services.cache.clock = clock
    group_id = next(iter(world(emulator_app).groups))
    fresh = data(await gql(GROUP, {"id": group_id}))
    clock.advance(gateway.state.settings.gateway_cache_ttl_groups + 5)

    # when: Noyo fails after the TTL
    await _fail(hooks, "/api/v1/groups*")
    result = await gql(GROUP, {"id": group_id})

    # then: the stale group is served and flagged in the extensions
    assert data(result) == fresh
    stale = result["extensions"]["stale"]
    assert stale == [{"resource": "group", "id": group_id, "ageSeconds": gateway.state.settings.gateway_cache_ttl_groups + 5}]


async def test_without_a_stale_entry_the_failure_surfaces(gql, gateway, hooks, emulator_app, clock):
    # given: a cache entry past its stale window
    gateway.state.services.cache.clock = clock
    group_id = next(iter(world(emulator_app).groups))
    data(await gql(GROUP, {"id": group_id}))
    settings = gateway.state.settings
    clock.advance(settings.gateway_cache_ttl_groups + settings.gateway_stale_if_error_seconds + 1)

    # when
    await _fail(hooks, "/api/v1/groups*")
    result = await gql(GROUP, {"id": group_id})

    # then
    assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
    assert "stale" not in (result.get("extensions") or {})


def test_unexpected_exceptions_are_masked_with_the_request_id():
    # given: an error raised by a bug, carrying internals in its message
    error = GraphQLError("boom", original_error=KeyError("secret internals"), path=["group"])

    # when
    formatted = format_error(error, "req-9")

    # then
    assert formatted.message == "Internal server error. Request id: req-9."
    assert formatted.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-9"}
    assert formatted.path == ["group"]


async def test_validation_errors_are_coded(gql):
    result = await gql("{ group { id } }")
    assert error_codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
