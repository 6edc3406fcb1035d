"""Prometheus metrics for one gateway app: upstream calls, token fetches, GraphQL operations,
cache counters, and the standard process and Python collectors (``process_*``, ``python_*``).

Each app owns its ``CollectorRegistry`` (never the process-wide default), so many apps can live
in one process (tests). Labels are bounded on purpose: upstream paths are route templates
(``/api/v1/groups/{group_id}``), GraphQL operations are labelled by type, never by name, and no
label ever carries an id, a query string or PHI.
"""

from __future__ import annotations

import logging
import math
import re
import time
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString
from strawberry.extensions import SchemaExtension

logger = logging.getLogger("gateway.metrics")

PREFIX = "noyo_gateway"
# Upstream calls are usually tens to hundreds of milliseconds; GraphQL operations a little more.
UPSTREAM_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
OPERATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Webhook answers should take milliseconds; processing an event well under a second.
EVENT_ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
EVENT_LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0, 300.0)
# Exported from ``gateway.cache.CacheStats`` (attribute -> metric suffix).
CACHE_STATS = {
    "hits": "hits",
    "misses": "misses",
    "stale_served": "stale_served",
    "fetches": "fetches",
    "coalesced": "coalesced",
    "backend_errors": "backend_errors",
}

# Exported from ``gateway.cache.responses.ResponseCacheStats`` (whole responses).
RESPONSE_CACHE_STATS = (
    "hits",
    "misses",
    "stores",
    "skipped_stores",
    "purges",
    "errors",
    "refreshes",
    "failed_refreshes",
)

_ID_SEGMENT = re.compile(
    r"(?<=/)(?:[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}|\d+)(?=/|$)"
)


def path_label(template: str) -> str:
    """The route template as a label: no query string, and any raw id segment folded to ``{id}``."""
    return _ID_SEGMENT.sub("{id}", template.split("?", 1)[0])


class _CacheStatsCollector(Collector):
    """Reads the cache's own ``stats`` at scrape time (nothing is counted twice)."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[CounterMetricFamily]:
        stats = self._metrics.cache_stats
        for attribute, suffix in CACHE_STATS.items():
            family = CounterMetricFamily(
                f"{PREFIX}_cache_{suffix}", f"Cache {attribute.replace('_', ' ')} (entity lookups)."
            )
            family.add_metric([], float(getattr(stats, attribute, 0) if stats is not None else 0))
            yield family

        responses = self._metrics.response_cache_stats
        for attribute in RESPONSE_CACHE_STATS:
            family = CounterMetricFamily(
                f"{PREFIX}_response_cache_{attribute}", f"Response cache {attribute.replace('_', ' ')}."
            )
            family.add_metric([], float(getattr(responses, attribute, 0) if responses is not None else 0))
            yield family

    def describe(self) -> list[Any]:
        return []


class _Series:
    """One operation type's figures: operations by outcome, and the histogram of their durations."""

    __slots__ = ("buckets", "created", "errors", "errors_created", "ok", "ok_created", "total")

    def __init__(self) -> None:
        self.ok = self.errors = 0
        self.ok_created = self.errors_created = 0.0  # when each outcome was first counted
        self.total = 0.0  # seconds
        self.buckets = [0] * (len(OPERATION_BUCKETS) + 1)  # per bound, then past the last (+Inf)
        self.created = time.time()


class _Operations(Collector):
    """``noyo_gateway_graphql_operations_total{operation_type,outcome}`` and
    ``noyo_gateway_graphql_operation_seconds{operation_type}``: what a prometheus ``Counter``
    and ``Histogram`` would export, counted in plain numbers. An operation is observed on every
    request (every whole-response hit); the client's instruments take a lock per increment and
    look the bucket up by hand, these only add, from the event loop's one thread, and sum up at
    scrape time."""

    def __init__(self) -> None:
        self._series: dict[str, _Series] = {}

    def observe(self, operation_type: str, ok: bool, seconds: float) -> None:
        series = self._series.get(operation_type)
        if series is None:
            series = self._series[operation_type] = _Series()
        if ok:
            if not series.ok:
                series.ok_created = time.time()
            series.ok += 1
        else:
            if not series.errors:
                series.errors_created = time.time()
            series.errors += 1
        if seconds < 0.0:
            seconds = 0.0
        series.total += seconds
        series.buckets[bisect_left(OPERATION_BUCKETS, seconds)] += 1  # le: a bound counts itself

    def collect(self) -> Iterator[Any]:
        count_doc = "GraphQL operations by type and outcome (ok, or error when the result carries errors)."
        seconds_doc = "Duration of one GraphQL operation, parsing and validation included, in seconds."
        counts = CounterMetricFamily(f"{PREFIX}_graphql_operations", count_doc, labels=["operation_type", "outcome"])
        seconds = HistogramMetricFamily(f"{PREFIX}_graphql_operation_seconds", seconds_doc, labels=["operation_type"])
        created = GaugeMetricFamily(
            f"{PREFIX}_graphql_operation_seconds_created", seconds_doc, labels=["operation_type"]
        )
        for operation_type, series in list(self._series.items()):
            outcomes = (("ok", series.ok, series.ok_created), ("error", series.errors, series.errors_created))
            for outcome, value, since in outcomes:
                if value:
                    counts.add_metric([operation_type, outcome], float(value), created=since)
            cumulative, buckets = 0, []
            for bound, value in zip((*OPERATION_BUCKETS, math.inf), series.buckets):
                cumulative += value
                buckets.append((floatToGoString(bound), float(cumulative)))
            seconds.add_metric([operation_type], buckets, series.total)
            created.add_metric([operation_type], series.created)
        yield counts
        yield seconds
        yield created

    def describe(self) -> list[Any]:
        return []


class GatewayMetrics:
    """The app's registry and its instruments; ``render()`` is the text exposition."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.cache_stats: Any = None  # the running cache's ``CacheStats``, set by the lifespan
        self.response_cache_stats: Any = None  # the response cache's ``ResponseCacheStats``
        self.upstream_requests = Counter(
            f"{PREFIX}_upstream_requests",
            "Attempts against Noyo by method, path template and outcome (HTTP status or error name).",
            ["method", "path", "outcome"],
            registry=self.registry,
        )
        self.upstream_seconds = Histogram(
            f"{PREFIX}_upstream_request_seconds",
            "Duration of one attempt against Noyo, in seconds.",
            ["method", "path"],
            buckets=UPSTREAM_BUCKETS,
            registry=self.registry,
        )
        self.operations = _Operations()
        self.registry.register(self.operations)
        self.token_fetches = Counter(
            f"{PREFIX}_token_fetches",
            "Access-token requests to Noyo's token endpoint by outcome (HTTP status or error name).",
            ["outcome"],
            registry=self.registry,
        )
        self.token_fetch_seconds = Histogram(
            f"{PREFIX}_token_fetch_seconds",
            "Duration of one access-token request, in seconds.",
            buckets=UPSTREAM_BUCKETS,
            registry=self.registry,
        )
        # -- Noyo events (webhooks and the poller) --------------------------------------------
        self.webhooks_received = Counter(
            f"{PREFIX}_webhook_events_received",
            "Verified webhook deliveries by event type (types the gateway does not know count as unknown).",
            ["event_type"],
            registry=self.registry,
        )
        self.webhooks_rejected = Counter(
            f"{PREFIX}_webhook_events_rejected",
            "Webhook deliveries refused (bad_signature, stale_timestamp, malformed, too_large, unavailable...).",
            ["reason"],
            registry=self.registry,
        )
        self.webhooks_deduplicated = Counter(
            f"{PREFIX}_webhook_events_deduplicated",
            "Webhook deliveries of an event already accepted (acknowledged, not processed again).",
            registry=self.registry,
        )
        self.webhooks_unknown = Counter(
            f"{PREFIX}_webhook_events_unknown",
            "Verified webhook deliveries of an event type the gateway does not handle (acknowledged).",
            registry=self.registry,
        )
        self.webhook_ack_seconds = Histogram(
            f"{PREFIX}_webhook_ack_seconds",
            "Time from receiving a webhook to answering it, in seconds.",
            buckets=EVENT_ACK_BUCKETS,
            registry=self.registry,
        )
        self.events_processed = Counter(
            f"{PREFIX}_events_processed",
            "Events processed by the pipeline (record refetched, cache refreshed, change published).",
            ["kind", "source"],
            registry=self.registry,
        )
        self.events_failed = Counter(
            f"{PREFIX}_events_failed",
            "Accepted events dropped after every processing attempt failed.",
            ["kind"],
            registry=self.registry,
        )
        self.event_lag_seconds = Histogram(
            f"{PREFIX}_event_processing_lag_seconds",
            "Time from accepting an event to its invalidation being applied, in seconds.",
            ["kind"],
            buckets=EVENT_LAG_BUCKETS,
            registry=self.registry,
        )
        # Subscriptions, labelled by subscription field (a fixed set), never by argument or id.
        self.subscriptions_open = Gauge(
            f"{PREFIX}_subscriptions_open",
            "GraphQL subscriptions open on this replica, by subscription field.",
            ["subscription"],
            registry=self.registry,
        )
        self.subscription_messages = Counter(
            f"{PREFIX}_subscription_messages",
            "Messages pushed to subscribers, by subscription field.",
            ["subscription"],
            registry=self.registry,
        )
        self.subscription_dropped = Counter(
            f"{PREFIX}_subscription_changes_dropped",
            "Changes a slow subscriber lost because its buffer was full, by subscription field.",
            ["subscription"],
            registry=self.registry,
        )
        self.registry.register(_CacheStatsCollector(self))
        # The standard collectors (process_* CPU, memory, file descriptors; python_info; python_gc_*).
        # They are stateless readers, so one instance serves every registry.
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)

    def watch_redis(self, guard: Any) -> None:
        """Export the Redis circuit: 1 while open (the gateway runs degraded on local state), and
        how often it opened."""
        degraded = Gauge(
            f"{PREFIX}_redis_degraded",
            "1 while Redis is considered unavailable (circuit open).",
            registry=self.registry,
        )
        opened = Gauge(
            f"{PREFIX}_redis_circuit_opened", "Times the Redis circuit opened since start.", registry=self.registry
        )
        degraded.set_function(lambda: 1.0 if guard is not None and guard.degraded else 0.0)
        opened.set_function(lambda: float(guard.opened_count) if guard is not None else 0.0)

    def observe_upstream(self, method: str, template: str, outcome: object, seconds: float) -> None:
        """``NoyoClient.on_attempt``: one upstream attempt. Never raises into the client."""
        try:
            method, path = method.upper(), path_label(template)
            self.upstream_requests.labels(method, path, str(outcome)).inc()
            self.upstream_seconds.labels(method, path).observe(max(seconds, 0.0))
        except Exception:
            logger.exception("metrics: upstream observation failed")

    def observe_token_fetch(self, outcome: str, seconds: float) -> None:
        """``TokenProvider.on_fetch``: one request to the token endpoint."""
        self.token_fetches.labels(outcome).inc()
        self.token_fetch_seconds.observe(max(seconds, 0.0))

    def observe_operation(self, operation_type: str, ok: bool, seconds: float) -> None:
        """One GraphQL operation (a whole-response hit included), from the event loop's thread."""
        self.operations.observe(operation_type, ok, seconds)

    def observe_event_lag(self, kind: str, seconds: float) -> None:
        self.event_lag_seconds.labels(kind).observe(max(seconds, 0.0))

    def render(self) -> tuple[bytes, str]:
        """The exposition body and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsExtension(SchemaExtension):
    """Counts and times each operation; a no-op when the context's services carry no metrics, and
    for a response cache's background refresh (counted as ``response_cache_refreshes``)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            context = self.execution_context.context
            metrics = getattr(getattr(context, "services", None), "metrics", None)
            if isinstance(metrics, GatewayMetrics) and not getattr(context, "refresh", False):
                metrics.observe_operation(self._operation_type(), self._ok(), time.perf_counter() - started)

    def _operation_type(self) -> str:
        try:
            return self.execution_context.operation_type.value
        except Exception:  # noqa: BLE001 - no document (parse error) or no such operation
            return "unknown"

    def _ok(self) -> bool:
        ctx = self.execution_context
        if ctx.pre_execution_errors:
            return False
        return ctx.result is not None and not ctx.result.errors


__all__ = ["GatewayMetrics", "MetricsExtension", "path_label"]
