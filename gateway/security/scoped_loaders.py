"""``ScopedLoaders``: the request's loaders as a partner-scoped principal sees them.

- By-id loaders load through the real (cached) loaders, then drop out-of-scope records on the
  way out: a record cached for another partner never crosses scopes, and an out-of-scope id
  reads exactly like a missing one (``None``).
- Per-group and per-employee loaders answer their empty value for keys out of scope, without
  reading them.
- List fetchers pass the scope INTO the upstream query (``group_ids=`` for groups,
  comma-separated ``group_id=`` for disconnection requests and snapshots), so pages and
  ``totalCount`` only ever count in-scope records, and the scope is part of the cache key.
- ``warm`` reads ahead through the real loaders, as for any caller. ``get(key)`` then answers
  synchronously when the real loader holds the record and the scope can be decided without a
  read (``PartnerScope.decide_*``): a page of a partner's records resolves its nested records
  as plain values, as an unscoped caller's does. Anything else goes through ``load`` and the
  checks that read.

Anything these wrappers do not know is refused (fail closed), so a new loader must be
classified here before scoped principals can use it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from strawberry.dataloader import DataLoader

from gateway.record_loader import UNKNOWN, Loader, MaybeAwaitable, held

from .partner_scope import PartnerScope

logger = logging.getLogger("gateway.security.scoping")


class ScopedRecords(Loader[str, Any]):
    """``inner``'s records, ``None`` for those out of scope."""

    def __init__(self, scope: PartnerScope, inner: DataLoader[str, Any]) -> None:
        super().__init__(load_fn=self._load)
        self._scope = scope
        self.inner = inner

    async def _load(self, keys: list[str]) -> list[Any]:
        records = await self.inner.load_many(keys)
        allowed = await asyncio.gather(*(self._scope.allows_record(r) for r in records))
        return [r if ok else None for r, ok in zip(records, allowed)]

    def get(self, key: str) -> MaybeAwaitable[Any]:
        record = held(self.inner, key)
        if record is not UNKNOWN:
            allowed = self._scope.decide_record(record)
            if allowed is not None:
                return record if allowed else None
        return self.load(key)


class ScopedKeyed(Loader[str, Any]):
    """``inner``'s value per key (a group or employee id), ``empty`` for keys out of scope."""

    def __init__(
        self,
        check: Callable[[str], Awaitable[bool]],
        decide: Callable[[str], bool | None],
        inner: DataLoader[str, Any],
        empty: Callable[[], Any],
    ) -> None:
        super().__init__(load_fn=self._load)
        self._check, self._decide, self._empty = check, decide, empty
        self.inner = inner

    async def _load(self, keys: list[str]) -> list[Any]:
        allowed = await asyncio.gather(*(self._check(k) for k in keys))
        inside = [k for k, ok in zip(keys, allowed) if ok]
        values = dict(zip(inside, await self.inner.load_many(inside))) if inside else {}
        return [values[k] if k in values else self._empty() for k in keys]

    def get(self, key: str) -> MaybeAwaitable[Any]:
        allowed = self._decide(key)
        if allowed is False:
            return self._empty()
        if allowed:
            value = held(self.inner, key)
            if value is not UNKNOWN:
                return value
        return self.load(key)


class ScopedLoaders:
    """The request's ``Loaders`` as seen by a scoped principal (see module docstring)."""

    _PASS_THROUGH = frozenset({"carrier_by_id", "carriers_all", "prefetch_carriers", "carriers_listed"})

    def __init__(self, inner: Any, scope: PartnerScope) -> None:
        self._inner = inner
        self._scope = scope
        for name in (
            "group_by_id",
            "group_connection_by_id",
            "disconnection_request_by_id",
            "member_snapshot_by_id",
            "member_snapshot_detail_by_id",
            "employee_by_id",
            "dependent_by_id",
        ):
            setattr(self, name, ScopedRecords(scope, getattr(inner, name)))
        for name in ("connections_by_group_id", "disconnection_requests_by_group_id"):
            setattr(self, name, ScopedKeyed(scope.allows_group, scope.decide_group, getattr(inner, name), list))
        for name in ("enrollments_by_employee_id", "dependents_by_employee_id"):
            setattr(self, name, ScopedKeyed(scope.allows_employee, scope.decide_employee, getattr(inner, name), list))
        self.current_snapshot_by_employee_id = ScopedKeyed(
            scope.allows_employee, scope.decide_employee, inner.current_snapshot_by_employee_id, lambda: None
        )

    def __getattr__(self, name: str) -> Any:
        if name in self._PASS_THROUGH:
            return getattr(self._inner, name)
        logger.error("scoped principal used unclassified loader %r: refused", name)
        raise AttributeError(f"{name!r} is not available to partner-scoped principals")

    async def warm(self, wanted: Mapping[Any, Iterable[str]]) -> None:
        """Read ahead through the real loaders (``Loaders.warm``: cache reads only, nothing from
        Noyo); what they then hold is handed out by ``get`` only once its scope is decided."""
        await self._inner.warm({getattr(loader, "inner", loader): keys for loader, keys in wanted.items()})

    async def groups_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        ids = await self._scope.narrow(params.get("group_ids"))
        if not ids:
            return [], 0
        return await self._inner.groups_page({**params, "group_ids": ids}, offset, limit)

    async def employees_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        if not await self._scope.allows_group(params.get("group_id")):
            return [], 0
        return await self._inner.employees_page(params, offset, limit)

    async def disconnection_requests_page(
        self, params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[Any], int]:
        return await self._by_group_id(self._inner.disconnection_requests_page, params, offset, limit)

    async def member_snapshots_page(self, params: Mapping[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        return await self._by_group_id(self._inner.member_snapshots_page, params, offset, limit)

    async def _by_group_id(
        self, fetch: Callable[..., Awaitable[tuple[list[Any], int]]], params: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[Any], int]:
        ids = await self._scope.narrow(params.get("group_id"))
        if not ids:
            return [], 0
        return await fetch({**params, "group_id": ",".join(ids)}, offset, limit)


__all__ = ["ScopedKeyed", "ScopedLoaders", "ScopedRecords"]
