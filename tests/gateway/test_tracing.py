"""OpenTelemetry: a span per operation, child spans per Noyo call and Redis command, W3C context
from the client to Noyo, trace ids in the logs. Spans are read from an in-memory exporter."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.security.logging import JsonFormatter
from gateway.tracing import build_provider, instrument_redis, tracing_requested

from .conftest import make_gateway_settings, running_gateway
from .test_metrics import a_carrier_id, fail_upstream

CARRIER = "query Carrier($id: ID!) { carrier(id: $id) { id displayName } }"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"

_installed: dict[str, Any] = {}


def _exporter() -> InMemorySpanExporter:
    """One SDK provider for the test session (the global provider can be set only once)."""
    if not _installed:
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _installed.update(provider=provider, exporter=exporter)
    assert trace.get_tracer_provider() is _installed["provider"], "another tracer provider is installed"
    return _installed["exporter"]


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = _exporter()
    exporter.clear()
    yield exporter
    exporter.clear()


class HeaderRecorder:
    """The emulator, noting the headers of every request it receives."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, dict[str, str]]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            self.seen.append((scope["path"], headers))
        await self.app(scope, receive, send)


def by_kind(exported: tuple[ReadableSpan, ...], kind: SpanKind) -> list[ReadableSpan]:
    return [span for span in exported if span.kind == kind]


def operation_span(exported: tuple[ReadableSpan, ...]) -> ReadableSpan:
    servers = [s for s in by_kind(exported, SpanKind.SERVER) if s.attributes.get("graphql.operation.type")]
    assert len(servers) == 1, [s.name for s in exported]
    return servers[0]


async def test_an_operation_is_one_span_with_type_name_cost_and_outcome_never_variables(gql, emulator_app, spans):
    carrier_id = a_carrier_id(emulator_app)

    result = await gql(CARRIER, {"id": carrier_id})

    assert "errors" not in result, result
    span = operation_span(spans.get_finished_spans())
    assert span.name == "query Carrier"
    assert span.attributes["graphql.operation.type"] == "query"
    assert span.attributes["graphql.operation.name"] == "Carrier"
    assert span.attributes["gateway.operation.cost"] >= 1
    assert span.attributes["gateway.outcome"] == "OK"
    assert span.attributes["http.response.status_code"] == 200
    # the variables (and the document) are nowhere in the trace
    everything = json.dumps([dict(s.attributes or {}) for s in spans.get_finished_spans()])
    assert carrier_id not in everything and "displayName" not in everything


async def test_a_refused_operation_records_its_error_code(gql, spans):
    await gql("query Broken { nope }")
    span = operation_span(spans.get_finished_spans())
    assert span.attributes["gateway.outcome"] == "GRAPHQL_VALIDATION_FAILED"


async def test_noyo_calls_are_child_spans_with_route_template_status_and_retries(
    cache_namespace, emulator_app, hooks, spans
):
    # given: reads may be tried twice, and the next carrier read fails once with a 503
    settings = make_gateway_settings(cache_namespace, noyo_read_max_attempts=2)
    carrier_id = a_carrier_id(emulator_app)
    response = await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers*", "error_rate": 1.0,
                                                            "error_status": 503, "count": 1})
    assert response.status_code == 200

    async with running_gateway(settings, emulator_app) as (_, client):
        result = (await client.post("/graphql", json={"query": CARRIER, "variables": {"id": carrier_id}})).json()

    assert "errors" not in result, result
    exported = spans.get_finished_spans()
    operation = operation_span(exported)
    calls = [s for s in by_kind(exported, SpanKind.CLIENT) if s.attributes.get("url.template", "").startswith(
        "/api/v1/carriers")]
    assert len(calls) == 1
    call = calls[0]
    assert call.name == f"GET {call.attributes['url.template']}"
    assert carrier_id not in call.name  # a route template, never a raw path with ids
    assert call.attributes["http.response.status_code"] == 200
    assert (call.attributes["noyo.attempts"], call.attributes["noyo.retries"]) == (2, 1)
    assert call.parent is not None and call.context.trace_id == operation.context.trace_id
    # the token fetch is a span of the same trace too
    token = next(s for s in by_kind(exported, SpanKind.CLIENT) if s.attributes.get("url.template") == "token")
    assert token.context.trace_id == operation.context.trace_id


async def test_a_failed_noyo_call_is_an_error_span(gql, hooks, emulator_app, spans):
    await fail_upstream(hooks, "/api/v1/carriers*")
    await gql(CARRIER, {"id": a_carrier_id(emulator_app)})
    call = next(s for s in by_kind(spans.get_finished_spans(), SpanKind.CLIENT)
                if s.attributes.get("url.template", "").startswith("/api/v1/carriers"))
    assert call.status.status_code == trace.StatusCode.ERROR
    assert call.attributes["http.response.status_code"] == 503
    assert call.attributes["error.type"]


async def test_a_client_traceparent_is_continued_and_sent_to_noyo(cache_namespace, emulator_app, spans):
    recorder = HeaderRecorder(emulator_app)
    settings = make_gateway_settings(cache_namespace)
    async with running_gateway(settings, recorder) as (_, client):
        response = await client.post("/graphql", json={"query": CARRIER, "variables": {"id": a_carrier_id(emulator_app)}},
                                     headers={"traceparent": TRACEPARENT})
    assert response.status_code == 200

    operation = operation_span(spans.get_finished_spans())
    assert format(operation.context.trace_id, "032x") == TRACE_ID
    assert operation.parent is not None and format(operation.parent.span_id, "016x") == "00f067aa0ba902b7"
    # every API call to Noyo carried the trace, with the call's own span as parent
    api_calls = [headers for path, headers in recorder.seen if path.startswith("/api/")]
    assert api_calls
    call_spans = {format(s.context.span_id, "016x") for s in by_kind(spans.get_finished_spans(), SpanKind.CLIENT)}
    for headers in api_calls:
        version, trace_id, parent_id, _flags = headers["traceparent"].split("-")
        assert (version, trace_id) == ("00", TRACE_ID)
        assert parent_id in call_spans


@pytest.mark.redis
async def test_redis_commands_are_spans_of_the_operation_without_keys_or_values(
    cache_namespace, redis_url, emulator_app, spans
):
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    instrument_redis(_installed["provider"])
    try:
        settings = make_gateway_settings(cache_namespace, gateway_cache_url=redis_url)
        carrier_id = a_carrier_id(emulator_app)
        async with running_gateway(settings, emulator_app) as (_, client):
            await client.post("/graphql", json={"query": CARRIER, "variables": {"id": carrier_id}})
    finally:
        RedisInstrumentor().uninstrument()

    exported = spans.get_finished_spans()
    operation = operation_span(exported)
    commands = [s for s in exported if s.attributes.get("db.system") == "redis"
                or s.attributes.get("db.system.name") == "redis"]
    assert commands, [s.name for s in exported]
    inside = [s for s in commands if s.context.trace_id == operation.context.trace_id]
    assert inside, "no Redis command of the operation was traced"
    statements = " ".join(str(s.attributes.get("db.statement", s.attributes.get("db.query.text", "")))
                          for s in commands)
    assert cache_namespace not in statements and carrier_id not in statements


async def test_log_lines_carry_the_trace_and_span_ids(gql, emulator_app, spans, caplog):
    with caplog.at_level(logging.INFO, logger="gateway.access"):
        await gql(CARRIER, {"id": a_carrier_id(emulator_app)}, headers={"traceparent": TRACEPARENT})
    access = [r for r in caplog.records if r.name == "gateway.access"]
    assert access
    line = json.loads(JsonFormatter().format(access[-1]))
    assert line["trace_id"] == TRACE_ID
    assert len(line["span_id"]) == 16
    # a record written outside any span has none
    outside = logging.getLogger("gateway.test").makeRecord("gateway.test", logging.INFO, __file__, 1, "x", (), None)
    assert "trace_id" not in json.loads(JsonFormatter().format(outside))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "noyo-gateway"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
    ],
)
def test_tracing_is_opt_in_through_the_standard_variables(environ, expected):
    assert tracing_requested(environ) is expected


def test_the_provider_names_the_service_unless_the_environment_does(monkeypatch):
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    provider = build_provider({"OTEL_TRACES_EXPORTER": "console"})
    assert provider.resource.attributes["service.name"] == "noyo-gateway"
    provider.shutdown()
    monkeypatch.setenv("OTEL_SERVICE_NAME", "graph-eu")
    provider = build_provider({"OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "graph-eu"})
    assert provider.resource.attributes["service.name"] == "graph-eu"
    provider.shutdown()
