"""OpenTelemetry tracing, opt-in through the standard ``OTEL_*`` environment variables.

``configure_tracing()`` (called by ``noyo-gateway serve``) installs an SDK tracer provider only
when asked: ``OTEL_TRACES_EXPORTER`` names exporters (``otlp``, ``console``; ``none`` turns
tracing off) or ``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is set,
and ``OTEL_SDK_DISABLED`` is not ``true``. The SDK reads everything else itself
(``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER[_ARG]``,
``OTEL_EXPORTER_OTLP_*``, ``OTEL_BSP_*``). Without it, the OpenTelemetry API is a no-op.

What is traced:
- ``TracingMiddleware``: one SERVER span per HTTP request, its parent taken from the client's
  W3C ``traceparent``; for ``/graphql`` it is the operation's span, named
  ``"<type> <name>"`` with ``graphql.operation.type``, ``graphql.operation.name``,
  ``gateway.operation.cost``, ``gateway.outcome`` and ``gateway.upstream_calls`` (taken from the
  request's access record), never the document or its variables;
- ``gateway.noyo``: a CLIENT span per Noyo call (``url.template``, status, attempts, retries) and
  per token fetch; each attempt carries ``traceparent`` to Noyo (also when tracing is off, so a
  client's trace context is never dropped);
- Redis: one span per command through ``opentelemetry-instrumentation-redis`` (commands are
  sanitised to ``"SET ? ?"``: no keys, no values).
Log records carry ``trace_id`` and ``span_id`` (``gateway.security.logging``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from opentelemetry import context, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .version import VERSION

logger = logging.getLogger("gateway.tracing")

TRACER_NAME = "gateway"
UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Where the access-log middleware leaves the request's record (operation, cost, outcome).
RECORD_SCOPE_KEY = "gateway.access"


def tracer() -> trace.Tracer:
    """The gateway's tracer (a no-op until a provider is installed)."""
    return trace.get_tracer(TRACER_NAME, VERSION)


_PROVIDER_FROM_ENVIRONMENT = "OTEL_PYTHON_TRACER_PROVIDER" in os.environ
_UNKNOWN = object()


def tracing_active() -> bool:
    """Whether spans are recorded: a real tracer provider is installed (not the API's proxy or
    no-op one). Checked per request, so a provider installed after start-up takes effect; while
    none was ever set (the API's global is None) that costs no look-up of the environment."""
    provider = getattr(trace, "_TRACER_PROVIDER", _UNKNOWN)
    if provider is None and not _PROVIDER_FROM_ENVIRONMENT:
        return False
    if provider is None or provider is _UNKNOWN:
        provider = trace.get_tracer_provider()
    return not isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider))


_FIELDS: dict[int, frozenset[bytes]] = {}


def propagation_fields() -> frozenset[bytes]:
    """The request headers the global propagator reads (``traceparent``, ``tracestate``,
    ``baggage`` by default; whatever ``OTEL_PROPAGATORS`` names), lower-case bytes."""
    textmap = propagate.get_global_textmap()
    found = _FIELDS.get(id(textmap))
    if found is None:
        found = _FIELDS[id(textmap)] = frozenset(f.lower().encode("latin-1") for f in textmap.fields)
    return found


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether the ``OTEL_*`` variables ask for traces (see the module docstring)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def build_provider(environ: Mapping[str, str]) -> Any:
    """An SDK ``TracerProvider`` with the exporters ``OTEL_TRACES_EXPORTER`` names (default ``otlp``)."""
    from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    defaults: dict[str, str] = {SERVICE_VERSION: VERSION}
    if not environ.get("OTEL_SERVICE_NAME") and "service.name=" not in environ.get("OTEL_RESOURCE_ATTRIBUTES", ""):
        defaults[SERVICE_NAME] = "noyo-gateway"
    provider = TracerProvider(resource=Resource.create(defaults))
    for name in (environ.get("OTEL_TRACES_EXPORTER") or "otlp").split(","):
        name = name.strip().lower()
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        elif name == "console":
            provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        elif name and name != "none":
            logger.warning("OTEL_TRACES_EXPORTER: unknown exporter %r ignored (otlp, console)", name)
    return provider


def instrument_redis(provider: Any = None) -> None:
    """Spans for every Redis command (sanitised); idempotent."""
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    instrumentor = RedisInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


def configure_tracing(environ: Mapping[str, str] | None = None) -> Any:
    """Install the SDK provider and the Redis instrumentation when the environment asks for
    traces; returns the provider (call ``shutdown()`` on exit to flush), or None."""
    environ = os.environ if environ is None else environ
    if not tracing_requested(environ):
        return None
    provider = build_provider(environ)
    trace.set_tracer_provider(provider)
    instrument_redis(provider)
    logger.info("tracing on: exporters %s", environ.get("OTEL_TRACES_EXPORTER") or "otlp")
    return provider


def inject_trace_context(headers: dict[str, str]) -> None:
    """Add the current W3C trace context (``traceparent``, ``tracestate``) to outgoing headers."""
    propagate.inject(headers)


def record_error(span: trace.Span, error: BaseException) -> None:
    """Mark ``span`` failed with the error's type only (messages may carry upstream text)."""
    span.set_attribute("error.type", type(error).__name__)
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))


def _operation_attributes(record: Any) -> dict[str, Any]:
    known = {
        "graphql.operation.type": record.operation_type,
        "graphql.operation.name": record.operation_name,
        "gateway.operation.cost": record.cost,
        "gateway.outcome": record.outcome,
    }
    return {"gateway.upstream_calls": record.upstream_calls, **{k: v for k, v in known.items() if v is not None}}


class TracingMiddleware:
    """One SERVER span per HTTP request, continuing the client's ``traceparent`` (pure ASGI)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") in UNTRACED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or ()
        fields = propagation_fields()
        propagated = False
        for key, _ in headers:
            if key in fields:
                propagated = True
                break
        if not tracing_active():
            # no span to record: only the client's trace context is kept (for the calls to Noyo)
            if not propagated:
                await self.app(scope, receive, send)
                return
            token = context.attach(propagate.extract({k.decode("latin-1"): v.decode("latin-1") for k, v in headers}))
            try:
                await self.app(scope, receive, send)
            finally:
                context.detach(token)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers} if propagated else {}
        token = context.attach(propagate.extract(carrier))
        method, path = scope.get("method", "GET"), scope.get("path", "")
        status: list[int] = []

        async def observed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            with tracer().start_as_current_span(
                f"{method} {path}",
                kind=SpanKind.SERVER,
                record_exception=False,
                set_status_on_exception=False,
                attributes={"http.request.method": method, "url.path": path, "url.scheme": scope.get("scheme", "http")},
            ) as span:
                try:
                    await self.app(scope, receive, observed)
                except BaseException as exc:
                    record_error(span, exc)
                    raise
                finally:
                    self._finish(span, scope, status)
        finally:
            context.detach(token)

    @staticmethod
    def _finish(span: trace.Span, scope: dict[str, Any], status: list[int]) -> None:
        if status:
            span.set_attribute("http.response.status_code", status[0])
            if status[0] >= 500:
                span.set_status(Status(StatusCode.ERROR))
        record = scope.get(RECORD_SCOPE_KEY)
        if record is not None and record.operation_type:
            span.set_attributes(_operation_attributes(record))
            name = record.operation_name
            span.update_name(f"{record.operation_type} {name}" if name else record.operation_type)


__all__ = [
    "RECORD_SCOPE_KEY",
    "TracingMiddleware",
    "configure_tracing",
    "inject_trace_context",
    "instrument_redis",
    "propagation_fields",
    "record_error",
    "tracer",
    "tracing_active",
    "tracing_requested",
]
