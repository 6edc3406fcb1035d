"""Idempotency keys for the write path, stored in the shared :class:`gateway.cache.Cache`.

Flow (what :meth:`IdempotencyStore.execute` does): take the key's lock (an in-process
``asyncio.Lock``, plus a best-effort Redis ``SET NX`` lease when the cache is on Redis so replicas
serialize too), look the key up, and either replay the recorded outcome, report that the key was
reused with a different input (:class:`IdempotencyKeyReused` carries the stored record), or run
the upstream call once and record its outcome for ``ttl`` seconds. Exceptions from the call are
not recorded, so a failed attempt can be retried with the same key.

Failure mode: when the cache backend is down, lookups miss and records are not kept (fail open:
writes still work, deduplicated only by the in-process lock), and a lease that cannot be taken
within ``lock_ttl`` seconds is given up on (best effort) rather than blocking the write forever.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from gateway.cache import Cache, canonical_json

logger = logging.getLogger("gateway.idempotency")

RESOURCE = "idempotency"
LOCK_RESOURCE = "idempotency_lock"


def fingerprint(payload: Any) -> str:
    """sha256 of the canonical JSON of a mutation's input."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    fingerprint: str
    outcome: Any
    created_at: float


@dataclass(frozen=True, slots=True)
class IdempotentResult:
    outcome: Any
    replayed: bool  # True when the outcome came from an earlier request with the same key


class IdempotencyKeyReused(Exception):
    """The key was already used with a different input; ``record`` is what was stored."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("idempotency key already used with a different input")
        self.record = record


class IdempotencyStore:
    """Records of idempotent writes keyed by (scope, key); see the module docstring."""

    def __init__(
        self, cache: Cache, *, ttl: int = 86400, lock_ttl: float = 60.0, lock_poll: float = 0.02
    ) -> None:
        self.cache = cache
        self.ttl = ttl
        self.lock_ttl = lock_ttl
        self.lock_poll = lock_poll
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @staticmethod
    def record_id(scope: str, key: str) -> str:
        # Hashed: client-chosen keys may be long or contain anything.
        return hashlib.sha256(canonical_json([scope, key]).encode()).hexdigest()[:32]

    async def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        entry = await self.cache.get(RESOURCE, self.record_id(scope, key))
        if entry is None or not isinstance(entry.value, dict):
            return None
        value = entry.value
        return IdempotencyRecord(fingerprint=value["f"], outcome=value["o"], created_at=entry.stored_at)

    async def put(self, scope: str, key: str, fingerprint: str, outcome: Any) -> None:
        """Record ``outcome`` (JSON-serializable) for ``ttl`` seconds."""
        value = {"f": fingerprint, "o": outcome}
        await self.cache.set(RESOURCE, self.record_id(scope, key), value, self.ttl, stale_window=0)

    @asynccontextmanager
    async def lock(self, scope: str, key: str) -> AsyncIterator[None]:
        """Serialize work on one key: in-process always, across replicas when on Redis."""
        rid = self.record_id(scope, key)
        lock, users = self._locks.setdefault(rid, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                if not self.cache.backend.distributed:
                    yield
                    return
                lease_key = self.cache.entity_key(LOCK_RESOURCE, rid)
                token = uuid.uuid4().hex
                held = await self._acquire_lease(lease_key, token)
                try:
                    yield
                finally:
                    if held:
                        await self._release_lease(lease_key, token)
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(rid, None)

    async def execute(
        self, scope: str, key: str, fingerprint: str, fn: Callable[[], Awaitable[Any]]
    ) -> IdempotentResult:
        """Run ``fn`` at most once per (scope, key) within ``ttl``; replay its outcome otherwise.

        Raises :class:`IdempotencyKeyReused` when the key was recorded with another fingerprint.
        """
        async with self.lock(scope, key):
            record = await self.get(scope, key)
            if record is not None:
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(record)
                return IdempotentResult(outcome=record.outcome, replayed=True)
            outcome = await fn()
            await self.put(scope, key, fingerprint, outcome)
            return IdempotentResult(outcome=outcome, replayed=False)

    async def _acquire_lease(self, lease_key: str, token: str) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lock_ttl
        delay = self.lock_poll
        while True:
            try:
                if await self.cache.backend.add(lease_key, token, self.lock_ttl):
                    return True
            except Exception as exc:
                logger.warning("idempotency lease unavailable: %s", type(exc).__name__)
                return False
            if loop.time() >= deadline:
                logger.warning("idempotency lease not obtained within %ss; proceeding", self.lock_ttl)
                return False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    async def _release_lease(self, lease_key: str, token: str) -> None:
        try:
            await self.cache.backend.release(lease_key, token)
        except Exception as exc:
            logger.warning("idempotency lease release failed: %s", type(exc).__name__)
