"""Every Redis operation bounded in time and behind one circuit breaker.

``RedisGuard.run(op)`` awaits ``op()`` within ``timeout`` seconds. ``failures`` consecutive
failures (errors or timeouts) open the breaker: every later operation fails at once with
:class:`RedisUnavailable` (no request waits on a slow or dead Redis) while a background probe
PINGs Redis every ``probe_interval`` seconds; the first PONG closes the breaker again, so a
restarted Redis is used again within about a second, without restarting the gateway.

Callers choose what a failure means: the cache falls back to this process's memory
(:class:`gateway.cache.guarded.GuardedBackend`), the rate limiter to a local limiter, the
idempotency store refuses keyed writes, the response cache treats it as a miss. ``degraded``
(and the ``noyo_gateway_redis_degraded`` metric, and ``/readyz``'s body) says which state it
is in. One guard serves every Redis client of an app, so one outage is detected once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

logger = logging.getLogger("gateway.redis")

T = TypeVar("T")


class RedisUnavailable(Exception):
    """Redis did not answer in time, failed, or its circuit is open."""


class RedisGuard:
    """Timeout and circuit breaker shared by an app's Redis clients (see the module docstring)."""

    def __init__(
        self,
        *,
        timeout: float = 0.2,
        failures: int = 3,
        probe_interval: float = 0.5,
        probe: Callable[[], Awaitable[Any]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.failures = failures
        self.probe_interval = probe_interval
        self.probe = probe
        self.clock = clock
        self.opened_at: float | None = None
        self.opened_count = 0
        #: Run once Redis answers again, before the circuit closes: drop pooled connections that
        #: died with the old server, so they do not fail (and reopen the circuit) one by one.
        self.recovery_hooks: list[Callable[[], Awaitable[Any]]] = []
        self._consecutive = 0
        self._probing: asyncio.Task[None] | None = None

    @property
    def degraded(self) -> bool:
        """True while the breaker is open (Redis considered unavailable)."""
        return self.opened_at is not None

    async def run(self, op: Callable[[], Awaitable[T]]) -> T:
        """``await op()`` bounded by ``timeout``; raises :class:`RedisUnavailable` on any failure."""
        if self.opened_at is not None and (
            self.probe is not None or self.clock() - self.opened_at < self.probe_interval
        ):
            raise RedisUnavailable("Redis circuit open")
        # open without a probe and past the interval: this call goes through as the trial
        try:
            async with asyncio.timeout(self.timeout):
                result = await op()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._failed(exc)
            raise RedisUnavailable(f"Redis operation failed ({type(exc).__name__})") from exc
        self._succeeded()
        return result

    def _failed(self, exc: BaseException) -> None:
        self._consecutive += 1
        if self.opened_at is None and self._consecutive >= self.failures:
            self.opened_at = self.clock()
            self.opened_count += 1
            logger.warning("Redis unavailable (%s): circuit open, degrading to local state", type(exc).__name__)
            self._start_probe()
        elif self.opened_at is not None:
            self.opened_at = self.clock()

    def _succeeded(self) -> None:
        self._consecutive = 0
        if self.opened_at is not None:
            self.opened_at = None
            logger.warning("Redis available again: circuit closed")

    def _start_probe(self) -> None:
        if self.probe is None or (self._probing is not None and not self._probing.done()):
            return
        try:
            self._probing = asyncio.get_running_loop().create_task(self._probe_until_up(), name="redis-probe")
        except RuntimeError:  # no running loop: the next call becomes the trial
            self.probe = None

    async def _probe_until_up(self) -> None:
        assert self.probe is not None
        while self.opened_at is not None:
            await asyncio.sleep(self.probe_interval)
            try:
                async with asyncio.timeout(self.timeout):
                    await self.probe()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001, S112 - still down; probe again
                continue
            for hook in self.recovery_hooks:
                try:
                    async with asyncio.timeout(self.timeout):
                        await hook()
                except Exception as exc:  # noqa: BLE001 - a stale pool then fails on use instead
                    logger.warning("Redis recovery hook failed: %s", type(exc).__name__)
            self._succeeded()

    async def close(self) -> None:
        if self._probing is not None:
            self._probing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._probing


class Guarded:
    """``target`` with every coroutine method run through ``guard`` (``close`` excepted); with a
    ``fallback`` (same interface, in-process), a failed or skipped call runs there instead."""

    def __init__(self, target: Any, guard: RedisGuard, fallback: Any = None) -> None:
        self._target = target
        self._guard = guard
        self._fallback = fallback

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if name == "close" or not asyncio.iscoroutinefunction(attr):
            return attr

        async def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return await self._guard.run(lambda: attr(*args, **kwargs))
            except RedisUnavailable:
                if self._fallback is None:
                    raise
                return await getattr(self._fallback, name)(*args, **kwargs)

        return call


__all__ = ["Guarded", "RedisGuard", "RedisUnavailable"]
