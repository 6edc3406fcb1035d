"""Where cached responses live: this process's memory, or Redis shared by every replica.

Both stores keep, per entry, the response body (up to its ``responseCache`` extension), its
ETag, when it was stored and when a hit should refresh it ahead of its expiry; a tag index (tag
-> entry keys) for purges; and, per tag, when it was last purged. A response whose request
started before one of its tags was purged is not stored: it may have been built from what the
purge removed. Entries live to the millisecond (Redis ``PX``), not whole seconds.

``RedisResponseStore`` does each operation in one round trip (a Lua script for store and purge,
so the check and the write cannot interleave with another replica's purge). Its errors are the
caller's to handle (``ResponseCache`` turns them into misses and logged no-ops).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, cast

import orjson

Clock = Any  # () -> float, wall-clock seconds

#: How long a purge is remembered, so a request that began before it cannot store its result.
PURGE_MEMORY_SECONDS = 600


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A cached response body (without its ``responseCache`` extension and closing braces)."""

    body: bytes
    etag: str
    stored_at: float
    refresh_at: float = math.inf  # from then on a hit refreshes it ahead (``gateway.response_refresh``)


class ResponseStore(Protocol):
    #: True when replicas share it (a purge here is seen by every replica).
    shared: bool

    async def get(self, key: str) -> StoredResponse | None: ...

    async def put(self, key: str, response: StoredResponse, ttl: float, tags: Iterable[str], started_at: float) -> bool:
        """Store unless a tag was purged at or after ``started_at``; True when stored."""
        ...

    async def purge(self, tags: Iterable[str]) -> None: ...

    async def close(self) -> None: ...


class _Slot:
    __slots__ = ("expires_at", "response", "tags")

    def __init__(self, response: StoredResponse, expires_at: float, tags: frozenset[str]) -> None:
        self.response = response
        self.expires_at = expires_at
        self.tags = tags


class MemoryResponseStore:
    """At most ``max_entries`` responses in this process, least recently used evicted first."""

    shared = False

    def __init__(self, max_entries: int = 10_000, clock: Clock = time.time) -> None:
        self.max_entries = max_entries
        self.clock = clock
        self._slots: OrderedDict[str, _Slot] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        self._purged: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._slots)

    async def get(self, key: str) -> StoredResponse | None:
        return self.get_now(key)

    def get_now(self, key: str) -> StoredResponse | None:
        """``get`` without awaiting (this store never waits): the whole-response hit's lookup."""
        slot = self._slots.get(key)
        if slot is None:
            return None
        if slot.expires_at <= self.clock():
            self._drop(key)
            return None
        self._slots.move_to_end(key)
        return slot.response

    async def put(self, key: str, response: StoredResponse, ttl: float, tags: Iterable[str], started_at: float) -> bool:
        tags = frozenset(tags)
        purged = self._purged
        if any(purged.get(tag, -1.0) >= started_at for tag in tags):
            return False
        self._drop(key)
        self._slots[key] = _Slot(response, response.stored_at + ttl, tags)
        for tag in tags:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._slots) > self.max_entries:
            self._drop(next(iter(self._slots)))
        return True

    async def purge(self, tags: Iterable[str]) -> None:
        now = self.clock()
        for tag in tags:
            self._purged[tag] = now
            for key in self._by_tag.pop(tag, ()):
                self._drop(key)
        if len(self._purged) > 10_000:
            horizon = now - PURGE_MEMORY_SECONDS
            self._purged = {t: at for t, at in self._purged.items() if at >= horizon}

    def _drop(self, key: str) -> None:
        slot = self._slots.pop(key, None)
        if slot is None:
            return
        for tag in slot.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]

    async def close(self) -> None:
        self._slots.clear()
        self._by_tag.clear()


# KEYS: entry, tag sets (n), purge marks (n). ARGV: value, ttl (ms), started_at, n.
_PUT = """
local n = tonumber(ARGV[4])
local started = tonumber(ARGV[3])
for i = 1, n do
  local purged = redis.call('GET', KEYS[1 + n + i])
  if purged and tonumber(purged) >= started then return 0 end
end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 1, n do
  redis.call('SADD', KEYS[1 + i], KEYS[1])
  if redis.call('PTTL', KEYS[1 + i]) < ttl then redis.call('PEXPIRE', KEYS[1 + i], ttl) end
end
return 1
"""

# KEYS: tag sets (n), purge marks (n). ARGV: now, mark ttl, n.
_PURGE = """
local n = tonumber(ARGV[3])
for i = 1, n do
  local keys = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, j, math.min(j + 499, #keys)))
  end
  redis.call('DEL', KEYS[i])
  redis.call('SET', KEYS[n + i], ARGV[1], 'EX', tonumber(ARGV[2]))
end
return n
"""


class RedisResponseStore:
    """Responses in Redis under ``{namespace}:rc:*``: every replica reads and purges the same."""

    shared = True

    def __init__(self, url: str, namespace: str, *, timeout: float = 1.0, clock: Clock = time.time) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self._prefix = f"{namespace}:rc:"
        self.clock = clock
        self._put = self._redis.register_script(_PUT)
        self._purge = self._redis.register_script(_PURGE)

    def _entry(self, key: str) -> str:
        return f"{self._prefix}e:{key}"

    async def get(self, key: str) -> StoredResponse | None:
        raw = await self._redis.get(self._entry(key))
        if raw is None:
            return None
        head, _, body = cast(bytes, raw).partition(b"\n")  # the client does not decode responses
        meta = orjson.loads(head)
        refresh_at = float(meta.get("r", math.inf))  # entries of an older gateway have none
        return StoredResponse(body=body, etag=meta["e"], stored_at=float(meta["t"]), refresh_at=refresh_at)

    async def put(self, key: str, response: StoredResponse, ttl: float, tags: Iterable[str], started_at: float) -> bool:
        tags = sorted(set(tags))
        meta = {"e": response.etag, "t": response.stored_at}
        if math.isfinite(response.refresh_at):
            meta["r"] = response.refresh_at
        value = orjson.dumps(meta) + b"\n" + response.body
        keys = [self._entry(key), *(f"{self._prefix}t:{t}" for t in tags), *(f"{self._prefix}p:{t}" for t in tags)]
        stored = await self._put(keys=keys, args=[value, max(1, int(ttl * 1000)), repr(started_at), len(tags)])
        return bool(stored)

    async def purge(self, tags: Iterable[str]) -> None:
        tags = sorted(set(tags))
        if not tags:
            return
        keys = [*(f"{self._prefix}t:{t}" for t in tags), *(f"{self._prefix}p:{t}" for t in tags)]
        await self._purge(keys=keys, args=[repr(self.clock()), PURGE_MEMORY_SECONDS, len(tags)])

    async def reset_connections(self) -> None:
        """Drop idle pooled connections (after Redis restarted; busy ones fail and reconnect on their own)."""
        await self._redis.connection_pool.disconnect(inuse_connections=False)

    async def close(self) -> None:
        await self._redis.aclose()


def response_store_from_url(url: str, namespace: str, *, max_entries: int, clock: Clock = time.time) -> ResponseStore:
    """``memory://`` -> :class:`MemoryResponseStore`; ``redis://...`` -> :class:`RedisResponseStore`."""
    if url.startswith(("redis://", "rediss://")):
        return RedisResponseStore(url, namespace, clock=clock)
    if url.startswith("memory://"):
        return MemoryResponseStore(max_entries, clock=clock)
    raise ValueError(f"unsupported response cache URL {url!r}; use memory:// or redis://")


__all__ = [
    "MemoryResponseStore",
    "RedisResponseStore",
    "ResponseStore",
    "StoredResponse",
    "response_store_from_url",
]
