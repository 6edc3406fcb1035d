"""Stored entry format and freshness.

An entry is stored as ``{"v": value, "t": stored_at, "ttl": fresh_ttl, "s": stale_window,
"g": generation}``. Relative to ``now`` it is FRESH while ``age < ttl``, STALE-USABLE while
``age < ttl + s`` (served only when the upstream is failing), and absent afterwards (the backend
TTL is ``ttl + s`` too, so the backend reclaims it; freshness itself is computed from the clock,
never from the backend, so an injected clock fully controls it). An entry whose generation differs
from the resource's current generation has been invalidated and reads as absent.

Refresh ahead: a fresh entry in the last tenth of its TTL (at most ``REFRESH_AHEAD_MAX`` seconds)
is ``due``. Read-through treats it as a miss (refetched, its value kept as the fallback), so the
records one response read, stored together, are refreshed together at that response's next miss,
rather than one by one as each expires, each time leaving the new response too short a life to
be cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: the share of an entry's TTL, before it expires, in which read-through refreshes it ahead
REFRESH_AHEAD = 0.1
#: at most this many seconds ahead (a response lives whole seconds: 1 s at least)
REFRESH_AHEAD_MAX = 2.0


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached value as read at some instant: ``fresh`` is False for a stale-usable entry."""

    value: Any
    stored_at: float
    fresh: bool
    age: float
    expires_at: float = 0.0  # when it stops being fresh (wall clock)

    @property
    def current(self) -> bool:
        """Fresh and not yet due for a refresh ahead of its expiry (see the module docstring)."""
        ttl = self.expires_at - self.stored_at
        return self.fresh and ttl - self.age >= min(REFRESH_AHEAD_MAX, REFRESH_AHEAD * ttl)


def pack(value: Any, *, now: float, ttl: float, stale_window: float, generation: int) -> dict[str, Any]:
    return {"v": value, "t": now, "ttl": ttl, "s": stale_window, "g": generation}


def backend_ttl(ttl: float, stale_window: float) -> int:
    """Whole seconds the backend keeps an entry (Redis EXPIRE takes integers)."""
    return max(1, math.ceil(ttl + stale_window))


def unpack(raw: Any, *, now: float, generation: int) -> Entry | None:
    """The entry's view at ``now``, or None when absent, malformed, expired or invalidated."""
    if not isinstance(raw, dict):
        return None
    try:
        stored_at = float(raw["t"])
        ttl = float(raw["ttl"])
        stale_window = float(raw.get("s", 0))
        if int(raw.get("g", 0)) != generation:
            return None
        value = raw["v"]
    except (KeyError, TypeError, ValueError):
        return None
    age = max(0.0, now - stored_at)
    if age >= ttl + stale_window:
        return None
    return Entry(value=value, stored_at=stored_at, fresh=age < ttl, age=age, expires_at=stored_at + ttl)
