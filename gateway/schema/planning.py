"""Reads a root field starts at once: those its selection will need that depend on nothing it returns.

A record's carrier is known only once the record is read, but Noyo's carrier list is one small,
unpaginated call that depends on nothing: when the selection reaches a ``Carrier`` anywhere, the
list starts together with the root field's own read, and every carrier below is answered from it
(``Loaders.prefetch_carriers``; ``GATEWAY_PREFETCH_CARRIERS``). A query that would otherwise take
one more round trip for its carriers takes none: as many upstream calls, one dependent round fewer.
"""

from __future__ import annotations

from strawberry.types import Info

from .selection import selects_type


def start_independent_reads(info: Info) -> None:
    """Start, for the current root field, the reads its selection needs that depend on nothing."""
    if info.context.settings.gateway_prefetch_carriers and selects_type(info, "Carrier"):
        info.context.loaders.prefetch_carriers()


__all__ = ["start_independent_reads"]
