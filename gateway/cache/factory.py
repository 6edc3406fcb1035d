"""Build the gateway's cache from ``Settings``."""

from __future__ import annotations

import time
from typing import Any

from gateway.redis_guard import RedisGuard

from .guarded import guard_backend
from .store import Cache, Clock

#: Resource name -> the Settings field holding its freshness in seconds. ``"list"`` covers every
#: ``"list:<name>"`` resource (see ``Cache.ttl_for``).
RESOURCE_TTL_SETTINGS = {
    "group": "gateway_cache_ttl_groups",
    "carrier": "gateway_cache_ttl_carriers",
    "connection": "gateway_cache_ttl_connections",
    "connections_by_group": "gateway_cache_ttl_connections",
    "disconnection": "gateway_cache_ttl_disconnections",
    "disconnections_by_group": "gateway_cache_ttl_disconnections",
    "snapshot": "gateway_cache_ttl_snapshots",
    "employee": "gateway_cache_ttl_employees",
    "enrollments_by_employee": "gateway_cache_ttl_employees",
    "dependent": "gateway_cache_ttl_employees",
    "dependents_by_employee": "gateway_cache_ttl_employees",
    "list": "gateway_cache_ttl_lists",
}


def cache_from_settings(
    settings: Any, *, schema_version: int = 1, clock: Clock = time.time, guard: RedisGuard | None = None
) -> Cache:
    """``Cache.from_url(settings.gateway_cache_url, ...)`` with per-resource TTLs from settings; with a
    ``guard``, a Redis backend is bounded by it and falls back to memory (``guarded.GuardedBackend``)."""
    ttls = {resource: int(getattr(settings, field)) for resource, field in RESOURCE_TTL_SETTINGS.items()}
    cache = Cache.from_url(
        settings.gateway_cache_url,
        namespace=settings.gateway_cache_namespace,
        schema_version=schema_version,
        ttls=ttls,
        stale_window=settings.gateway_stale_if_error_seconds,
        clock=clock,
    )
    cache.backend = guard_backend(cache.backend, guard)
    return cache
