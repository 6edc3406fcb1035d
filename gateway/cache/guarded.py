"""A Redis cache backend that never makes a request wait on Redis.

``GuardedBackend`` runs every operation of the Redis ``Backend`` through the app's
:class:`gateway.redis_guard.RedisGuard` (short timeout, circuit breaker). When Redis fails or the
circuit is open, reads and writes of cache entries go to an in-process memory backend instead, so
requests are served from this process's cache and Noyo, at the cost of replicas not sharing
entries (and of invalidations made during the outage reaching this process only) until Redis is
back. Leases (``add``/``release``) and ``ping`` have no fallback: they raise ``RedisUnavailable``.

``strict`` is the same backend without the fallback, for state that must be shared or not be at
all (idempotency keys: see ``gateway.idempotency``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gateway.redis_guard import RedisGuard, RedisUnavailable

from .backends import Backend


class GuardedBackend:
    """The ``Backend`` interface over a guarded Redis backend with a memory fallback."""

    def __init__(self, primary: Backend, guard: RedisGuard, fallback: Backend | None) -> None:
        self.primary = primary
        self.guard = guard
        self.fallback = fallback
        self.distributed = primary.distributed

    @property
    def strict(self) -> GuardedBackend:
        """This backend without the in-process fallback (failures raise ``RedisUnavailable``)."""
        return GuardedBackend(self.primary, self.guard, None)

    async def _either(self, name: str, *args: Any) -> Any:
        try:
            return await self.guard.run(lambda: getattr(self.primary, name)(*args))
        except RedisUnavailable:
            if self.fallback is None:
                raise
            return await getattr(self.fallback, name)(*args)

    async def mget(self, keys: Sequence[str]) -> list[Any]:
        return await self._either("mget", keys)

    async def mset(self, pairs: Sequence[tuple[str, Any]], ttl: int) -> None:
        await self._either("mset", pairs, ttl)

    async def delete_many(self, keys: Sequence[str]) -> None:
        await self._either("delete_many", keys)

    async def incr(self, key: str) -> int:
        return int(await self._either("incr", key))

    async def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(await self.guard.run(lambda: self.primary.add(key, value, ttl)))

    async def release(self, key: str, value: str) -> None:
        await self.guard.run(lambda: self.primary.release(key, value))

    async def ping(self) -> None:
        await self.guard.run(self.primary.ping)

    async def close(self) -> None:
        await self.primary.close()
        if self.fallback is not None:
            await self.fallback.close()


def guard_backend(backend: Backend, guard: RedisGuard | None) -> Any:
    """``backend`` guarded (with a memory fallback) when it is a shared Redis one and a guard is given."""
    if guard is None or not backend.distributed:
        return backend
    guard.recovery_hooks.append(backend.reset_connections)
    return GuardedBackend(backend, guard, Backend.from_url("memory://"))


__all__ = ["GuardedBackend", "guard_backend"]
