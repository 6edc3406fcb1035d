"""Per-principal rate limiting: a fixed window counted in memory or in Redis (INCR + EXPIRE).

With a ``redis://`` cache URL every replica counts in the same Redis keys, so the
limit holds for the whole deployment; otherwise each process counts alone. Given the app's
``RedisGuard``, a Redis limiter that is slow or down hands over to a local one
(``FallbackRateLimiter``): each replica then enforces the limit alone until Redis is back.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


class Decision(NamedTuple):
    """One hit's answer (a tuple: made on every request)."""

    allowed: bool
    remaining: int
    retry_after: int  # seconds until the window resets (0 when allowed)


def parse_rate(text: str) -> Rate | None:
    """``"120/minute"`` -> ``Rate(120, 60)``; empty -> None (no limit); raises ``ValueError`` otherwise."""
    if not text.strip():
        return None
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"rate limit must look like '120/minute', got {text!r}")
    return Rate(int(match.group(1)), PERIODS[match.group(2)])


class RateLimiter(Protocol):
    rate: Rate

    async def hit(self, key: str) -> Decision: ...

    async def close(self) -> None: ...


class MemoryRateLimiter:
    """Fixed windows in this process's memory; old windows are dropped as time moves on."""

    def __init__(self, rate: Rate, clock: Callable[[], float] | None = None) -> None:
        self.rate = rate
        self.clock = clock or time.time  # wall clock: replicas agree on the window
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str) -> Decision:
        return self.hit_now(key)

    def hit_now(self, key: str) -> Decision:
        """``hit`` without awaiting (nothing here waits): the security layer's every request."""
        now = self.clock()
        window = int(now // self.rate.period)
        if window != self._window:
            self._window, self._counts = window, {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        if count <= self.rate.limit:  # what _decide answers, without the call
            return Decision(True, self.rate.limit - count, 0)
        return _decide(self.rate, count, now)

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """Fixed windows in Redis shared by every replica: ``INCR`` the window's key, ``EXPIRE`` it once."""

    def __init__(self, rate: Rate, url: str, prefix: str, clock: Callable[[], float] | None = None) -> None:
        from redis import asyncio as aioredis

        self.rate = rate
        self.clock = clock or time.time  # wall clock: replicas agree on the window
        self.prefix = prefix
        self.redis = aioredis.from_url(url)

    async def hit(self, key: str) -> Decision:
        now = self.clock()
        window = int(now // self.rate.period)
        redis_key = f"{self.prefix}:ratelimit:{self.rate.period}:{window}:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, self.rate.period + 1)  # the key names its window: re-arming is harmless
            count, _ = await pipe.execute()
        return _decide(self.rate, int(count), now)

    async def reset_connections(self) -> None:
        """Drop idle pooled connections (after Redis restarted; busy ones fail and reconnect on their own)."""
        await self.redis.connection_pool.disconnect(inuse_connections=False)

    async def close(self) -> None:
        await self.redis.aclose()


class FallbackRateLimiter:
    """``primary`` (Redis) through ``guard``; ``fallback`` (memory) whenever Redis fails."""

    def __init__(self, primary: RateLimiter, fallback: RateLimiter, guard: Any) -> None:
        self.rate = primary.rate
        self.primary = primary
        self.fallback = fallback
        self.guard = guard

    async def hit(self, key: str) -> Decision:
        from gateway.redis_guard import RedisUnavailable

        try:
            return await self.guard.run(lambda: self.primary.hit(key))
        except RedisUnavailable:
            return await self.fallback.hit(key)

    async def close(self) -> None:
        await self.primary.close()


def _decide(rate: Rate, count: int, now: float) -> Decision:
    if count <= rate.limit:
        return Decision(True, rate.limit - count, 0)
    window_end = (math.floor(now / rate.period) + 1) * rate.period
    return Decision(False, 0, max(1, math.ceil(window_end - now)))


def limiter_for(rate_text: str, cache_url: str, prefix: str, guard: Any = None) -> RateLimiter | None:
    """The limiter the settings ask for: Redis when the cache is Redis (behind ``guard``, with a
    local fallback, when one is given), memory otherwise, None when off."""
    rate = parse_rate(rate_text)
    if rate is None:
        return None
    if cache_url.startswith(("redis://", "rediss://", "unix://")):
        redis_limiter = RedisRateLimiter(rate, cache_url, prefix)
        if guard is None:
            return redis_limiter
        guard.recovery_hooks.append(redis_limiter.reset_connections)
        return FallbackRateLimiter(redis_limiter, MemoryRateLimiter(rate), guard)
    return MemoryRateLimiter(rate)


__all__ = [
    "Decision",
    "FallbackRateLimiter",
    "MemoryRateLimiter",
    "Rate",
    "RateLimiter",
    "RedisRateLimiter",
    "limiter_for",
    "parse_rate",
]
