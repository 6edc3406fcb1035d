"""Building plain output types from Noyo's JSON, field by field, the way ``translate`` builds
Noyo's JSON from inputs (the reverse direction).

``from_noyo(cls, data)`` fills every field of the Strawberry type ``cls`` whose Python name is a
Noyo key: nested types recursively, lists item by item, enums through ``to_enum`` (a value this
gateway does not know, or Noyo's empty string, is null; unknown list items are left out), dates
through ``to_date``, JSON as is. A key missing from ``data`` is null. Fields with a resolver are
not filled (they compute their value). Only for types whose field names are Noyo's own.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

from ..scalars import to_date, to_enum

T = TypeVar("T")


def from_noyo(cls: type[T], data: Mapping[str, Any] | None) -> T | None:
    """An instance of ``cls`` from Noyo's JSON object ``data``; None for None."""
    if data is None:
        return None
    values = {}
    for f in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if f.base_resolver is not None:
            continue
        values[f.python_name] = _value(f.type, data.get(f.python_name))
    return cls(**values)


def _value(kind: Any, raw: Any) -> Any:
    if isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    if raw is None:
        return None
    if isinstance(kind, StrawberryList):
        if not isinstance(raw, list):
            return None
        items = [_value(kind.of_type, item) for item in raw]
        return [item for item in items if item is not None]
    if isinstance(kind, StrawberryEnumDefinition):
        kind = kind.wrapped_cls
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return None if raw == "" else to_enum(kind, raw)
    if has_object_definition(kind):
        return from_noyo(kind, raw) if isinstance(raw, Mapping) else None
    if kind is dt.date:
        return to_date(raw)
    return raw


__all__ = ["from_noyo"]
