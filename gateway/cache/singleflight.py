"""In-process single-flight: concurrent identical misses share one in-flight call.

A *flight* is one asyncio future registered under one or more cache keys while its call runs.
Later callers needing any of those keys await the future instead of calling upstream again.
Exceptions reach every waiter. If the leading task is cancelled (e.g. its client went away), the
flight is abandoned and waiters retry on their own instead of being cancelled too. Keys are
unregistered as soon as the flight is done. Coalescing is per process only: replicas sharing
Redis may each make one call for the same miss (no cross-replica lock, by design: a lock would add
a round trip to every miss).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def _consume(future: asyncio.Future[Any]) -> None:
    # Mark the exception retrieved so a flight nobody joined does not log "never retrieved".
    if not future.cancelled():
        future.exception()


class Flight:
    """One registered in-flight call; resolve, reject or abandon it, then ``close`` it."""

    __slots__ = ("_group", "future", "keys")

    def __init__(self, group: SingleFlight, keys: Iterable[str]) -> None:
        self._group = group
        self.keys = list(keys)
        self.future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.future.add_done_callback(_consume)
        for key in self.keys:
            group._flights[key] = self.future

    def resolve(self, value: Any) -> None:
        if not self.future.done():
            self.future.set_result(value)

    def reject(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)

    def abandon(self) -> None:
        self.future.cancel()

    def close(self) -> None:
        """Unregister the keys (still mapped to this flight); abandons it if never settled."""
        self.abandon()
        flights = self._group._flights
        for key in self.keys:
            if flights.get(key) is self.future:
                del flights[key]


class SingleFlight:
    """Registry of in-flight calls keyed by cache key."""

    def __init__(self) -> None:
        self._flights: dict[str, asyncio.Future[Any]] = {}

    def __len__(self) -> int:
        return len(self._flights)

    def joinable(self, key: str) -> asyncio.Future[Any] | None:
        """The in-flight future covering ``key``, if any."""
        return self._flights.get(key)

    def start(self, keys: Iterable[str]) -> Flight:
        """Register a new flight for ``keys`` (the caller is its leader)."""
        return Flight(self, keys)

    async def coalesce(self, key: str, fn: Callable[[], Awaitable[T]]) -> T:
        """Run ``fn()`` unless a call for ``key`` is in flight, in which case share its outcome."""
        while True:
            future = self._flights.get(key)
            if future is None:
                flight = self.start([key])
                try:
                    value = await fn()
                except asyncio.CancelledError:
                    raise  # close() abandons: waiters retry
                except BaseException as exc:
                    flight.reject(exc)
                    raise
                else:
                    flight.resolve(value)
                    return value
                finally:
                    flight.close()
            if not await wait(future):
                continue
            return future.result()


async def wait(future: asyncio.Future[Any]) -> bool:
    """Wait for a flight without being cancelled by it; False when it was abandoned."""
    await asyncio.wait({future})
    return not future.cancelled()
