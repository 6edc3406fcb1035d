"""``described_enum``: a Strawberry enum with a description on the type and on every value.

    @described_enum("Where a request stands.", {"OPEN": "Waiting.", "DONE": "Finished."})
    class Status(enum.Enum):
        OPEN = "open"
        DONE = "done"

A value without a description (or a description for no value) fails at import, so an
enum cannot grow an undescribed value.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[enum.Enum])


def described_enum(description: str, values: Mapping[str, str], name: str | None = None) -> Callable[[E], E]:
    def wrap(cls: E) -> E:
        missing = set(cls.__members__) ^ set(values)
        if missing:
            raise TypeError(f"{cls.__name__}: value descriptions do not match the members: {sorted(missing)}")
        wrapped = strawberry.enum(cls, name=name, description=description)
        for value in wrapped.__strawberry_definition__.values:  # type: ignore[attr-defined]
            value.description = values[value.name]
        return wrapped

    return wrap


__all__ = ["described_enum"]
