"""Noyo's record ids: every one is a UUID in its canonical text form.

Only a value that passes :func:`is_noyo_id` may go into an upstream path or id filter, so a
caller-supplied ``../groups``, ``a%2Fb`` or 10 KB string can never reach Noyo.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import NoyoNotFound

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_noyo_id(value: Any) -> bool:
    """True when ``value`` is a UUID written ``8-4-4-4-12`` hex digits (nothing else)."""
    return isinstance(value, str) and len(value) == 36 and _UUID.fullmatch(value) is not None


class InvalidNoyoId(NoyoNotFound):
    """Raised by the client before any call when an id is not a UUID (no such record can exist,
    so it is a ``NoyoNotFound``); ``name`` is the path slot."""

    def __init__(self, name: str) -> None:
        super().__init__(f"`{name}` is not a Noyo id (a UUID)")
        self.name = name


__all__ = ["InvalidNoyoId", "is_noyo_id"]
