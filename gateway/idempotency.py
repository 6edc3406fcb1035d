"""Idempotency keys for the write path, stored in the shared cache backend (Redis in production).

A key's record is ``done`` (the outcome, replayed to every retry) or ``pending`` (written
*before* the upstream call: the write was, or may have been, sent and its outcome is not known
yet). A pending record found later means the earlier attempt ended in doubt (a broken
connection, a 502, a crash): the caller reconciles by reading Noyo before anything is resent
(see ``gateway.writes.run_idempotent``).

Every operation talks to the backend directly and raises :class:`IdempotencyUnavailable` when it
cannot (Redis down, slow, or its circuit open): a keyed write is then refused before anything is
sent, never run unguarded. Work on one key is serialized in-process (an ``asyncio.Lock``) and,
on a shared backend, across replicas by a ``SET NX`` lease that expires after ``lock_ttl``
seconds; a request that cannot take the key within ``lock_wait`` seconds (another request still
holds it) raises :class:`IdempotencyKeyInUse` instead of waiting out its own deadline. A lease
whose release failed (Redis down at that moment) is released by this store the next time it
reaches Redis for a lease, so a retry does not wait for the lease to expire.

Records live ``ttl`` seconds (24 h by default) and hold no personal data: inputs are
fingerprinted (sha256) and callers choose what of an outcome is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from gateway.cache import Cache, canonical_json
from gateway.cache.entries import backend_ttl, pack, unpack

logger = logging.getLogger("gateway.idempotency")

RESOURCE = "idempotency"
LOCK_RESOURCE = "idempotency_lock"
DONE, PENDING = "done", "pending"


def fingerprint(payload: Any) -> str:
    """sha256 of the canonical JSON of a mutation's input."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    fingerprint: str
    outcome: Any
    created_at: float
    state: str = DONE  # DONE or PENDING

    @property
    def pending(self) -> bool:
        return self.state == PENDING


@dataclass(frozen=True, slots=True)
class IdempotentResult:
    outcome: Any
    replayed: bool  # True when the outcome came from an earlier request with the same key


class IdempotencyKeyReused(Exception):
    """The key was already used with a different input; ``record`` is what was stored."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("idempotency key already used with a different input")
        self.record = record


class IdempotencyUnavailable(Exception):
    """The idempotency store cannot be read or written right now (nothing was sent)."""


class IdempotencyKeyInUse(Exception):
    """Another request held this key for ``lock_wait`` seconds: retry shortly with the same key."""


class IdempotencyStore:
    """Records of idempotent writes keyed by (scope, key); see the module docstring."""

    def __init__(
        self,
        cache: Cache,
        *,
        ttl: int = 86400,
        lock_ttl: float = 60.0,
        lock_wait: float = 5.0,
        lock_poll: float = 0.02,
    ) -> None:
        self.cache = cache
        self.ttl = ttl
        self.lock_ttl = lock_ttl
        self.lock_wait = min(lock_wait, lock_ttl)
        self.lock_poll = lock_poll
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}
        # lease key -> (token, when it expires by itself): leases of ours whose release failed
        self._orphans: dict[str, tuple[str, float]] = {}

    @staticmethod
    def record_id(scope: str, key: str) -> str:
        # Hashed: client-chosen keys may be long or contain anything.
        return hashlib.sha256(canonical_json([scope, key]).encode()).hexdigest()[:32]

    @property
    def _backend(self) -> Any:
        # never the in-process fallback of a guarded backend: keys are shared, or refused
        return getattr(self.cache.backend, "strict", self.cache.backend)

    def _key(self, scope: str, key: str) -> str:
        return self.cache.entity_key(RESOURCE, self.record_id(scope, key))

    async def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        """The key's record; raises :class:`IdempotencyUnavailable` when the store fails."""
        try:
            (raw,) = await self._backend.mget([self._key(scope, key)])
        except Exception as exc:
            raise _unavailable("read", exc) from exc
        entry = unpack(raw, now=self.cache.clock(), generation=0)
        if entry is None or not isinstance(entry.value, dict) or "f" not in entry.value:
            return None
        value = entry.value
        state = PENDING if "p" in value else DONE
        return IdempotencyRecord(value["f"], value.get("o"), entry.stored_at, state)

    async def put(self, scope: str, key: str, fingerprint: str, outcome: Any) -> None:
        """Record ``outcome`` (JSON-serializable) as the key's final outcome for ``ttl`` seconds."""
        await self._store(scope, key, {"f": fingerprint, "o": outcome})

    async def begin(self, scope: str, key: str, fingerprint: str) -> None:
        """Mark the key pending, before its write is sent (write-ahead)."""
        await self._store(scope, key, {"f": fingerprint, "p": True})

    async def abandon(self, scope: str, key: str) -> None:
        """Forget the key: its write was proven not applied (safe to send again)."""
        try:
            await self._backend.delete_many([self._key(scope, key)])
        except Exception as exc:
            raise _unavailable("delete", exc) from exc

    async def _store(self, scope: str, key: str, value: dict[str, Any]) -> None:
        entry = pack(value, now=self.cache.clock(), ttl=self.ttl, stale_window=0, generation=0)
        try:
            await self._backend.mset([(self._key(scope, key), entry)], backend_ttl(self.ttl, 0))
        except Exception as exc:
            raise _unavailable("write", exc) from exc

    @asynccontextmanager
    async def lock(self, scope: str, key: str) -> AsyncIterator[None]:
        """Serialize work on one key: in-process always, across replicas on a shared backend.

        Raises :class:`IdempotencyKeyInUse` when the key is not obtained within ``lock_wait``."""
        rid = self.record_id(scope, key)
        deadline = asyncio.get_running_loop().time() + self.lock_wait
        lock, users = self._locks.setdefault(rid, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            try:
                async with asyncio.timeout_at(deadline):
                    await lock.acquire()
            except TimeoutError:
                raise IdempotencyKeyInUse(f"key held by another request for {self.lock_wait}s") from None
            try:
                if not self.cache.backend.distributed:
                    yield
                    return
                lease_key = self.cache.entity_key(LOCK_RESOURCE, rid)
                token = uuid.uuid4().hex
                await self._acquire_lease(lease_key, token, deadline)
                try:
                    yield
                finally:
                    await self._release_lease(lease_key, token)
            finally:
                lock.release()
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(rid, None)

    async def execute(
        self, scope: str, key: str, fingerprint: str, fn: Callable[[], Awaitable[Any]]
    ) -> IdempotentResult:
        """Run ``fn`` at most once per (scope, key) within ``ttl``; replay its outcome otherwise.

        Raises :class:`IdempotencyKeyReused` when the key was recorded with another fingerprint.
        An exception from ``fn`` is not recorded, so the call can be retried with the same key.
        """
        async with self.lock(scope, key):
            record = await self.get(scope, key)
            if record is not None and not record.pending:
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(record)
                return IdempotentResult(outcome=record.outcome, replayed=True)
            outcome = await fn()
            await self.put(scope, key, fingerprint, outcome)
            return IdempotentResult(outcome=outcome, replayed=False)

    async def _acquire_lease(self, lease_key: str, token: str, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        await self._release_orphans()
        delay = self.lock_poll
        while True:
            try:
                if await self._backend.add(lease_key, token, self.lock_ttl):
                    return
            except Exception as exc:
                self._orphan(lease_key, token)  # the SET may have landed without its answer
                raise _unavailable("lease", exc) from exc
            left = deadline - loop.time()
            if left <= 0:
                raise IdempotencyKeyInUse(f"lease not obtained within {self.lock_wait}s")
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 2, 0.5)

    async def _release_lease(self, lease_key: str, token: str) -> None:
        try:
            await self._backend.release(lease_key, token)
        except Exception as exc:  # noqa: BLE001 - released when Redis is next reached, or expires
            logger.warning("idempotency lease release failed: %s", type(exc).__name__)
            self._orphan(lease_key, token)

    def _orphan(self, lease_key: str, token: str) -> None:
        """Remember a lease that may still hold ``token``, to release it once Redis answers."""
        now = time.monotonic()
        self._orphans = {k: v for k, v in self._orphans.items() if v[1] > now}
        self._orphans[lease_key] = (token, now + self.lock_ttl)

    async def _release_orphans(self) -> None:
        """Release the leases of ours whose release failed (only while they still hold our token)."""
        while self._orphans:
            lease_key, (token, expires) = next(iter(self._orphans.items()))
            if expires > time.monotonic():
                try:
                    await self._backend.release(lease_key, token)
                except Exception as exc:
                    raise _unavailable("lease", exc) from exc
            if self._orphans.get(lease_key, (None,))[0] == token:
                del self._orphans[lease_key]


def _unavailable(operation: str, exc: Exception) -> IdempotencyUnavailable:
    logger.warning("idempotency store %s failed: %s", operation, type(exc).__name__)
    return IdempotencyUnavailable(f"idempotency store {operation} failed ({type(exc).__name__})")


__all__ = [
    "IdempotencyKeyInUse",
    "IdempotencyKeyReused",
    "IdempotencyRecord",
    "IdempotencyStore",
    "IdempotencyUnavailable",
    "IdempotentResult",
    "fingerprint",
]
