"""Ids from GraphQL arguments, checked before anything is looked up (every Noyo id is a UUID).

A lookup by a malformed id answers ``null`` (no such record can exist) and a malformed id in a
filter is the caller's error (``BAD_USER_INPUT`` naming the argument); neither reaches Noyo.
"""

from __future__ import annotations

from typing import Any

from gateway.noyo.ids import is_noyo_id

from .errors import bad_input


def lookup_id(value: Any) -> str | None:
    """``value`` as a Noyo id, or None when it cannot be one."""
    text = str(value)
    return text if is_noyo_id(text) else None


def filter_id(value: Any, argument: str) -> str | None:
    """``value`` as a Noyo id for a filter (None or empty: no filter); raises ``BAD_USER_INPUT`` otherwise."""
    if not value:
        return None
    text = lookup_id(value)
    if text is None:
        raise bad_input(f"`{argument}` must be a UUID.", argument=argument)
    return text


__all__ = ["filter_id", "lookup_id"]
