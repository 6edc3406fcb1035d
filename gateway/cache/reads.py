"""What one request read from the cache and Noyo: the tags of a cached response and its deadline.

Tags use the cache's own vocabulary, so whatever invalidates the entity cache also names the
responses built from it:
- ``"<resource>:<id>"`` for a record or per-key list read (``"group:<id>"``,
  ``"disconnections_by_group:<group id>"``); ``Cache.delete_many(resource, ids)`` purges these;
- ``"<resource>"`` for every resource read at all (``"list:disconnections"``, ``"snapshot"``);
  ``Cache.invalidate_queries(resource)`` purges these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def entity_tag(resource: str, id: str) -> str:
    """The tag of one cached record or per-key list."""
    return f"{resource}:{id}"


def resource_tag(resource: str) -> str:
    """The tag of everything read from ``resource``."""
    return resource


class ReadLog:
    """Collects the tags of one request's reads and the earliest instant any of them goes stale."""

    __slots__ = ("expires_at", "tags")

    def __init__(self) -> None:
        self.tags: set[str] = set()
        self.expires_at = math.inf

    def record(self, resource: str, ids: Iterable[str], expires_at: float, *, per_id: bool = True) -> None:
        """``ids`` of ``resource`` were read, fresh until ``expires_at`` (wall-clock seconds)."""
        tags = self.tags
        tags.add(resource)
        if per_id:
            tags.update(f"{resource}:{i}" for i in ids)
        if expires_at < self.expires_at:
            self.expires_at = expires_at

    def contains(self, resource: str, ids: Iterable[str]) -> None:
        """Records of ``resource`` (listed in something already recorded) shaped the response too."""
        self.tags.update(f"{resource}:{i}" for i in ids)

    @property
    def empty(self) -> bool:
        return not self.tags


__all__ = ["ReadLog", "entity_tag", "resource_tag"]
