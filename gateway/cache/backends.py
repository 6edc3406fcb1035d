"""A thin adapter over aiocache 0.12.3 exposing only the batched operations the cache needs.

``memory://`` -> ``aiocache.SimpleMemoryCache`` (objects stored as-is, no serialization, no
operation timeout: it never blocks). ``redis://[:password@]host:port/db[?pool_max_size=N]`` ->
``aiocache.RedisCache`` with its ``JsonSerializer`` (never pickle: replicas may run different
code). Every method is one backend round trip whatever the number of keys.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import Any

from aiocache import Cache as AioCache
from aiocache import RedisCache, SimpleMemoryCache
from aiocache.serializers import JsonSerializer

SCHEMES = ("memory", "redis")


class Backend:
    """Batched key/value operations on one aiocache instance."""

    def __init__(self, cache: Any, *, distributed: bool) -> None:
        self._cache = cache
        #: True when several processes may share the store (Redis).
        self.distributed = distributed

    @classmethod
    def from_url(cls, url: str, *, timeout: float | None = 1.0) -> Backend:
        """Build from ``memory://`` or ``redis://...``; ``timeout`` bounds each Redis operation."""
        scheme = urllib.parse.urlparse(url).scheme
        if scheme not in SCHEMES:
            raise ValueError(f"unsupported cache URL scheme {scheme!r}; use memory:// or redis://")
        cache = AioCache.from_url(url)
        if isinstance(cache, RedisCache):
            cache.serializer = JsonSerializer()
            cache.timeout = timeout
            return cls(cache, distributed=True)
        assert isinstance(cache, SimpleMemoryCache)
        cache.timeout = None  # in-process dict: asyncio.wait_for would only add overhead
        return cls(cache, distributed=False)

    async def mget(self, keys: Sequence[str]) -> list[Any]:
        """Values in key order, None for missing keys (Redis: one MGET)."""
        if not keys:
            return []
        return await self._cache.multi_get(list(keys))

    async def mset(self, pairs: Sequence[tuple[str, Any]], ttl: int) -> None:
        """Store every pair with one TTL (Redis: one MSET+EXPIRE transaction pipeline)."""
        if pairs:
            await self._cache.multi_set(list(pairs), ttl=ttl)

    async def delete_many(self, keys: Sequence[str]) -> None:
        """Remove keys (Redis: one DEL)."""
        if not keys:
            return
        if self.distributed:
            await self._cache.raw("delete", *keys)
        else:
            for key in keys:
                await self._cache.delete(key)

    async def incr(self, key: str) -> int:
        """Atomically increment an integer counter (created at 1)."""
        return int(await self._cache.increment(key, 1))

    async def add(self, key: str, value: str, ttl: float) -> bool:
        """Set ``key`` only if absent (Redis: SET NX EX); True when this call set it."""
        try:
            await self._cache.add(key, value, ttl=ttl)
        except ValueError:
            return False
        return True

    async def release(self, key: str, value: str) -> None:
        """Delete ``key`` only if it still holds ``value`` (atomic on Redis)."""
        await self._cache._redlock_release(key, self._cache.serializer.dumps(value))

    async def reset_connections(self) -> None:
        """Drop idle pooled Redis connections (after Redis restarted); memory: nothing to do."""
        if self.distributed:
            await self._cache.client.connection_pool.disconnect(inuse_connections=False)

    async def ping(self) -> None:
        """Raise if the store is unreachable (Redis: one PING; memory: always fine)."""
        if self.distributed:
            await self._cache.raw("ping")

    async def close(self) -> None:
        if self.distributed:
            await self._cache.client.aclose()
        else:
            await self._cache.close()
