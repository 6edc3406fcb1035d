"""The cross-request cache: freshness-aware entries, generations, single-flight read-through."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .backends import Backend
from .entries import Entry, backend_ttl, pack, unpack
from .keys import KeyBuilder, params_key
from .reads import ReadLog, entity_tag, resource_tag
from .singleflight import SingleFlight, wait

logger = logging.getLogger("gateway.cache")

Clock = Callable[[], float]
OnStale = Callable[[str, str, float], None]
FetchMany = Callable[[list[str]], Awaitable[Mapping[str, Any]]]
StaleOn = tuple[type[BaseException], ...]
OnInvalidate = Callable[[list[str]], Awaitable[None]]


@dataclass
class CacheStats:
    """Process-local counters (cheap; export them as metrics if useful)."""

    hits: int = 0
    misses: int = 0
    stale_served: int = 0
    fetches: int = 0
    coalesced: int = 0
    backend_errors: int = 0


class Cache:
    """Cross-request cache shared by gateway replicas (memory:// or redis://).

    Values must be JSON-serializable (``model_dump(mode="json")``) and treated as read-only: the
    memory backend hands back the stored objects themselves. Backend failures never fail a
    request: reads degrade to misses, writes/invalidations are logged and dropped (with Redis down,
    nothing is read from it either, so nothing stale is served from it).

    Every resource has a generation counter stored in the backend; each entry records the
    generation it was written under and reads as absent once the counter moves
    (:meth:`invalidate_queries`). The counter is fetched in the same MGET as the entries, so a
    lookup costs no extra round trip and sees other replicas' invalidations immediately.
    Counters have no TTL: run Redis with ``noeviction`` or a ``volatile-*`` policy so they are
    never evicted (an evicted counter restarts at 0 and could revive entries of generation 0).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        namespace: str = "noyo-gateway",
        schema_version: int = 1,
        ttls: Mapping[str, int] | None = None,
        default_ttl: int = 60,
        stale_window: int = 3600,
        negative_ttl: int = 5,
        clock: Clock = time.time,
    ) -> None:
        self.backend = backend
        self.keys = KeyBuilder(namespace, schema_version)
        self.ttls = dict(ttls or {})
        self.default_ttl = default_ttl
        self.stale_window = stale_window
        self.negative_ttl = negative_ttl
        self.clock = clock
        self.stats = CacheStats()
        self._flights = SingleFlight()
        self._generations: dict[str, int] = {}  # last seen per resource: saves a GET in set_many
        #: Called with the read tags (``gateway.cache.reads``) of every deletion and invalidation,
        #: so whatever was built from those entries (cached responses) goes with them.
        self.on_invalidate: OnInvalidate | None = None

    @classmethod
    def from_url(
        cls,
        url: str = "memory://",
        *,
        namespace: str = "noyo-gateway",
        schema_version: int = 1,
        timeout: float | None = 1.0,
        **options: Any,
    ) -> Cache:
        """Build from ``memory://`` or ``redis://[:password@]host:port/db``; see ``__init__``."""
        backend = Backend.from_url(url, timeout=timeout)
        return cls(backend, namespace=namespace, schema_version=schema_version, **options)

    async def close(self) -> None:
        await self.backend.close()

    async def ping(self) -> None:
        """Raise when the backend is unreachable (for readiness probes; lookups never raise)."""
        await self.backend.ping()

    # -- keys and TTLs ---------------------------------------------------------------------
    def entity_key(self, resource: str, id: str) -> str:
        return self.keys.entity_key(resource, id)

    def query_key(self, resource: str, params: Mapping[str, Any]) -> str:
        return self.keys.query_key(resource, params)

    def ttl_for(self, resource: str) -> int:
        """Freshness of ``resource``: ``ttls[resource]``, else ``ttls[prefix]`` for
        ``"prefix:name"`` resources (``"list"`` covers ``"list:groups"``), else the default."""
        if resource in self.ttls:
            return self.ttls[resource]
        return self.ttls.get(resource.split(":", 1)[0], self.default_ttl)

    # -- plain operations ----------------------------------------------------------------
    async def get_many(self, resource: str, ids: Iterable[str]) -> dict[str, Entry]:
        """Fresh and stale-usable entries of ``ids`` (absent ids are left out); one MGET."""
        entries, _ = await self._read(resource, list(dict.fromkeys(ids)))
        return entries

    async def get_fresh(self, wanted: Mapping[str, Iterable[str]]) -> dict[str, dict[str, Entry]]:
        """Fresh entries of several resources' ids in ONE MGET; nothing is fetched or recorded
        (a request reads ahead what its resolvers will then answer synchronously)."""
        read = await self._read_all({resource: list(dict.fromkeys(ids)) for resource, ids in wanted.items()})
        return {resource: {i: e for i, e in entries.items() if e.current} for resource, (entries, _) in read.items()}

    async def get(self, resource: str, id: str) -> Entry | None:
        return (await self.get_many(resource, [id])).get(id)

    async def set_many(
        self,
        resource: str,
        values: Mapping[str, Any],
        ttl: int | None = None,
        *,
        stale_window: int | None = None,
    ) -> None:
        """Store values (``None`` = not found, kept ``negative_ttl``); one round trip, plus one
        GET of the generation when this process has not seen the resource yet."""
        generation = self._generations.get(resource)
        if generation is None:
            try:
                (raw,) = await self.backend.mget([self.keys.generation_key(resource)])
            except Exception as exc:  # noqa: BLE001 - a backend failure degrades to a miss, never fails a read
                self._backend_failed("read generation", resource, exc)
                return
            generation = self._remember_generation(resource, raw)
        await self._write(resource, values, generation, ttl, stale_window)

    async def set(
        self, resource: str, id: str, value: Any, ttl: int | None = None, *, stale_window: int | None = None
    ) -> None:
        await self.set_many(resource, {id: value}, ttl, stale_window=stale_window)

    async def delete_many(self, resource: str, ids: Iterable[str]) -> None:
        """Remove entries (one DEL); use after a write that changes them."""
        unique = list(dict.fromkeys(ids))
        keys = [self.keys.entity_key(resource, i) for i in unique]
        try:
            await self.backend.delete_many(keys)
        except Exception as exc:  # noqa: BLE001 - a backend failure is logged and dropped (see the class)
            self._backend_failed("delete", resource, exc, level=logging.ERROR)
        await self._invalidated([entity_tag(resource, i) for i in unique])

    async def invalidate_queries(self, resource: str) -> None:
        """Invalidate every cached entry of ``resource`` (all its lists/queries) on every replica:
        one INCR of its generation counter, no SCAN. Old entries simply expire."""
        try:
            generation = await self.backend.incr(self.keys.generation_key(resource))
        except Exception as exc:  # noqa: BLE001 - a backend failure is logged and dropped (see the class)
            self._backend_failed("invalidate", resource, exc, level=logging.ERROR)
        else:
            self._generations[resource] = generation
        await self._invalidated([resource_tag(resource)])

    async def _invalidated(self, tags: list[str]) -> None:
        if self.on_invalidate is None or not tags:
            return
        try:
            await self.on_invalidate(tags)
        except Exception as exc:  # noqa: BLE001 - the entity cache is already consistent
            logger.error("dependent purge failed for %d tag(s): %s", len(tags), type(exc).__name__)

    def forget_local(self, resources: Iterable[str]) -> None:
        """Drop what this process remembers of ``resources`` (their last seen generation), after
        another replica invalidated them; the next write reads the counter again."""
        for resource in resources:
            self._generations.pop(resource, None)

    async def coalesce(self, key: str, fn: Callable[[], Awaitable[Any]]) -> Any:
        """Share one in-flight ``fn()`` among concurrent callers using the same ``key``."""
        return await self._flights.coalesce(key, fn)

    # -- read-through --------------------------------------------------------------------
    async def fetch_many(
        self,
        resource: str,
        ids: Iterable[str],
        fetch: FetchMany,
        *,
        ttl: int | None = None,
        stale_on: StaleOn = (),
        on_stale: OnStale | None = None,
        reads: ReadLog | None = None,
        per_id: bool = True,
    ) -> dict[str, Any]:
        """Values of ``ids`` (``None`` = not found), reading through the cache.

        Fresh entries are returned as is; misses and stale ids go to ONE ``fetch(ids)`` call
        (ids already being fetched by a concurrent caller in this process join that call
        instead), whose results are stored. Ids missing from its result are cached as not found
        for ``negative_ttl`` seconds (overwrite them with :meth:`set` after a create). If a fetch
        raises one of ``stale_on`` and every id it was for has a stale-usable entry, those stale
        values are returned and ``on_stale(resource, id, age_seconds)`` is called for each;
        otherwise the exception propagates.

        ``reads`` (when given) records the tags of ``ids`` and when the earliest of them stops
        being fresh (``per_id=False`` records only the resource, for query-keyed lists).
        """
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        entries, generation = await self._read(resource, wanted)
        found = {}
        expires_at = math.inf
        for i, e in entries.items():
            if e.current:  # a fresh entry due for its refresh ahead is fetched again with the misses
                found[i] = e.value
                expires_at = min(expires_at, e.expires_at)
        self.stats.hits += len(found)
        missing = [i for i in wanted if i not in found]
        if missing:
            self.stats.misses += len(missing)
            fetched_at = self.clock()
            fetched, failures = await self._fetch_missing(resource, missing, fetch, generation, ttl)
            found.update(fetched)
            expires_at = min(expires_at, fetched_at + (self.ttl_for(resource) if ttl is None else ttl))
            if failures:
                expires_at = min(expires_at, self._serve_stale(resource, failures, entries, stale_on, on_stale, found))
        if reads is not None:
            reads.record(resource, wanted, expires_at, per_id=per_id)
        return {i: found.get(i) for i in wanted}

    async def fetch_one(
        self,
        resource: str,
        key: str | Mapping[str, Any],
        fetch: Callable[[], Awaitable[Any]],
        *,
        ttl: int | None = None,
        stale_on: StaleOn = (),
        on_stale: OnStale | None = None,
        reads: ReadLog | None = None,
    ) -> Any:
        """:meth:`fetch_many` for one key; a mapping ``key`` is a query's parameters (hashed)."""
        id = key if isinstance(key, str) else params_key(key)

        async def fetch_batch(_: list[str]) -> dict[str, Any]:
            return {id: await fetch()}

        values = await self.fetch_many(
            resource,
            [id],
            fetch_batch,
            ttl=ttl,
            stale_on=stale_on,
            on_stale=on_stale,
            reads=reads,
            per_id=isinstance(key, str),
        )
        return values[id]

    # -- internals -----------------------------------------------------------------------
    async def _read(self, resource: str, ids: list[str]) -> tuple[dict[str, Entry], int | None]:
        """Usable entries and the resource's generation (None when the backend failed)."""
        return (await self._read_all({resource: ids}))[resource]

    async def _read_all(self, plan: Mapping[str, list[str]]) -> dict[str, tuple[dict[str, Entry], int | None]]:
        """``_read`` of several resources in ONE MGET (their entries, then their generations)."""
        keys: list[str] = []
        for resource, ids in plan.items():
            keys.extend(self.keys.entity_key(resource, i) for i in ids)
            keys.append(self.keys.generation_key(resource))
        try:
            raws = await self.backend.mget(keys)
        except Exception as exc:  # noqa: BLE001 - a backend failure is logged and dropped (see the class)
            self._backend_failed("read", ",".join(plan), exc)
            return dict.fromkeys(plan, ({}, None))
        now = self.clock()
        read: dict[str, tuple[dict[str, Entry], int | None]] = {}
        start = 0
        for resource, ids in plan.items():
            end = start + len(ids)
            generation = self._remember_generation(resource, raws[end])
            entries = {}
            for id, raw in zip(ids, raws[start:end]):
                entry = unpack(raw, now=now, generation=generation)
                if entry is not None:
                    entries[id] = entry
            read[resource] = (entries, generation)
            start = end + 1
        return read

    async def _write(
        self,
        resource: str,
        values: Mapping[str, Any],
        generation: int,
        ttl: int | None,
        stale_window: int | None,
    ) -> None:
        now = self.clock()
        fresh_ttl = self.ttl_for(resource) if ttl is None else ttl
        window = self.stale_window if stale_window is None else stale_window
        negative_ttl = self.negative_ttl if fresh_ttl > 0 else 0
        found, not_found = [], []
        for id, value in values.items():
            key = self.keys.entity_key(resource, id)
            if value is not None:
                entry = pack(value, now=now, ttl=fresh_ttl, stale_window=window, generation=generation)
                found.append((key, entry))
            elif negative_ttl > 0:
                entry = pack(None, now=now, ttl=negative_ttl, stale_window=0, generation=generation)
                not_found.append((key, entry))
        try:
            if found and fresh_ttl > 0:
                await self.backend.mset(found, backend_ttl(fresh_ttl, window))
            if not_found:
                await self.backend.mset(not_found, backend_ttl(negative_ttl, 0))
        except Exception as exc:  # noqa: BLE001 - a backend failure is logged and dropped (see the class)
            self._backend_failed("write", resource, exc)

    async def _fetch_missing(
        self, resource: str, missing: list[str], fetch: FetchMany, generation: int | None, ttl: int | None
    ) -> tuple[dict[str, Any], list[tuple[BaseException, list[str]]]]:
        values: dict[str, Any] = {}
        failures: list[tuple[BaseException, list[str]]] = []
        pending = missing
        while pending:
            own: list[str] = []
            joined: dict[asyncio.Future[Any], list[str]] = {}
            for id in pending:
                future = self._flights.joinable(self.keys.entity_key(resource, id))
                if future is None:
                    own.append(id)
                else:
                    joined.setdefault(future, []).append(id)
            retry: list[str] = []
            if own:
                flight = self._flights.start(self.keys.entity_key(resource, i) for i in own)
                self.stats.fetches += 1
                try:
                    got = await fetch(list(own))
                    batch = {i: got.get(i) for i in own}
                except Exception as exc:  # noqa: BLE001 - handed to every waiter, then re-raised below
                    flight.reject(exc)
                    failures.append((exc, own))
                else:
                    flight.resolve(batch)  # waiters proceed while we store
                    values.update(batch)
                    if generation is not None:
                        await self._write(resource, batch, generation, ttl, None)
                finally:
                    flight.close()
            for future, fids in joined.items():
                self.stats.coalesced += len(fids)
                if not await wait(future):
                    retry.extend(fids)  # its leader was cancelled: fetch them ourselves
                elif (error := future.exception()) is not None:
                    failures.append((error, fids))
                else:
                    batch = future.result()
                    values.update((i, batch.get(i)) for i in fids)
            pending = retry
        return values, failures

    def _serve_stale(
        self,
        resource: str,
        failures: list[tuple[BaseException, list[str]]],
        entries: Mapping[str, Entry],
        stale_on: StaleOn,
        on_stale: OnStale | None,
        found: dict[str, Any],
    ) -> float:
        """Serve the entries of failed fetches; returns when the earliest of them that is still
        fresh (a refresh ahead that failed: served as fresh, not noted stale) expires."""
        for exc, ids in failures:
            if any(i not in entries for i in ids):
                raise exc
            if not isinstance(exc, stale_on) and not all(entries[i].fresh for i in ids):
                raise exc
        expires_at = math.inf
        for _, ids in failures:
            for id in ids:
                entry = entries[id]
                found[id] = entry.value
                if entry.fresh:
                    expires_at = min(expires_at, entry.expires_at)
                    continue
                self.stats.stale_served += 1
                if on_stale is not None:
                    on_stale(resource, id, entry.age)
        return expires_at

    def _remember_generation(self, resource: str, raw: Any) -> int:
        try:
            generation = int(raw) if raw is not None else 0
        except (TypeError, ValueError):
            generation = 0
        self._generations[resource] = generation
        return generation

    def _backend_failed(self, op: str, resource: str, exc: Exception, *, level: int = logging.WARNING) -> None:
        self.stats.backend_errors += 1
        logger.log(level, "cache %s failed for resource %s: %s", op, resource, type(exc).__name__)
