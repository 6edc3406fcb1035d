"""The ASGI application: ``create_app(settings)`` wires the Noyo client, cache and schema."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute

from .access_log import AccessLogMiddleware, count_upstream_call
from .cache import Cache, cache_from_settings
from .cache.response_stores import MemoryResponseStore
from .cache.responses import ResponseCache
from .console import console_documents, console_routes
from .events import Bus
from .events.runtime import EventRuntime, webhook_endpoint
from .idempotency import IdempotencyStore
from .metrics import GatewayMetrics
from .noyo import NoyoClient
from .redis_guard import Guarded, RedisGuard
from .security.authn import Authenticator
from .security.logging import install_redaction
from .security.middleware import SecurityMiddleware
from .security.persisted import PersistedQueries, load_trusted_documents
from .security.production import check_production
from .security.ratelimit import limiter_for
from .settings import Settings
from .tracing import TracingMiddleware

logger = logging.getLogger("gateway")


@dataclass
class Services:
    """Process-wide collaborators, opened by the lifespan and shared by every request."""

    settings: Settings
    noyo: NoyoClient
    cache: Cache
    idempotency: IdempotencyStore
    bus: Bus
    metrics: GatewayMetrics | None = None  # None when GATEWAY_METRICS_ENABLED is off
    responses: ResponseCache | None = None  # None when GATEWAY_RESPONSE_CACHE_ENABLED is off
    events: EventRuntime | None = None  # webhook receiver, event pipeline, poller


_SDL: dict[int, str] = {}


def _sdl(schema: Any) -> str:
    """The schema's SDL, printed once per process (it names the response cache's entries)."""
    if id(schema) not in _SDL:
        _SDL[id(schema)] = schema.as_str()
    return _SDL[id(schema)]


def app_factory() -> Starlette:
    """``create_app()`` from the environment: the import string ``uvicorn --factory`` (and
    ``noyo-gateway serve --workers N``) starts in every worker process."""
    from .security.logging import configure_logging
    from .tracing import configure_tracing

    configure_logging("INFO")  # a worker process starts afresh: JSON lines, redacted
    configure_tracing()  # from the OTEL_* variables, when they ask for traces
    app = create_app()
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Keep what the server built at start-up (schema, settings, modules), which lives as long as
    the process, out of the garbage collector's generations: collections then walk only
    per-request garbage. For server processes (``serve``, the app factory), not tests."""
    import gc

    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None,
    *,
    noyo_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """Build the gateway. ``noyo_transport`` replaces the network (tests, the in-process demo)."""
    from .schema import schema
    from .view import GatewayGraphQL

    settings = settings or Settings()
    install_redaction()
    check_production(settings)  # GATEWAY_ENV=production with gaps: refuse to start, saying what is missing
    # Security configuration is checked here, so a bad key list or allowlist fails at start-up.
    authenticator = Authenticator(settings)
    trusted = load_trusted_documents(settings.gateway_trusted_documents) if settings.gateway_trusted_documents else None
    guard, probe_client = _redis_guard(settings)
    limiter = limiter_for(
        settings.gateway_rate_limit, settings.gateway_cache_url, settings.gateway_cache_namespace, guard
    )
    graphql = GatewayGraphQL(schema, settings=settings, authenticator=authenticator)
    metrics = GatewayMetrics() if settings.gateway_metrics_enabled else None
    if metrics is not None:
        metrics.watch_redis(guard)
    builtin_documents = console_documents() if settings.gateway_console_enabled else {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        noyo = NoyoClient.from_settings(settings, transport=noyo_transport)
        cache = cache_from_settings(settings, guard=guard)
        idempotency = IdempotencyStore(
            cache, ttl=settings.gateway_idempotency_ttl, lock_wait=settings.gateway_idempotency_lock_wait
        )
        bus = Bus.from_url(settings.bus_url, namespace=settings.gateway_cache_namespace)
        await bus.start()
        noyo.on_attempt = _observer(metrics)
        if metrics is not None:
            noyo.tokens.on_fetch = metrics.observe_token_fetch
            metrics.cache_stats = cache.stats
        responses = None
        if settings.gateway_response_cache_enabled:
            # the entity cache's clock: freshness deadlines of reads are on it
            responses = ResponseCache.from_settings(settings, schema_sdl=_sdl(schema), clock=lambda: cache.clock())
            if guard is not None and getattr(responses.store, "shared", False):
                # Redis slow or down: this process's memory serves cached responses meanwhile
                local = MemoryResponseStore(settings.gateway_response_cache_max_entries, clock=lambda: cache.clock())
                shared: Any = responses.store  # the Redis store: it can drop its connections
                guard.recovery_hooks.append(shared.reset_connections)
                responses.store = Guarded(responses.store, guard, fallback=local)
            cache.on_invalidate = responses.purge  # every deletion/invalidation purges dependents
        graphql.attach(responses, metrics)
        if metrics is not None and responses is not None:
            metrics.response_cache_stats = responses.stats
        events = EventRuntime(
            settings, noyo, cache, bus, metrics=metrics, droppers=(responses.drop,) if responses is not None else ()
        )
        app.state.services = Services(settings, noyo, cache, idempotency, bus, metrics, responses, events)
        graphql.persisted = PersistedQueries(trusted, cache, settings.gateway_apq_ttl, builtin_documents)
        await events.start()
        try:
            yield
        finally:
            await events.stop()
            await graphql.detach()
            if responses is not None:
                await responses.close()
            await bus.close()
            await noyo.aclose()
            await cache.close()
            if limiter is not None:
                await limiter.close()
            if guard is not None:
                await guard.close()
                await probe_client.aclose()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        """Ready once started. A slow or dead Redis degrades the gateway (local cache and rate limits,
        keyed writes refused) but does not take it out of service: the body says so."""
        services: Services | None = getattr(request.app.state, "services", None)
        if services is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        if guard is None:
            return JSONResponse({"status": "ready", "degraded": [], "redis": "not used"})
        redis = "ok"
        try:
            await services.cache.ping()
        except Exception:  # noqa: BLE001 - readiness reports, never raises
            redis = "unavailable"
        degraded = ["redis"] if redis != "ok" or guard.degraded else []
        if degraded:
            logger.warning("readiness: degraded (Redis unavailable)")
        return JSONResponse(
            {"status": "ready", "degraded": degraded, "redis": redis if not degraded else "unavailable"}
        )

    async def metrics_endpoint(request: Request) -> Response:
        assert metrics is not None
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    routes: list[Any] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),  # first: the router tries routes in order
        Route("/", home),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
    ]
    routes += console_routes(console=settings.gateway_console_enabled)
    if metrics is not None:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    if settings.webhook_secrets:  # Noyo's webhooks: signed, so outside GraphQL authentication
        routes.append(Route(settings.gateway_webhook_path, webhook_endpoint, methods=["POST"]))

    def layers(inner: Any) -> Any:
        security = SecurityMiddleware(inner, settings=settings, authenticator=authenticator, limiter=limiter)
        return TracingMiddleware(AccessLogMiddleware(security, status_noted=True))

    app = _Gateway(routes=routes, lifespan=lifespan, layers=layers, path="/graphql", endpoint=graphql)
    app.state.settings = settings
    return app


_METHODS = frozenset({"GET", "POST"})


class _Gateway(Starlette):
    """Starlette with the gateway's HTTP layers (``layers``: tracing, access log, security) as
    its one middleware (``_Edge``), and ``GET``/``POST`` of exactly ``path`` going from the
    server through layers of their own straight to ``endpoint`` (the GraphQL view): the request
    every client makes skips Starlette's middleware and router (the view answers its own HTTP
    errors; the security layer any unexpected one)."""

    def __init__(self, *, layers: Any, path: str, endpoint: Any, **kwargs: Any) -> None:
        super().__init__(middleware=[Middleware(_Edge, layers=layers, path=path, endpoint=endpoint)], **kwargs)
        self.graphql_path, self.graphql_endpoint = path, endpoint
        self.front = layers(endpoint)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == self.graphql_path and scope["method"] in _METHODS:
            scope["app"], scope["router"] = self, self.router
            scope["endpoint"], scope["path_params"] = self.graphql_endpoint, {}
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


class _Edge:
    """The gateway's HTTP layers (``layers``) as Starlette's one middleware, for every request
    ``_Gateway`` does not send straight to the view (other paths and methods, WebSockets, the
    lifespan); ``GET``/``POST`` of exactly ``path`` that reach it (an app mounted under another
    one) go from them to ``endpoint`` all the same."""

    def __init__(self, app: Any, *, layers: Any, path: str, endpoint: Any) -> None:
        self.app, self.path, self.endpoint = app, path, endpoint
        self.stack = layers(self._route)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.stack(scope, receive, send)

    async def _route(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] in _METHODS:
            scope["router"], scope["endpoint"], scope["path_params"] = scope["app"].router, self.endpoint, {}
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _redis_guard(settings: Settings) -> tuple[RedisGuard | None, Any]:
    """The app's guard of every Redis operation (and the client its probe PINGs with), or None
    when nothing is on Redis."""
    url = settings.gateway_cache_url
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None, None
    from redis import asyncio as aioredis

    timeout = settings.gateway_redis_timeout
    client = aioredis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    guard = RedisGuard(
        timeout=timeout,
        failures=settings.gateway_redis_breaker_failures,
        probe_interval=settings.gateway_redis_probe_interval,
        probe=client.ping,
    )
    return guard, client


def _observer(metrics: GatewayMetrics | None) -> Any:
    """``NoyoClient.on_attempt``: count the attempt for the access log, then the metrics."""

    def observe(method: str, template: str, outcome: object, seconds: float) -> None:
        count_upstream_call()
        if metrics is not None:
            metrics.observe_upstream(method, template, outcome, seconds)

    return observe


__all__ = ["Services", "app_factory", "create_app"]
