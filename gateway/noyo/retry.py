"""When and how long to wait before retrying an upstream read.

Only GETs are retried: on connection failures (refused, reset, protocol errors),
timeouts and the statuses in ``RETRYABLE_STATUSES``. Writes are never retried
automatically: Noyo has no idempotency keys, so a retried POST can create a second
record. The delay before retry ``n`` (0-based) is full jitter over
``min(backoff_max, backoff_base * 2**n)``; a ``Retry-After`` from Noyo replaces it
(capped at ``backoff_max``). Retrying stops when attempts run out or when the
next attempt could not start before the overall deadline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

DEFAULT_MAX_ATTEMPTS = 4
INITIAL_RETRY_DELAY = 0.2
MAX_RETRY_DELAY = 5.0
DEFAULT_TOTAL_TIMEOUT = 30.0
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
RETRYABLE_METHODS = frozenset({"GET"})

Sleep = Callable[[float], Awaitable[None]]


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/invalid."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Retry limits for upstream reads. ``sleep``, ``jitter`` and ``clock`` are test seams."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_base: float = INITIAL_RETRY_DELAY
    backoff_max: float = MAX_RETRY_DELAY
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT
    sleep: Sleep = field(default=asyncio.sleep, compare=False)
    jitter: Callable[[], float] = field(default=random.random, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    def is_retryable_method(self, method: str) -> bool:
        return method.upper() in RETRYABLE_METHODS

    def is_retryable_status(self, status: int) -> bool:
        return status in RETRYABLE_STATUSES

    def backoff(self, retry: int) -> float:
        """Full-jitter delay before retry number ``retry`` (0 for the first retry)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2**retry))
        return self.jitter() * ceiling

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """The wait before retry ``retry``: Noyo's ``Retry-After`` (capped) if given, else back-off."""
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        return self.backoff(retry)

    def next_delay(self, attempt: int, started: float, retry_after: float | None = None) -> float | None:
        """The wait before another attempt after ``attempt`` attempts (1-based), or None to give up.

        ``started`` is the ``clock()`` value when the call began; no retry is made when
        its wait would end at or past the overall deadline.
        """
        if attempt >= self.max_attempts:
            return None
        wait = self.delay(attempt - 1, retry_after)
        if self.total_timeout is not None and self.clock() + wait >= started + self.total_timeout:
            return None
        return wait
