"""GET /metrics: Prometheus counters for upstream calls, GraphQL operations and the cache."""

from __future__ import annotations

import re
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from .conftest import make_gateway_settings, running_gateway

CARRIER = "query($id: ID!) { carrier(id: $id) { id: noyoId displayName } }"
CARRIER_ID = "query($id: ID!) { carrier(id: $id) { id: noyoId } }"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


async def scrape(client: httpx.AsyncClient) -> tuple[str, list[tuple[str, dict[str, str], float]]]:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    ]
    return response.text, samples


def total(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: Any) -> float:
    return sum(v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in labels.items()))


async def fail_upstream(hooks: httpx.AsyncClient, path: str, status: int = 503) -> None:
    """Make the emulator answer ``status`` to every call matching the ``path`` glob."""
    response = await hooks.post("/__emulator/faults", json={"path": path, "error_rate": 1.0, "error_status": status})
    assert response.status_code == 200, response.text


def a_carrier_id(emulator_app: Any) -> str:
    return next(iter(emulator_app.state.emulator.carriers))


async def test_a_query_counts_its_upstream_calls_by_template_and_the_operation_as_ok(
    gateway_client, gql, emulator_app
):
    # given: a fresh gateway; when: one query that reads a carrier from Noyo
    result = await gql(CARRIER, {"id": a_carrier_id(emulator_app)})
    assert "errors" not in result, result

    # then: the upstream counter has the carrier path template with outcome 200, no raw id
    _, samples = await scrape(gateway_client)
    upstream = [l for n, l, v in samples if n == "noyo_gateway_upstream_requests_total" and v > 0]
    carrier_calls = [l for l in upstream if l["path"].startswith("/api/v1/carriers")]
    assert carrier_calls and all(l["outcome"] == "200" and l["method"] == "GET" for l in carrier_calls)
    assert all("{" in l["path"] or l["path"] == "/api/v1/carriers" for l in carrier_calls)
    assert total(samples, "noyo_gateway_upstream_request_seconds_count", path=carrier_calls[0]["path"]) >= 1
    # and: one ok query operation, timed
    assert total(samples, "noyo_gateway_graphql_operations_total", operation_type="query", outcome="ok") == 1
    assert total(samples, "noyo_gateway_graphql_operations_total", outcome="error") == 0
    assert total(samples, "noyo_gateway_graphql_operation_seconds_count", operation_type="query") == 1


async def test_an_upstream_503_is_counted_with_its_status_and_the_operation_as_error(
    gateway_client, gql, hooks, emulator_app
):
    # given: Noyo answers 503 to every carrier read
    await fail_upstream(hooks, "/api/v1/carriers*")

    # when
    result = await gql(CARRIER, {"id": a_carrier_id(emulator_app)})

    # then: the 503 is an upstream outcome and the operation an error
    assert result.get("errors")
    _, samples = await scrape(gateway_client)
    assert total(samples, "noyo_gateway_upstream_requests_total", outcome="503") >= 1
    assert total(samples, "noyo_gateway_upstream_requests_total", outcome="200") == 0
    assert total(samples, "noyo_gateway_graphql_operations_total", operation_type="query", outcome="error") == 1
    assert total(samples, "noyo_gateway_graphql_operations_total", outcome="ok") == 0


async def test_a_warm_query_increases_cache_hits_without_new_upstream_calls(gateway_client, gql, emulator_app):
    # given: a carrier read once (cache warm)
    variables = {"id": a_carrier_id(emulator_app)}
    await gql(CARRIER, variables)
    _, before = await scrape(gateway_client)

    # when: another query on the same carrier (a different document: no whole-response hit)
    await gql(CARRIER_ID, variables)

    # then: hits went up, upstream calls did not, and both operations are counted
    _, after = await scrape(gateway_client)
    assert total(after, "noyo_gateway_cache_hits_total") > total(before, "noyo_gateway_cache_hits_total")
    assert total(before, "noyo_gateway_cache_misses_total") >= 1
    assert total(after, "noyo_gateway_upstream_requests_total") == total(before, "noyo_gateway_upstream_requests_total")
    assert total(after, "noyo_gateway_graphql_operations_total", outcome="ok") == 2


async def test_a_whole_response_hit_is_counted_as_an_operation_and_a_response_cache_hit(gateway_client, gql,
                                                                                        emulator_app):
    # given: a query answered once
    variables = {"id": a_carrier_id(emulator_app)}
    await gql(CARRIER, variables)
    _, before = await scrape(gateway_client)

    # when: the very same query again
    await gql(CARRIER, variables)

    # then: it was a response cache hit, and still counted as an operation
    _, after = await scrape(gateway_client)
    assert total(after, "noyo_gateway_response_cache_hits_total") == total(
        before, "noyo_gateway_response_cache_hits_total") + 1
    assert total(before, "noyo_gateway_response_cache_stores_total") == 1
    assert total(after, "noyo_gateway_graphql_operations_total", outcome="ok") == 2


async def test_metrics_expose_no_ids_and_need_no_credentials(cache_namespace, gql, emulator_app):
    # given: a gateway that refuses anonymous GraphQL callers
    settings = make_gateway_settings(cache_namespace, gateway_allow_anonymous=False)
    async with running_gateway(settings, emulator_app) as (_, client):
        refused = await client.post("/graphql", json={"query": CARRIER, "variables": {"id": a_carrier_id(emulator_app)}})
        assert refused.status_code in (401, 403)

        # when: /metrics is scraped without credentials
        text, _ = await scrape(client)

    # then: served, and no raw UUID anywhere (ids never become labels)
    assert "noyo_gateway_graphql_operations_total" in text
    assert not UUID.search(text)


async def test_ids_of_upstream_reads_never_reach_the_exposition(gateway_client, gql, emulator_app):
    # given: several queries by id, one of them failing validation
    for carrier_id in list(emulator_app.state.emulator.carriers)[:3]:
        await gql(CARRIER, {"id": carrier_id})
    await gql("{ carrier(id: 42) { nope } }")

    # when
    text, samples = await scrape(gateway_client)

    # then: no UUID leaks and the invalid document is an error operation
    assert not UUID.search(text)
    assert total(samples, "noyo_gateway_graphql_operations_total", outcome="error") == 1


async def test_disabled_metrics_are_not_served(cache_namespace, emulator_app):
    # given: GATEWAY_METRICS_ENABLED=false
    settings = make_gateway_settings(cache_namespace, gateway_metrics_enabled=False)

    # when / then
    async with running_gateway(settings, emulator_app) as (app, client):
        assert (await client.get("/metrics")).status_code == 404
        assert app.state.services.metrics is None


def test_path_labels_fold_raw_ids_and_drop_query_strings():
    from gateway.metrics import path_label

    # given a template it is unchanged; given a raw path the id and query string are gone
    assert path_label("/api/v1/groups/{group_id}") == "/api/v1/groups/{group_id}"
    raw = "/api/v1/groups/3f2b8c1e-1d2a-4c5b-9e8f-0a1b2c3d4e5f/employees/42?ids=a,b"
    assert path_label(raw) == "/api/v1/groups/{id}/employees/{id}"


def test_operation_metrics_export_what_prometheus_counters_and_histograms_would():
    from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

    from gateway.metrics import OPERATION_BUCKETS, GatewayMetrics

    # given: the gateway's metrics and, beside them, prometheus_client's own instruments
    metrics = GatewayMetrics()
    registry = CollectorRegistry()
    operations = Counter("noyo_gateway_graphql_operations", "d", ["operation_type", "outcome"], registry=registry)
    seconds = Histogram("noyo_gateway_graphql_operation_seconds", "d", ["operation_type"], buckets=OPERATION_BUCKETS,
                        registry=registry)

    # when: both see the same operations, durations on a bucket's bound, between bounds, past the last, negative
    observed = [("query", True, 0.01), ("query", True, 0.0003), ("query", False, 0.02), ("mutation", True, 45.0),
                ("query", True, -1.0), ("subscription", False, 2.5)]
    for operation_type, ok, duration in observed:
        metrics.observe_operation(operation_type, ok, duration)
        operations.labels(operation_type, "ok" if ok else "error").inc()
        seconds.labels(operation_type).observe(max(duration, 0.0))

    # then: the same samples (the _created timestamps aside)
    def samples(text: str) -> set[tuple[str, tuple, float]]:
        return {(s.name, tuple(sorted(s.labels.items())), s.value)
                for family in text_string_to_metric_families(text) for s in family.samples
                if s.name.startswith("noyo_gateway_graphql_operation") and not s.name.endswith("_created")}

    ours, theirs = samples(metrics.render()[0].decode()), samples(generate_latest(registry).decode())
    assert ours == theirs and len(ours) > 20
    assert ("noyo_gateway_graphql_operations_total", (("operation_type", "query"), ("outcome", "ok")), 3.0) in ours
