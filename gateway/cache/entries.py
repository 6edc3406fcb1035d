"""Stored entry format and freshness.

An entry is stored as ``{"v": value, "t": stored_at, "ttl": fresh_ttl, "s": stale_window,
"g": generation}``. Relative to ``now`` it is FRESH while ``age < ttl``, STALE-USABLE while
``age < ttl + s`` (served only when the upstream is failing), and absent afterwards (the backend
TTL is ``ttl + s`` too, so the backend reclaims it; freshness itself is computed from the clock,
never from the backend, so an injected clock fully controls it). An entry whose generation differs
from the resource's current generation has been invalidated and reads as absent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached value as read at some instant: ``fresh`` is False for a stale-usable entry."""

    value: Any
    stored_at: float
    fresh: bool
    age: float
    expires_at: float = 0.0  # when it stops being fresh (wall clock)


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
