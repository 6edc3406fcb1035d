"""Converting Noyo's wire values into GraphQL scalars and enums.

- ``DateTime``: Noyo's integer Unix seconds become timezone-aware UTC datetimes
  (Strawberry's built-in ``DateTime`` scalar renders them as ISO-8601).
- ``Date``: Noyo's ``YYYY-MM-DD`` strings become ``datetime.date`` (``Date`` scalar).
- Enums: every gateway enum carries an ``UNKNOWN`` member. A value Noyo adds later
  is logged once (without the record) and served as ``UNKNOWN`` instead of failing
  the whole list it appears in.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from typing import Any, TypeVar

logger = logging.getLogger("gateway.schema")

E = TypeVar("E", bound=enum.Enum)
_reported: set[tuple[str, str]] = set()


def from_epoch(value: int | float | dt.datetime | None) -> dt.datetime | None:
    """Unix seconds (Noyo's ``created``/``modified``/...) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)


def to_date(value: str | dt.date | None) -> dt.date | None:
    """Noyo's ``YYYY-MM-DD`` (or an already parsed date) as a date; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        logger.warning("unparseable upstream date value ignored")
        return None


def to_enum(enum_cls: type[E], value: Any) -> E:
    """The member of ``enum_cls`` whose value is ``value``; ``UNKNOWN`` for new upstream values."""
    if isinstance(value, enum_cls):
        return value
    raw = getattr(value, "value", value)
    try:
        return enum_cls(raw)
    except ValueError:
        key = (enum_cls.__name__, str(raw))
        if key not in _reported:
            _reported.add(key)
            logger.warning("unknown upstream value %r for %s served as UNKNOWN", raw, enum_cls.__name__)
        return enum_cls["UNKNOWN"]


def to_enums(enum_cls: type[E], values: Any) -> list[E]:
    return [to_enum(enum_cls, v) for v in values or []]


def enum_value(member: enum.Enum | None) -> str | None:
    """The upstream (Noyo) value of a gateway enum member, for filters."""
    return None if member is None else member.value
