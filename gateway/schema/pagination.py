"""Relay-style connections over Noyo's offset pagination.

Cursors are opaque: base64 of ``"offset:<n>"``, the zero-based position of the
edge in the upstream list. ``after`` resumes right behind that position.
``first`` must be between 0 and ``MAX_PAGE_SIZE`` (Noyo's own page limit);
anything else is a ``BAD_USER_INPUT`` error rather than a silent clamp.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

import strawberry

from .errors import bad_input

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_PREFIX = "offset:"

T = TypeVar("T")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_input("Invalid cursor.", argument="after") from None
    if not raw.startswith(_PREFIX) or not raw[len(_PREFIX):].isdigit():
        raise bad_input("Invalid cursor.", argument="after")
    return int(raw[len(_PREFIX):])


@dataclass(frozen=True)
class Window:
    """The upstream slice a connection asks for: ``offset`` and ``limit`` (= first)."""

    offset: int
    limit: int


def window(first: int | None, after: str | None) -> Window:
    """Validate ``first``/``after`` and turn them into an offset window."""
    if first is None:
        first = DEFAULT_PAGE_SIZE
    if first < 0:
        raise bad_input("`first` must not be negative.", argument="first")
    if first > MAX_PAGE_SIZE:
        raise bad_input(f"`first` must not exceed {MAX_PAGE_SIZE}.", argument="first", max=MAX_PAGE_SIZE)
    offset = 0 if after is None else decode_cursor(after) + 1
    return Window(offset=offset, limit=first)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results (Relay connection) over an offset-paginated upstream list.")
class Page(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def build_page(nodes: Sequence[T], total: int, win: Window) -> Page[T]:
    """A ``Page`` for ``nodes`` found at ``win.offset`` in a list of ``total`` items."""
    nodes = list(nodes)[: win.limit]
    edges = [Edge(cursor=encode_cursor(win.offset + i), node=n) for i, n in enumerate(nodes)]
    return Page(
        edges=edges,
        page_info=PageInfo(
            has_next_page=win.offset + len(nodes) < total,
            has_previous_page=win.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
