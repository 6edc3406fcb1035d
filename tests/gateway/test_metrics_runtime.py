"""GET /metrics: the process and Python collectors, and token fetches against Noyo's token endpoint."""

from __future__ import annotations

from .test_metrics import CARRIER, a_carrier_id, fail_upstream, scrape, total


async def test_the_exposition_carries_process_and_python_collectors(gateway_client):
    # when: a fresh gateway is scraped
    _, samples = await scrape(gateway_client)

    # then: the standard process and Python families are there, with live values
    names = {name for name, _, _ in samples}
    assert {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds"} <= names
    assert total(samples, "process_resident_memory_bytes") > 0
    assert any(n == "python_info" and labels.get("implementation") for n, labels, _ in samples)
    assert "python_gc_collections_total" in names


async def test_one_token_fetch_serves_many_operations(gateway_client, gql, emulator_app, upstream_counts):
    # given: a fresh gateway (no token yet)
    _, before = await scrape(gateway_client)
    assert total(before, "noyo_gateway_token_fetches_total") == 0

    # when: two operations reach Noyo
    first = await gql(CARRIER, {"id": a_carrier_id(emulator_app)})
    second = await gql("{ carriers { id } }")
    assert "errors" not in first and "errors" not in second, (first, second)
    assert sum((await upstream_counts()).values()) >= 2  # two upstream calls, one token

    # then: one token fetch, outcome 200, timed
    _, after = await scrape(gateway_client)
    assert total(after, "noyo_gateway_token_fetches_total", outcome="200") == 1
    assert total(after, "noyo_gateway_token_fetches_total") == 1
    assert total(after, "noyo_gateway_token_fetch_seconds_count") == 1


async def test_a_failing_token_endpoint_is_counted_by_status(gateway_client, gql, hooks, emulator_app):
    # given: the token endpoint answers 503
    await fail_upstream(hooks, "/auth/public/token")

    # when: an operation needs a token
    result = await gql(CARRIER, {"id": a_carrier_id(emulator_app)})

    # then: the operation fails and the failed fetch is counted with its status, none as 200
    assert result.get("errors")
    _, samples = await scrape(gateway_client)
    assert total(samples, "noyo_gateway_token_fetches_total", outcome="503") >= 1
    assert total(samples, "noyo_gateway_token_fetches_total", outcome="200") == 0
