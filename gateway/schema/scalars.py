"""Converting Noyo's wire values into GraphQL scalars and enums.

- ``DateTime``: Noyo's integer Unix seconds become timezone-aware UTC datetimes
  (Strawberry's built-in ``DateTime`` scalar renders them as ISO-8601).
- ``Date``: Noyo's ``YYYY-MM-DD`` strings become ``datetime.date`` (``Date`` scalar).
- Enums: a value Noyo adds later is logged once (without the record) and served as
  ``UNKNOWN`` by output-only enums, or as ``null`` by enums that inputs use too (those
  have no ``UNKNOWN`` member: a client can never send it), instead of failing the
  whole list it appears in.
- ``SCALAR_OVERRIDES``: ``Date`` and ``DateTime`` with descriptions and ``@specifiedBy``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

import strawberry
from graphql import GraphQLError, ValueNode, value_from_ast_untyped
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition

logger = logging.getLogger("gateway.schema")

E = TypeVar("E", bound=enum.Enum)
_reported: set[tuple[str, str]] = set()


@overload
def from_epoch(value: int | float | dt.datetime) -> dt.datetime: ...
@overload
def from_epoch(value: None) -> None: ...
@overload
def from_epoch(value: int | float | dt.datetime | None) -> dt.datetime | None: ...
def from_epoch(value: int | float | dt.datetime | None) -> dt.datetime | None:
    """Unix seconds (Noyo's ``created``/``modified``/...) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


def optional_id(value: str | None) -> strawberry.ID | None:
    """A Noyo id as a GraphQL ``ID``; None stays None."""
    return None if value is None else strawberry.ID(value)


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


def _located_literal(parse_value: Callable[[Any], Any]) -> Callable[..., Any]:
    """A scalar's ``parse_literal`` that reports a refused literal AT the literal: graphql-core
    passes a scalar's own ``GraphQLError`` on as it is, and Strawberry's date parsers raise theirs
    without the node, so the error would have no ``locations`` for GraphiQL to point at."""

    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        try:
            return parse_value(value_from_ast_untyped(node, variables))
        except GraphQLError as error:
            if error.nodes:
                raise
            raise GraphQLError(error.message, nodes=node) from None

    return parse_literal


SCALAR_OVERRIDES = {
    dt.date: dataclasses.replace(
        DateDefinition,
        description="A calendar date, ISO 8601 `YYYY-MM-DD` (RFC 3339 full-date).",
        specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
        parse_literal=_located_literal(cast(Callable[[Any], Any], DateDefinition.parse_value)),
    ),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition,
        description="An instant, ISO 8601 with offset (RFC 3339 date-time), in UTC.",
        specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
        parse_literal=_located_literal(cast(Callable[[Any], Any], DateTimeDefinition.parse_value)),
    ),
}


def to_enum(enum_cls: type[E], value: Any) -> E | None:
    """The member of ``enum_cls`` whose value is ``value``; for a new upstream value
    ``UNKNOWN`` (output-only enums) or None (enums inputs use too)."""
    if isinstance(value, enum_cls):
        return value
    raw = getattr(value, "value", value)
    try:
        return enum_cls(raw)
    except ValueError:
        key = (enum_cls.__name__, str(raw))
        if key not in _reported:
            _reported.add(key)
            logger.warning("unknown upstream value %r for %s", raw, enum_cls.__name__)
        return enum_cls.__members__.get("UNKNOWN")


def to_output_enum(enum_cls: type[E], value: Any) -> E:
    """``to_enum`` for output enums: they carry ``UNKNOWN``, so the result is never None."""
    return cast(E, to_enum(enum_cls, value))


def to_enums(enum_cls: type[E], values: Any) -> list[E]:
    """Known members only: a new upstream value is left out of the list."""
    members = [to_enum(enum_cls, v) for v in values or []]
    return [m for m in members if m is not None]


def enum_value(member: enum.Enum | None) -> str | None:
    """The upstream (Noyo) value of a gateway enum member, for filters."""
    return None if member is None else member.value
