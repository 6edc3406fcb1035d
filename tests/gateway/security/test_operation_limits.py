"""What one operation may cost: depth, aliases, tokens, cost, batching, body size, time."""

from __future__ import annotations

import time

import pytest

from .support import bearer, codes, post, upstream_calls


@pytest.fixture
def auth(token) -> dict[str, str]:
    return bearer(token(role="admin"))


def nested(depth: int) -> str:
    """disconnectionRequest -> group -> disconnectionRequests -> group -> ... ``depth`` levels."""
    inner = "id"
    for level in range(depth - 2):
        inner = f"group {{ {inner} }}" if level % 2 == 0 else f"disconnectionRequests {{ nodes {{ {inner} }} }}"
    return f'{{ disconnectionRequest(id: "00000000-0000-0000-0000-000000000000") {{ {inner} }} }}'


async def test_depth_bomb_is_refused_before_any_upstream_call(client, auth, hooks):
    await hooks.delete("/__emulator/requests")
    body = (await post(client, nested(40), headers=auth)).json()
    assert "QUERY_TOO_DEEP" in codes(body)
    assert body["data"] is None
    assert await upstream_calls(hooks) == {}


async def test_depth_limit_is_configurable(secure, auth):
    async with secure(gateway_max_depth=3) as client:
        assert codes((await post(client, nested(4), headers=auth)).json()) == ["QUERY_TOO_DEEP"]
        assert "QUERY_TOO_DEEP" not in codes((await post(client, nested(3), headers=auth)).json())


async def test_alias_bomb_is_refused(client, auth, hooks):
    await hooks.delete("/__emulator/requests")
    query = "{ " + " ".join(f"c{i}: carriers {{ id }}" for i in range(200)) + " }"
    body = (await post(client, query, headers=auth)).json()
    assert "TOO_MANY_ALIASES" in codes(body)
    assert await upstream_calls(hooks) == {}


async def test_aliases_multiplied_through_fragments_are_counted(client, auth, hooks):
    # given: 8 aliases in a fragment, spread under 5 aliased fields: 45 aliases in all (limit 30),
    # though the document only spells 13
    query = """
    fragment Many on Group { a1: id a2: id a3: id a4: id a5: id a6: id a7: id a8: id }
    query { %s }
    """ % " ".join(f'g{i}: group(id: "00000000-0000-0000-0000-00000000000{i}") {{ ...Many }}' for i in range(5))
    await hooks.delete("/__emulator/requests")
    body = (await post(client, query, headers=auth)).json()
    assert "TOO_MANY_ALIASES" in codes(body)
    assert "45 aliases" in body["errors"][0]["message"]
    assert await upstream_calls(hooks) == {}


async def test_exponential_fragment_chain_is_analysed_quickly(client, auth):
    # given: fragments each spreading the previous one twice (2^40 paths when re-walked per spread)
    fragments = ['fragment F0 on Query { c: carriers { id } }']
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 41)]
    query = "query { ...F40 }\n" + "\n".join(fragments)

    # then: it is answered in seconds at most (a re-walk per spread would take hours), as the single field it is
    started = time.monotonic()
    body = (await post(client, query, headers=auth)).json()
    assert time.monotonic() - started < 10
    assert "errors" not in body, body
    assert body["extensions"]["cost"] == 1 + 20 * 1


async def test_token_flood_is_refused(client, auth, hooks):
    await hooks.delete("/__emulator/requests")
    query = "{ carriers { " + "id " * 5000 + "} }"
    body = (await post(client, query, headers=auth)).json()
    assert body["data"] is None
    assert "tokens" in body["errors"][0]["message"]
    assert await upstream_calls(hooks) == {}


async def test_over_cost_query_is_refused_before_any_upstream_call(client, auth, hooks):
    # given: 100 groups x 100 snapshots each x their carriers
    query = """{ groups(first: 100) { edges { node { id
      memberSnapshots(first: 100) { edges { node { id: noyoId fulfillment { carrier { id: noyoId } } } } } } } } }"""
    await hooks.delete("/__emulator/requests")
    body = (await post(client, query, headers=auth)).json()

    # then: refused with its cost, and Noyo heard nothing
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    error = body["errors"][0]["extensions"]
    assert error["cost"] > error["maxCost"] == 5000
    assert body["extensions"]["cost"] == error["cost"]
    assert await upstream_calls(hooks) == {}


async def test_cost_is_reported_and_scales_with_first(client, auth):
    query = "query($n: Int) { groups(first: $n) { totalCount edges { node { id name } } } }"
    five = (await post(client, query, {"n": 5}, headers=auth)).json()
    ten = (await post(client, query, {"n": 10}, headers=auth)).json()
    assert "errors" not in five and "errors" not in ten
    # one for `groups`, then `first` times the cost of one page item
    assert ten["extensions"]["cost"] - 1 == 2 * (five["extensions"]["cost"] - 1)


async def test_json_array_batching_is_off_by_default(client, auth):
    response = await client.post("/graphql", json=[{"query": "{ carriers { id } }"}] * 2, headers=auth)
    assert response.status_code == 400


async def test_batching_can_be_enabled_with_a_ceiling(secure, auth):
    async with secure(gateway_batching_max_operations=2) as client:
        ok = await client.post("/graphql", json=[{"query": "{ carriers { id } }"}] * 2, headers=auth)
        assert ok.status_code == 200 and len(ok.json()) == 2
        too_many = await client.post("/graphql", json=[{"query": "{ carriers { id } }"}] * 3, headers=auth)
        assert too_many.status_code == 400


async def test_oversized_body_is_refused(secure, auth, hooks):
    async with secure(gateway_max_body_bytes=2048) as client:
        await hooks.delete("/__emulator/requests")
        padding = " " * 4096
        response = await post(client, "{ carriers { id } }" + padding, headers=auth)
        assert response.status_code == 413
        assert codes(response.json()) == ["PAYLOAD_TOO_LARGE"]

        # and: a chunked body without Content-Length is cut off as well
        async def chunks():
            yield b'{"query": "{ carriers { id: noyoId } }", "pad": "'
            for _ in range(10):
                yield b"x" * 1024
            yield b'"}'

        chunked = await client.post(
            "/graphql", content=chunks(), headers={**auth, "Content-Type": "application/json"}
        )
        assert chunked.status_code == 413
        assert await upstream_calls(hooks) == {}


async def test_slow_request_times_out_with_a_clear_error(secure, auth, hooks):
    # given: Noyo answering carriers after 2 s, and a 0.3 s request budget
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers*", "latency_ms": 2000})
    async with secure(gateway_request_timeout=0.3) as client:
        started = time.monotonic()
        response = await post(client, "{ carriers { id } }", headers=auth)
    assert time.monotonic() - started < 2.0  # cut before Noyo's answer: it never waited for it
    assert response.status_code == 504
    body = response.json()
    assert codes(body) == ["TIMEOUT"]
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]
