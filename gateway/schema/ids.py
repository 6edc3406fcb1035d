"""Ids from GraphQL arguments: global ids (Relay) or Noyo's own, checked before anything is looked up.

Every type implementing ``Node`` answers ``id`` with a global id: base64 of
``"<TypeName>:<noyo uuid>"`` (Strawberry's ``GlobalID``), and ``noyoId`` with Noyo's UUID.
Arguments naming a record accept either form; a global id of another type than the argument
names is the caller's error (``BAD_USER_INPUT`` naming the argument, or for mutations a
VALIDATION ``WriteError`` naming the field: ``id_problem``).

Every Noyo id is a UUID: a lookup by a malformed id answers ``null`` (no such record can
exist) and a malformed id in a filter is the caller's error (``BAD_USER_INPUT`` naming the
argument); neither reaches Noyo.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from strawberry.relay import GlobalID

from gateway.noyo.ids import is_noyo_id
from gateway.writes import ErrorCode, WriteError

from .errors import bad_input


def decode_global_id(value: str) -> tuple[str, str] | None:
    """``(type_name, noyo_id)`` of a global id; None when ``value`` is not one."""
    if is_noyo_id(value):
        return None
    try:
        raw = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, node_id = raw.partition(":")
    if not sep or not type_name.isidentifier() or not node_id:
        return None
    return type_name, node_id


def global_id(type_name: str, noyo_id: str) -> str:
    """The global id of the record ``noyo_id`` of ``type_name``."""
    return str(GlobalID(type_name=type_name, node_id=str(noyo_id)))


def noyo_id(value: Any, type_name: str, argument: str) -> str:
    """The id an argument names: the Noyo id inside a global id of ``type_name``, or ``value``
    itself; ``BAD_USER_INPUT`` for a global id of another type."""
    text = str(value)
    decoded = decode_global_id(text)
    if decoded is None:
        return text
    found, node_id = decoded
    if found != type_name:
        raise bad_input(f"`{argument}` must be the id of a {type_name}.", argument=argument)
    return node_id


def lookup_id(value: Any, type_name: str, argument: str = "id") -> str | None:
    """``value`` as a Noyo id of ``type_name`` for a lookup, or None when it cannot be one."""
    text = noyo_id(value, type_name, argument)
    return text if is_noyo_id(text) else None


def filter_id(value: Any, argument: str, type_name: str) -> str | None:
    """``value`` as a Noyo id for a filter (None or empty: no filter); raises ``BAD_USER_INPUT`` otherwise."""
    if not value:
        return None
    text = lookup_id(value, type_name, argument)
    if text is None:
        raise bad_input(f"`{argument}` must be a UUID or the global id of a {type_name}.", argument=argument)
    return text


def id_problem(value: Any, type_name: str, path: tuple[str, ...]) -> tuple[Any, list[WriteError]]:
    """``(noyo_id, [])`` for a Noyo id or a global id of ``type_name``; the value and a
    VALIDATION error naming ``path`` for a global id of another type."""
    decoded = decode_global_id(str(value))
    if decoded is None:
        return value, []
    if decoded[0] != type_name:
        return value, [WriteError(ErrorCode.VALIDATION, f"`{path[-1]}` must be the id of a {type_name}.", path)]
    return decoded[1], []


__all__ = ["decode_global_id", "filter_id", "global_id", "id_problem", "lookup_id", "noyo_id"]
