"""Reads a root field starts at once: those its selection will need that depend on nothing it returns.

A record's carrier is known only once the record is read, but Noyo's carrier list is one small,
unpaginated call that depends on nothing: when the selection reaches a ``Carrier`` anywhere, the
list starts together with the root field's own read, and every carrier below is answered from it
(``Loaders.prefetch_carriers``; ``GATEWAY_PREFETCH_CARRIERS``). A query that would otherwise take
one more round trip for its carriers takes none: as many upstream calls, one dependent round fewer.

Once a root field has its records, ``warm`` reads ahead what they reference from the cache, so
that nested records already cached resolve as plain values (no coroutine, no task per field).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from strawberry.types import Info

from .selection import selects_type


def start_independent_reads(info: Info) -> None:
    """Start, for the current root field, the reads its selection needs that depend on nothing."""
    if info.context.settings.gateway_prefetch_carriers and selects_type(info, "Carrier"):
        info.context.loaders.prefetch_carriers()


async def warm(info: Info, wanted: Mapping[str, Iterable[str]]) -> None:
    """Before a field returns its records: read ahead, in one cache multi-get, the records they
    reference that the selection will reach (``wanted``: per loader name, the keys), and let the
    carrier list finish, so that the nested fields answer synchronously (``Loaders.warm``)."""
    loaders = info.context.loaders
    await loaders.warm({getattr(loaders, name): keys for name, keys in wanted.items()})
    await loaders.carriers_listed()


__all__ = ["start_independent_reads", "warm"]
