"""Accepting events: deduplicated on their id across replicas and queued durably.

``accept(message)`` is what the webhook answer waits for: on Redis ONE script both remembers
the event id (``SET NX EX``, kept as long as Noyo retries) and appends the event to a stream,
so an event is either accepted (remembered *and* queued) or not at all; when Redis cannot take
it, ``IntakeUnavailable`` is raised and the sender is told to retry. A worker in every replica
reads the stream through one consumer group (``take``), and ``ack``s (then deletes) an entry
only once it is processed: entries a replica took but never finished (it stopped, crashed) stay
pending and are taken over after ``claim_idle`` seconds by whichever replica asks next, the
restarted one included.

``memory://`` keeps the ids and the queue in process (one replica, nothing survives a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

logger = logging.getLogger("gateway.events.intake")

GROUP = "pipeline"
_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'event', ARGV[2])
  return 1
end
return 0
"""
_LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""


class IntakeUnavailable(Exception):
    """The event could not be remembered and queued (the store is unreachable)."""


@dataclass
class Delivery:
    """One queued event handed to a worker; ``deliveries`` counts how often it was handed out."""

    entry_id: str
    message: dict[str, Any]
    deliveries: int = 1


class Intake:
    """Deduplicating durable queue; build with ``Intake.from_url``."""

    distributed = False

    @classmethod
    def from_url(
        cls, url: str, *, namespace: str, dedupe_seconds: int = 259200, claim_idle: float = 60.0, timeout: float = 1.0
    ) -> Intake:
        scheme = urllib.parse.urlparse(url).scheme
        if scheme == "memory":
            return MemoryIntake(dedupe_seconds=dedupe_seconds)
        if scheme in ("redis", "rediss"):
            return RedisIntake(
                url, namespace=namespace, dedupe_seconds=dedupe_seconds, claim_idle=claim_idle, timeout=timeout
            )
        raise ValueError(f"unsupported events URL scheme {scheme!r}; use memory:// or redis://")

    async def start(self) -> None:
        """Open connections (and the consumer group)."""

    async def close(self) -> None:
        """Close connections; queued events stay queued (Redis)."""

    async def accept(self, key: str, message: dict[str, Any]) -> bool:
        """Remember ``key`` and queue ``message``: True when new, False for a duplicate."""
        raise NotImplementedError

    async def take(self, count: int, block: float) -> list[Delivery]:
        """Up to ``count`` deliveries, waiting at most ``block`` seconds for the first."""
        raise NotImplementedError

    async def ack(self, delivery: Delivery) -> None:
        """``delivery`` is processed (or given up on): it is never handed out again."""
        raise NotImplementedError

    async def lease(self, name: str, owner: str, seconds: float) -> bool:
        """Hold (or renew) the lease ``name`` for ``seconds``: True while ``owner`` holds it."""
        raise NotImplementedError


class MemoryIntake(Intake):
    """In-process ids and queue (``memory://``)."""

    def __init__(self, *, dedupe_seconds: int = 259200, clock: Any = time.monotonic) -> None:
        self.dedupe_seconds = dedupe_seconds
        self.clock = clock
        self._seen: dict[str, float] = {}
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._sequence = 0

    async def accept(self, key: str, message: dict[str, Any]) -> bool:
        now = self.clock()
        if len(self._seen) > 10_000:
            self._seen = {k: t for k, t in self._seen.items() if t > now}
        expires = self._seen.get(key)
        if expires is not None and expires > now:
            return False
        self._seen[key] = now + self.dedupe_seconds
        self._sequence += 1
        self._queue.put_nowait(Delivery(str(self._sequence), dict(message)))
        return True

    async def take(self, count: int, block: float) -> list[Delivery]:
        try:
            async with asyncio.timeout(block):
                first = await self._queue.get()
        except TimeoutError:
            return []
        taken = [first]
        while len(taken) < count and not self._queue.empty():
            taken.append(self._queue.get_nowait())
        return taken

    async def ack(self, delivery: Delivery) -> None:
        return None

    async def lease(self, name: str, owner: str, seconds: float) -> bool:
        return True  # one process: it always holds every lease


class RedisIntake(Intake):
    """Ids as ``SET NX EX`` keys and the queue as a Redis stream with one consumer group."""

    distributed = True

    def __init__(
        self,
        url: str,
        *,
        namespace: str,
        dedupe_seconds: int = 259200,
        claim_idle: float = 60.0,
        timeout: float = 1.0,
        consumer: str | None = None,
    ) -> None:
        self.url = url
        self.dedupe_seconds = dedupe_seconds
        self.claim_idle = claim_idle
        self.timeout = timeout
        self.consumer = consumer or uuid.uuid4().hex
        self.stream = f"{namespace}:events:stream"
        self._seen_prefix = f"{namespace}:events:seen:"
        self._client: Any = None  # short timeouts: the webhook answer waits on it
        self._reader: Any = None  # blocking reads
        self._script: Any = None
        self._lease: Any = None
        self._lease_prefix = f"{namespace}:events:lease:"
        self._group_ready = False

    async def start(self) -> None:
        from redis import asyncio as aioredis

        self._client = aioredis.Redis.from_url(
            self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
        )
        self._reader = aioredis.Redis.from_url(self.url, socket_connect_timeout=self.timeout)
        self._script = self._client.register_script(_ACCEPT)

    async def close(self) -> None:
        for client in (self._client, self._reader):
            if client is not None:
                with contextlib.suppress(Exception):  # closing a broken connection
                    await client.aclose()

    async def accept(self, key: str, message: dict[str, Any]) -> bool:
        payload = orjson.dumps(message)
        try:
            added = await self._script(keys=[self._seen_prefix + key, self.stream], args=[self.dedupe_seconds, payload])
        except Exception as exc:
            raise IntakeUnavailable(type(exc).__name__) from exc
        return bool(added)

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        from redis.exceptions import ResponseError

        try:
            await self._reader.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def take(self, count: int, block: float) -> list[Delivery]:
        from redis.exceptions import ResponseError

        await self._ensure_group()
        try:
            reclaimed = await self._reclaim(count)
            if reclaimed:
                return reclaimed
            answer = await self._reader.xreadgroup(
                GROUP, self.consumer, {self.stream: ">"}, count=count, block=max(int(block * 1000), 1)
            )
        except ResponseError as exc:
            if "NOGROUP" in str(exc):
                self._group_ready = False  # the stream was deleted: recreate it next time
            raise
        return [d for _, entries in answer or [] for d in self._deliveries(entries)]

    async def _reclaim(self, count: int) -> list[Delivery]:
        """Entries another consumer (or this replica before a restart) took and never acked."""
        result = await self._reader.xautoclaim(
            self.stream, GROUP, self.consumer, min_idle_time=int(self.claim_idle * 1000), start_id="0-0", count=count
        )
        entries = result[1] if len(result) > 1 else []
        deliveries = self._deliveries(entries)
        for delivery in deliveries:
            pending = await self._reader.xpending_range(
                self.stream, GROUP, min=delivery.entry_id, max=delivery.entry_id, count=1
            )
            delivery.deliveries = int(pending[0]["times_delivered"]) if pending else 2
        if deliveries:
            logger.info("took over %d unfinished event(s)", len(deliveries))
        return deliveries

    @staticmethod
    def _deliveries(entries: Any) -> list[Delivery]:
        out = []
        for entry_id, fields in entries or []:
            if not fields:
                continue  # deleted meanwhile
            raw = fields.get(b"event") or fields.get("event")
            try:
                message = json.loads(raw)
            except (TypeError, ValueError):
                logger.warning("dropped an unreadable queued event")
                continue
            out.append(Delivery(entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id), message))
        return out

    async def ack(self, delivery: Delivery) -> None:
        async with self._reader.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, GROUP, delivery.entry_id)
            pipe.xdel(self.stream, delivery.entry_id)
            await pipe.execute()

    async def lease(self, name: str, owner: str, seconds: float) -> bool:
        if self._lease is None:
            self._lease = self._client.register_script(_LEASE)
        held = await self._lease(keys=[f"{self._lease_prefix}{name}"], args=[owner, int(seconds * 1000)])
        return bool(held)


__all__ = ["Delivery", "Intake", "IntakeUnavailable", "MemoryIntake", "RedisIntake"]
