"""Building plain output types from Noyo's JSON, field by field, the way ``translate`` builds
Noyo's JSON from inputs (the reverse direction).

``from_noyo(cls, data)`` fills every field of the Strawberry type ``cls`` whose Python name is a
Noyo key: nested types recursively, lists item by item, enums by value (a value this gateway
does not know, or Noyo's empty string, is null; unknown list items are left out), dates through
``to_date``, JSON as is. A key missing from ``data`` is null. Fields with a resolver are not
filled (they compute their value). Only for types whose field names are Noyo's own.

These are people's data: an unknown enum value is logged by enum and field only, never the value
(``scalars.to_enum`` logs the value, which is fine for statuses but not for a person's sex).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

from ..scalars import to_date

logger = logging.getLogger("gateway.schema")

T = TypeVar("T")
_reported: set[str] = set()


def from_noyo(cls: type[T], data: Mapping[str, Any] | None) -> T | None:
    """An instance of ``cls`` from Noyo's JSON object ``data``; None for None."""
    if data is None:
        return None
    values = {}
    for f in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if f.base_resolver is not None:
            continue
        values[f.python_name] = _value(f.type, data.get(f.python_name), f.python_name)
    return cls(**values)


def _enum(kind: type[enum.Enum], raw: Any, name: str) -> Any:
    if raw == "":
        return None
    try:
        return kind(raw)
    except ValueError:
        key = f"{kind.__name__}.{name}"
        if key not in _reported:
            _reported.add(key)
            logger.warning("unknown upstream value of %s (field %s) served as null", kind.__name__, name)
        return None


def _value(kind: Any, raw: Any, name: str) -> Any:
    if isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    if raw is None:
        return None
    if isinstance(kind, StrawberryList):
        if not isinstance(raw, list):
            return None
        items = [_value(kind.of_type, item, name) for item in raw]
        return [item for item in items if item is not None]
    if isinstance(kind, StrawberryEnumDefinition):
        kind = kind.wrapped_cls
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _enum(kind, raw, name)
    if has_object_definition(kind):
        return from_noyo(kind, raw) if isinstance(raw, Mapping) else None
    if kind is dt.date:
        return to_date(raw)
    return raw


__all__ = ["from_noyo"]
