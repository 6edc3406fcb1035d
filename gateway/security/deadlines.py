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
import threading
import time
from types import TracebackType


class _Watch:
    """One request's deadline; ``with`` it around the request (``Deadlines.limit``)."""

    __slots__ = ("deadline", "deadlines", "expired", "key", "task")

    def __init__(self, deadlines: Deadlines, task: asyncio.Task, key: int, deadline: float) -> None:
        self.deadlines = deadlines
        self.task = task
        self.key = key
        self.deadline = deadline
        self.expired = False

    def __enter__(self) -> None:
        self.deadlines._watches[self.key] = self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.deadlines._watches.pop(self.key, None)
        if kind is asyncio.CancelledError and self.expired and self.task.uncancel() == 0:
            raise TimeoutError from None


class Deadlines:
    """``with deadlines.limit():`` (in a task) raises ``TimeoutError`` once ``timeout`` seconds
    pass. A plain context manager: entering and leaving costs two dictionary operations."""

    def __init__(self, timeout: float, tick: float = 0.25) -> None:
        self.timeout = timeout
        self.tick = min(tick, timeout / 4)
        self._watches: dict[int, _Watch] = {}
        self._next = 0
        self._watchdog: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = 0  # the thread that loop runs in

    def limit(self) -> _Watch:
        loop, watchdog = self._loop, self._watchdog
        # the watchdog's loop, when it runs in this thread, is the running one: its current task
        # is ours, found without asking for the running loop (which costs a system call, getpid)
        task = asyncio.current_task(loop) if loop is not None and self._thread == threading.get_ident() else None
        if task is None or watchdog is None or watchdog.done():
            loop = asyncio.get_running_loop()
            task = asyncio.current_task(loop)
            if watchdog is None or self._loop is not loop or watchdog.done():
                self._start_watchdog(loop)
        assert task is not None
        self._next += 1
        return _Watch(self, task, self._next, time.monotonic() + self.timeout)

    def _start_watchdog(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._thread = loop, threading.get_ident()
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
