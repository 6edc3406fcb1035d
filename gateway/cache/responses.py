"""The whole-response cache: finished query responses, served again without executing anything.

Key: the document's sha256, the operation name, the variables (canonical JSON) and the caller's
effective permissions (role, partner scope, PHI scope; never the credential), under a prefix
naming the schema, so callers with the same permissions share entries and a partner never
receives another partner's response. What is cached (queries without errors, stale data or
introspection, that read something) is the view's decision; this module stores and serves.

Each entry carries the tags of what it was built from (``gateway.cache.reads``) and lives until
the earliest of those reads goes stale (at most ``GATEWAY_RESPONSE_CACHE_MAX_TTL``). ``purge``
drops every entry with one of the tags: the entity cache calls it on every deletion and
invalidation (``Cache.on_invalidate``), so writes and Noyo events (``gateway.cache.invalidation``)
purge what they change. With a shared (Redis) store the purge is seen by every replica at once;
with memory stores every other replica purges its own on the invalidation's bus message
(``drop``, an in-process dropper of ``invalidation.listen``).

A body is stored without its ``responseCache`` extension, which says ``hit`` and ``ageSeconds``:
``render`` appends it, so a hit carries the very bytes of the miss that filled it but for that.
A hit in the last tenth of its entry's life (``StoredResponse.refresh_at``) has the view
re-execute it in the background (``gateway.response_refresh``), so popular entries are replaced
before they expire. Store failures never fail a request: a lookup that fails is a miss, a write
that fails is skipped.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from .entries import REFRESH_AHEAD, REFRESH_AHEAD_MAX
from .reads import ReadLog
from .response_stores import ResponseStore, StoredResponse, response_store_from_url

logger = logging.getLogger("gateway.cache.responses")

EXTENSION = "responseCache"
MISS_TAIL = b'"responseCache":{"hit":false,"ageSeconds":0}}}'
_HIT_TAIL = b'"responseCache":{"hit":true,"ageSeconds":%d}}}'
LATER = object()  # lookup_now: the store cannot answer without waiting


@dataclass
class ResponseCacheStats:
    hits: int = 0
    misses: int = 0
    stores: int = 0
    skipped_stores: int = 0  # a tag was purged while the response was being built
    purges: int = 0
    errors: int = 0
    refreshes: int = 0  # entries re-executed and replaced ahead of their expiry
    failed_refreshes: int = 0  # refreshes not stored (errors, stale data, a purge meanwhile)


def permissions_of(principal: Any) -> tuple[Any, ...]:
    """What decides a response besides the operation: role, partner scope, PHI scope."""
    if principal is None:
        return ("none",)
    org_ids = getattr(principal, "org_ids", None)
    group_ids = getattr(principal, "group_ids", None)
    return (
        getattr(principal, "role", None),
        None if org_ids is None else sorted(org_ids),
        None if group_ids is None else sorted(group_ids),
        bool(getattr(principal, "can_see_phi", False)),
    )


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


def with_miss_extension(payload: dict[str, Any]) -> bytes:
    """``payload`` as JSON bytes, its ``extensions`` last and ending with the miss marker."""
    extensions = dict(payload.pop("extensions", None) or {})
    extensions.pop(EXTENSION, None)
    extensions[EXTENSION] = {"hit": False, "ageSeconds": 0}
    payload["extensions"] = extensions
    return orjson.dumps(payload)


class ResponseCache:
    """See the module docstring."""

    def __init__(self, store: ResponseStore, *, salt: str, max_ttl: int, clock: Any = time.time) -> None:
        self.store = store
        self.salt = salt
        self.max_ttl = max_ttl
        self.clock = clock
        self.stats = ResponseCacheStats()
        self._permissions: dict[Any, bytes] = {}

    @classmethod
    def from_settings(cls, settings: Any, *, schema_sdl: str, clock: Any = time.time) -> ResponseCache:
        store = response_store_from_url(
            settings.gateway_cache_url,
            settings.gateway_cache_namespace,
            max_entries=settings.gateway_response_cache_max_entries,
            clock=clock,
        )
        salt = hashlib.sha256(f"{schema_sdl}\n{settings.gateway_env}".encode()).hexdigest()[:16]
        return cls(store, salt=salt, max_ttl=settings.gateway_response_cache_max_ttl, clock=clock)

    # -- keys ---------------------------------------------------------------------------
    def key(self, digest: str, operation_name: Any, variables: Any, principal: Any) -> str:
        """The entry key of one operation for one set of permissions."""
        permissions = self._permissions.get(principal)
        if permissions is None:
            permissions = orjson.dumps(permissions_of(principal))
            if len(self._permissions) > 4096:
                self._permissions.clear()
            self._permissions[principal] = permissions
        raw = orjson.dumps([digest, operation_name, variables or {}], option=orjson.OPT_SORT_KEYS)
        return f"{self.salt}:{hashlib.sha256(raw + permissions).hexdigest()[:40]}"

    # -- reads and writes ---------------------------------------------------------------
    async def lookup(self, key: str) -> StoredResponse | None:
        try:
            found = await self.store.get(key)
        except Exception as exc:  # noqa: BLE001 - a broken store is a miss
            self._failed("lookup", exc)
            found = None
        return self._counted(found)

    def lookup_now(self, key: str) -> Any:
        """``lookup`` without awaiting, when the store answers at once (``get_now``: memory);
        ``LATER`` when it cannot (Redis: then ``lookup``)."""
        get_now = getattr(self.store, "get_now", None)
        if get_now is None:
            return LATER
        try:
            found = get_now(key)
        except Exception as exc:  # noqa: BLE001 - a broken store is a miss
            self._failed("lookup", exc)
            found = None
        return self._counted(found)

    def _counted(self, found: StoredResponse | None) -> StoredResponse | None:
        if found is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return found

    def render(self, stored: StoredResponse, age: int | None = None) -> bytes:
        """The body of a hit: the stored bytes and a ``responseCache`` extension saying so (and
        ``age``, the ``Age`` header's figure when the caller has it already)."""
        if age is None:
            age = self.age(stored)
        return stored.body + _HIT_TAIL % age

    def age(self, stored: StoredResponse, now: float | None = None) -> int:
        return max(0, int((self.clock() if now is None else now) - stored.stored_at))

    async def save(self, key: str, body: bytes, reads: ReadLog, started_at: float) -> StoredResponse | None:
        """Store a miss's body (built by ``with_miss_extension``) for as long as what it read
        stays fresh; None when it is not stored (nothing read, already stale, purged meanwhile)."""
        if reads.empty or not body.endswith(MISS_TAIL):
            return None
        now = self.clock()
        # to the instant (not whole seconds): the earliest read is due for its own refresh ahead
        # no later than this entry, so the entry's refresh refetches it (``gateway.cache.entries``)
        ttl = min(self.max_ttl, reads.expires_at - now)
        if ttl < 1:
            return None
        prefix = body[: -len(MISS_TAIL)]
        refresh_at = now + ttl - min(REFRESH_AHEAD_MAX, REFRESH_AHEAD * ttl)
        stored = StoredResponse(prefix, f'W/"{hashlib.sha256(prefix).hexdigest()[:32]}"', now, refresh_at)
        try:
            saved = await self.store.put(key, stored, ttl, reads.tags, started_at)
        except Exception as exc:  # noqa: BLE001 - not caching is always safe
            self._failed("store", exc)
            return None
        if not saved:
            self.stats.skipped_stores += 1
            return None
        self.stats.stores += 1
        return stored

    # -- purges ---------------------------------------------------------------------------
    async def purge(self, tags: Iterable[str]) -> None:
        """Drop every response built from one of ``tags`` here and on every other replica."""
        tags = sorted(set(tags))
        if not tags:
            return
        self.stats.purges += 1
        try:
            await self.store.purge(tags)
        except Exception as exc:  # noqa: BLE001 - logged; entries still expire by TTL
            self._failed("purge", exc)

    async def drop(self, invalidation: Any) -> None:
        """Another replica's invalidation (``gateway.cache.invalidation``): purge this process's
        store (a shared store was purged by that replica already)."""
        if not self.store.shared:
            await self.store.purge(invalidation.tags)

    async def close(self) -> None:
        await self.store.close()

    def _failed(self, op: str, exc: Exception) -> None:
        self.stats.errors += 1
        logger.warning("response cache %s failed: %s", op, type(exc).__name__)


__all__ = [
    "EXTENSION",
    "LATER",
    "MISS_TAIL",
    "ResponseCache",
    "ResponseCacheStats",
    "StoredResponse",
    "document_hash",
    "permissions_of",
    "with_miss_extension",
]
