"""Request deadlines without a timer per request.

``asyncio.timeout`` (like ``wait_for``) schedules a timer per request; a cancelled timer stays
in the event loop's heap until it would have fired, holding the request's context (and all it
references) for the whole timeout. Under load that is tens of thousands of dead requests kept
alive, and garbage-collector pauses walking them. ``Deadlines`` instead keeps one watchdog task
that, every ``tick`` seconds, cancels the requests past their deadline (all share one timeout,
so the oldest expire first and a tick looks at no more than it cancels).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator


class _Watch:
    __slots__ = ("deadline", "expired", "task")

    def __init__(self, task: asyncio.Task, deadline: float) -> None:
        self.task = task
        self.deadline = deadline
        self.expired = False


class Deadlines:
    """``async with deadlines.limit():`` raises ``TimeoutError`` once ``timeout`` seconds pass."""

    def __init__(self, timeout: float, tick: float = 0.25) -> None:
        self.timeout = timeout
        self.tick = min(tick, timeout / 4)
        self._watches: dict[int, _Watch] = {}
        self._ids = itertools.count()
        self._watchdog: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @contextlib.asynccontextmanager
    async def limit(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        assert task is not None
        self._ensure_watchdog()
        key = next(self._ids)
        watch = self._watches[key] = _Watch(task, time.monotonic() + self.timeout)
        try:
            yield
        except asyncio.CancelledError:
            if watch.expired and task.uncancel() == 0:
                raise TimeoutError from None
            raise
        finally:
            self._watches.pop(key, None)

    def _ensure_watchdog(self) -> None:
        loop = asyncio.get_running_loop()
        if self._watchdog is None or self._watchdog.done() or self._loop is not loop:
            self._loop = loop
            self._watches.clear()  # watches of another (closed) loop's requests
            self._watchdog = loop.create_task(self._watch_forever(), name="request-deadlines")

    async def _watch_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            now = time.monotonic()
            for key, watch in list(self._watches.items()):
                if watch.deadline > now:
                    break  # insertion order is deadline order
                del self._watches[key]
                watch.expired = True
                watch.task.cancel()


__all__ = ["Deadlines"]
