"""Relay connections over Noyo's offset pagination.

Cursors are opaque: base64 of ``"offset:<n>"``, the zero-based position of the
edge in the upstream list. ``after`` starts right behind that position, ``before``
ends right before it; ``first`` keeps the first n items of that range, ``last`` the
last n. ``first`` and ``last`` are between 0 and ``MAX_PAGE_SIZE`` (Noyo's own page
limit) and not both given; anything else is a ``BAD_USER_INPUT`` error rather than a
silent clamp. Without either, ``first`` is ``DEFAULT_PAGE_SIZE``.

``paginate(fetch, args)`` asks ``fetch(offset, limit)`` for one upstream window and
returns ``(items, total)``; ``last`` without ``before`` first learns the total with a
zero-sized window (one cached upstream call).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from .errors import bad_input

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_PREFIX = "offset:"

T = TypeVar("T")
Fetch = Callable[[int, int], Awaitable[tuple[Sequence[T], int]]]


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, argument: str = "after") -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_input("Invalid cursor.", argument=argument) from None
    if not raw.startswith(_PREFIX) or not raw[len(_PREFIX) :].isdigit():
        raise bad_input("Invalid cursor.", argument=argument)
    return int(raw[len(_PREFIX) :])


FirstArg = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first n items (0 to {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} "
        "when neither `first` nor `last` is given)."
    ),
]
AfterArg = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
LastArg = Annotated[int | None, strawberry.argument(description=f"Return the last n items (0 to {MAX_PAGE_SIZE}).")]
BeforeArg = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]


@dataclass(frozen=True)
class PageArgs:
    """The four Relay arguments as a client sent them."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


def _size(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if value < 0:
        raise bad_input(f"`{name}` must not be negative.", argument=name)
    if value > MAX_PAGE_SIZE:
        raise bad_input(f"`{name}` must not exceed {MAX_PAGE_SIZE}.", argument=name, max=MAX_PAGE_SIZE)
    return value


@dataclass(frozen=True)
class Window:
    """The upstream slice a connection asks for: ``offset`` and ``limit``."""

    offset: int
    limit: int


def check_args(args: PageArgs) -> None:
    """Refuse bad arguments before any upstream call."""
    first, last = _size(args.first, "first"), _size(args.last, "last")
    if first is not None and last is not None:
        raise bad_input("Give `first` or `last`, not both.", argument="last")
    if args.after is not None:
        decode_cursor(args.after, "after")
    if args.before is not None:
        decode_cursor(args.before, "before")


def window(args: PageArgs, total: int | None = None) -> Window:
    """The offset window of ``args``; ``total`` is needed only for ``last`` without ``before``."""
    check_args(args)
    start = 0 if args.after is None else decode_cursor(args.after, "after") + 1
    end = decode_cursor(args.before, "before") if args.before is not None else total
    if args.last is not None:
        assert end is not None, "last without before needs the total"
        end = max(end, start)
        return Window(offset=max(start, end - args.last), limit=min(args.last, end - start))
    first = DEFAULT_PAGE_SIZE if args.first is None else args.first
    if end is not None:
        first = max(0, min(first, end - start))
    return Window(offset=start, limit=first)


@strawberry.type(description="Where a page sits in its list, and the cursors to move from it.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when items follow this page.")
    has_previous_page: bool = strawberry.field(description="True when items precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge; null when empty.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last edge; null when empty.")


@strawberry.type(description="One item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item, for `after` and `before`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay connection) over an offset-paginated upstream list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page sits, and cursors to move on.")
    total_count: int = strawberry.field(description="How many items the whole list holds.")

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def build_connection(nodes: Sequence[T], total: int, win: Window) -> Connection[T]:
    """A ``Connection`` for ``nodes`` found at ``win.offset`` in a list of ``total`` items."""
    nodes = list(nodes)[: win.limit]
    edges = [Edge(cursor=encode_cursor(win.offset + i), node=n) for i, n in enumerate(nodes)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=win.offset + len(nodes) < total,
            has_previous_page=win.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


async def paginate(fetch: Fetch, args: PageArgs, convert: Callable[[Any], T]) -> Connection[T]:
    """One page of the upstream list ``fetch`` serves, each item through ``convert``."""
    check_args(args)
    total = None
    if args.last is not None and args.before is None:
        _, total = await fetch(0, 0)
    win = window(args, total)
    items, total = await fetch(win.offset, win.limit)
    return build_connection([convert(i) for i in items], total, win)


def paginate_list(items: Sequence[Any], args: PageArgs, convert: Callable[[Any], T]) -> Connection[T]:
    """One page of a list already in memory (e.g. every record of a group, loaded once)."""
    win = window(args, len(items))
    return build_connection([convert(i) for i in items[win.offset : win.offset + win.limit]], len(items), win)


__all__ = [
    "MAX_PAGE_SIZE",
    "AfterArg",
    "BeforeArg",
    "Connection",
    "Edge",
    "FirstArg",
    "LastArg",
    "PageArgs",
    "PageInfo",
    "build_connection",
    "paginate",
    "paginate_list",
    "window",
]
