"""Refresh ahead for whole responses: a popular query's expiry never makes its callers wait.

A cached response lives until the first of the records and lists it read goes stale. Without
more, the request that finds it expired executes the operation again (an upstream round trip or
two) and every identical request arriving meanwhile waits for that one: under load, a stall of
the whole herd once per TTL. Instead, a hit in the last tenth of its entry's life (2 s at most;
``StoredResponse.refresh_at``) starts one background re-execution of its operation, for the same
caller (the request's scope: principal, headers, body), and is served the still-fresh entry at
once like every other request of that moment. The re-execution's read-through refetches the
records that are due (``gateway.cache.entries``) and stores the new response over the old one,
so the entry is replaced before it expires.

A refresh runs like a miss (``GatewayGraphQL._respond``): it is cached only when a miss would be
(no errors, no stale data) and not when one of its tags was purged after it began. It shares the
view's table of executions in flight: one per key at a time, and a miss of that key meanwhile
waits for it as for another miss. At most ``limit`` run at once (others are not started: their
entries expire and refill as misses), each within the request timeout; a failure is logged (its
kind only) and leaves the old entry to expire. Refreshes run in a context of their own, with a
request id of their own: they belong to no client request's access line or metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from .access_log import REQUEST_ID_HEADER, REQUEST_ID_SCOPE_KEY
from .raw_request import replay
from .security.logging import request_id_var
from .tracing import RECORD_SCOPE_KEY

logger = logging.getLogger("gateway.response_refresh")

#: A scope key marking a background refresh (the metrics extension does not count it as an operation).
REFRESH_SCOPE_KEY = "gateway.refresh"

Execute = Callable[[str, dict[str, Any], Any], Awaitable[Any]]  # (key, scope, receive) -> stored or None


async def _disconnected() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def land(flights: dict[str, asyncio.Future[Any]], key: str, flight: asyncio.Future[Any], stored: Any) -> None:
    """An execution of ``key`` (a miss or a refresh) is over: those waiting on ``flight`` get
    ``stored`` (None: run your own), and the table of executions in flight forgets it."""
    if not flight.done():
        flight.set_result(stored)
    if flights.get(key) is flight:
        del flights[key]


def background_scope(scope: dict[str, Any]) -> dict[str, Any]:
    """A copy of a request's scope for its refresh: same caller, a request id of its own."""
    request_id = uuid.uuid4().hex
    copied = dict(scope)
    copied["headers"] = [
        *((name, value) for name, value in scope.get("headers") or () if name != REQUEST_ID_HEADER),
        (REQUEST_ID_HEADER, request_id.encode()),
    ]
    copied[REQUEST_ID_SCOPE_KEY] = request_id
    copied[REFRESH_SCOPE_KEY] = True
    copied.pop(RECORD_SCOPE_KEY, None)  # the client request's access line is not the refresh's
    if isinstance(scope.get("state"), dict):
        copied["state"] = dict(scope["state"])
    return copied


class Refresher:
    """Starts and tracks refreshes (see the module docstring); ``close`` cancels those running."""

    def __init__(
        self, flights: dict[str, asyncio.Future[Any]], execute: Execute, *, stats: Any, limit: int, timeout: float
    ) -> None:
        self.flights = flights
        self.execute = execute
        self.stats = stats  # ResponseCacheStats: ``refreshes`` and ``failed_refreshes``
        self.limit = limit
        self.timeout = timeout
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, key: str, scope: dict[str, Any], body: bytes | None) -> bool:
        """Refresh ``key`` from this request unless it is being executed already or ``limit``
        refreshes are running; True when one was started."""
        if key in self.flights or len(self._tasks) >= self.limit:
            return False
        loop = asyncio.get_running_loop()
        flight = self.flights[key] = loop.create_future()
        coroutine = self._run(key, background_scope(scope), body, flight)
        task = loop.create_task(coroutine, name="response-refresh", context=contextvars.Context())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _run(self, key: str, scope: dict[str, Any], body: bytes | None, flight: asyncio.Future[Any]) -> None:
        request_id_var.set(scope[REQUEST_ID_SCOPE_KEY])
        stored = None
        try:
            async with asyncio.timeout(self.timeout):
                stored = await self.execute(key, scope, replay(body or b"", _disconnected))
        except Exception as exc:  # noqa: BLE001 - the old entry stays until it expires
            logger.warning("response refresh failed: %s", type(exc).__name__)
        finally:
            land(self.flights, key, flight, stored)
        if stored is None:
            self.stats.failed_refreshes += 1
        else:
            self.stats.refreshes += 1

    async def settle(self) -> None:
        """Wait for the refreshes running now (tests; a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()


__all__ = ["REFRESH_SCOPE_KEY", "Refresher", "background_scope", "land"]
