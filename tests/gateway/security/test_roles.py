"""Roles: viewers read, operators decide disconnections and send snapshots, admins do all."""

from __future__ import annotations

from .support import bearer, codes, post, upstream_calls

CONFIRM = """
mutation($id: ID!) { confirmDisconnectionRequest(id: $id, effectiveEndDate: "2026-12-31") {
  disconnectionRequest { id: noyoId status } errors { code field }
} }"""


def needs_review_request(emulator_app) -> str:
    state = emulator_app.state.emulator
    return sorted(r["id"] for r in state.disconnections.values() if r["status"] == "needs_review")[0]


async def test_viewer_attempting_a_mutation_is_forbidden_before_any_upstream_call(client, token, hooks, emulator_app):
    # given: a request awaiting review, and a viewer
    request_id = needs_review_request(emulator_app)
    await hooks.delete("/__emulator/requests")

    # when: the viewer tries to confirm it
    response = await post(client, CONFIRM, {"id": request_id}, headers=bearer(token(role="viewer")))

    # then: FORBIDDEN, and Noyo heard nothing
    body = response.json()
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert await upstream_calls(hooks) == {}
    assert emulator_app.state.emulator.disconnections[request_id]["status"] == "needs_review"


async def test_viewer_may_still_query(client, token):
    response = await post(client, "{ reviewQueue(first: 5) { totalCount } }", headers=bearer(token(role="viewer")))
    assert "errors" not in response.json()


async def test_operator_may_decide_a_disconnection(client, token, hooks, emulator_app):
    # given: the same request and an operator
    request_id = needs_review_request(emulator_app)

    # when: the operator confirms it
    body = (await post(client, CONFIRM, {"id": request_id}, headers=bearer(token(role="operator")))).json()

    # then: Noyo confirmed it
    assert "errors" not in body, body
    assert body["data"]["confirmDisconnectionRequest"]["errors"] == []
    assert emulator_app.state.emulator.disconnections[request_id]["status"] == "processing"
    assert (await upstream_calls(hooks)).get("PUT /api/v1/group_disconnection_requests/{request_id}/confirm") == 1


async def test_anonymous_role_comes_from_settings(secure, emulator_app):
    # given: anonymous access as viewer (the default anonymous role)
    async with secure(gateway_allow_anonymous=True) as client:
        body = (await post(client, CONFIRM, {"id": needs_review_request(emulator_app)})).json()
    # then: anonymous viewers cannot mutate either
    assert codes(body) == ["FORBIDDEN"]


async def test_every_mutation_field_carries_the_operator_permission_class():
    # given: a schema built without the HTTP layer's operation-level check
    from gateway.schema.mutation import Mutation
    from gateway.schema.schema import DEFAULT_EXTENSIONS, build_schema
    from gateway.security.extension import SecurityExtension
    from gateway.security.permissions import IsOperator
    from gateway.security.principal import Principal

    assert all(IsOperator in f.permission_classes for f in Mutation.__strawberry_definition__.fields)

    class Context:  # only what the permission class reads; a viewer never reaches a resolver
        principal = Principal.build("viewer-1", "viewer")
        request_id = None

    # when: a viewer runs a mutation on it
    field_level_only = [e for e in DEFAULT_EXTENSIONS if e is not SecurityExtension]
    result = await build_schema(extensions=field_level_only).execute(
        'mutation { rejectDisconnectionRequest(id: "00000000-0000-0000-0000-000000000000") { errors { code } } }',
        context_value=Context(),
    )

    # then: the field's permission class refuses it as FORBIDDEN
    [error] = result.errors
    assert (error.extensions["code"], error.path) == ("FORBIDDEN", ["rejectDisconnectionRequest"])
