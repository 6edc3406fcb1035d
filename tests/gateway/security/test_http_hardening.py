"""The HTTP surface: CSRF-proof POSTs, no GET mutations, production mode, persisted operations."""

from __future__ import annotations

import hashlib
import json

import pytest

from .support import bearer, codes, post, upstream_calls

MUTATION = 'mutation { rejectDisconnectionRequest(id: "%s") { errors { code } } }'


@pytest.fixture
def auth(token) -> dict[str, str]:
    return bearer(token(role="admin"))


def review_request(emulator_app) -> str:
    state = emulator_app.state.emulator
    return sorted(r["id"] for r in state.disconnections.values() if r["status"] == "needs_review")[0]


async def test_mutation_over_get_is_refused(client, auth, hooks, emulator_app):
    request_id = review_request(emulator_app)
    await hooks.delete("/__emulator/requests")
    response = await client.get("/graphql", params={"query": MUTATION % request_id}, headers=auth)
    assert response.status_code in (400, 405)
    assert await upstream_calls(hooks) == {}
    assert emulator_app.state.emulator.disconnections[request_id]["status"] == "needs_review"


async def test_query_over_get_still_works(client, auth):
    response = await client.get("/graphql", params={"query": "{ carriers { id } }"}, headers=auth)
    assert response.status_code == 200 and response.json()["data"]["carriers"]


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"],
)
async def test_browser_form_posts_cannot_carry_an_operation(client, auth, hooks, emulator_app, content_type):
    # given: what a cross-site form (or a no-preflight fetch) can send
    request_id = review_request(emulator_app)
    await hooks.delete("/__emulator/requests")
    body = json.dumps({"query": MUTATION % request_id})
    response = await client.post("/graphql", content=body, headers={**auth, "Content-Type": content_type})

    # then: 415, nothing done
    assert response.status_code == 415
    assert codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    assert await upstream_calls(hooks) == {}


async def test_extra_csrf_header_can_be_required(secure, auth):
    async with secure(gateway_csrf_header="X-Requested-With") as client:
        assert (await post(client, "{ carriers { id } }", headers=auth)).status_code == 400
        ok = await post(client, "{ carriers { id } }", headers={**auth, "X-Requested-With": "app"})
        assert ok.status_code == 200


async def test_development_offers_graphiql_and_suggestions(client, auth):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    body = (await post(client, "{ carrierz { id } }", headers=auth)).json()
    assert "Did you mean" in body["errors"][0]["message"]


async def test_production_turns_off_introspection_graphiql_and_suggestions(secure, auth):
    async with secure(gateway_env="production") as client:
        # introspection refused
        body = (await post(client, "{ __schema { types { name } } }", headers=auth)).json()
        assert body["data"] is None and "introspection" in body["errors"][0]["message"].lower()
        # no GraphiQL page
        assert (await client.get("/graphql", headers={"Accept": "text/html"})).status_code == 404
        # no "Did you mean" on unknown fields, arguments or enum values
        for query in ("{ carrierz { id } }", "{ groups(frist: 1) { totalCount } }",
                      "{ memberSnapshots(status: COMPLETE) { totalCount } }"):
            message = (await post(client, query, headers=auth)).json()["errors"][0]["message"]
            assert "Did you mean" not in message and message


async def test_automatic_persisted_queries(client, auth, hooks):
    query = "{ carriers { id } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    # when: the hash alone is sent first -> not found; then hash + query -> stored and run
    miss = (await client.post("/graphql", json={"extensions": extensions}, headers=auth)).json()
    assert codes(miss) == ["PERSISTED_QUERY_NOT_FOUND"]
    full = (await client.post("/graphql", json={"query": query, "extensions": extensions}, headers=auth)).json()
    assert full["data"]["carriers"]

    # then: the hash alone now runs it
    hit = (await client.post("/graphql", json={"extensions": extensions}, headers=auth)).json()
    assert hit["data"] == full["data"]
    # and: a query that does not match its hash is refused
    wrong = {"query": "{ groups { totalCount } }", "extensions": extensions}
    assert codes((await client.post("/graphql", json=wrong, headers=auth)).json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]


async def test_trusted_documents_only(secure, auth, tmp_path, hooks):
    # given: an allowlist of one document
    allowed = "{ carriers { id } }"
    digest = hashlib.sha256(allowed.encode()).hexdigest()
    path = tmp_path / "trusted.json"
    path.write_text(json.dumps({digest: allowed}))

    async with secure(gateway_trusted_documents=str(path)) as client:
        # then: by documentId or persistedQuery hash it runs; anything else is refused unparsed
        by_id = (await client.post("/graphql", json={"documentId": f"sha256:{digest}"}, headers=auth)).json()
        assert by_id["data"]["carriers"]
        await hooks.delete("/__emulator/requests")
        other = (await post(client, "{ groups { totalCount } }", headers=auth)).json()
        assert codes(other) == ["PERSISTED_QUERY_NOT_ALLOWED"]
        unknown = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
        assert codes((await client.post("/graphql", json=unknown, headers=auth)).json()) == [
            "PERSISTED_QUERY_NOT_ALLOWED"
        ]
        assert await upstream_calls(hooks) == {}
