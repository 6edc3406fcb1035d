"""Noyo's offset pagination: parameter checks, id batching and a page iterator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from .models import Page

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")


class _Identified(Protocol):
    id: str


R = TypeVar("R", bound=_Identified)


def page_params(offset: int = 0, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, int]:
    """``{"offset", "page_size"}`` query parameters; ValueError outside Noyo's limits."""
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError("offset must be an integer >= 0")
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be an integer between 1 and {MAX_PAGE_SIZE}")
    return {"offset": offset, "page_size": page_size}


def unique(ids: Iterable[str]) -> list[str]:
    """``ids`` without duplicates, first occurrence order kept."""
    return list(dict.fromkeys(ids))


def in_order(ids: list[str], records: Iterable[R]) -> list[R]:
    """``records`` ordered as ``ids`` (by their ``id``); ids without a record are skipped."""
    by_id = {r.id: r for r in records}
    return [by_id[i] for i in ids if i in by_id]


def chunked(ids: Iterable[T], size: int = MAX_PAGE_SIZE) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items."""
    if size < 1:
        raise ValueError("size must be >= 1")
    chunk: list[T] = []
    for item in ids:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def iterate_pages(
    fetch: Callable[[int, int], Awaitable[Page[T]]], page_size: int = MAX_PAGE_SIZE
) -> AsyncIterator[T]:
    """Every item of a list, page by page: ``fetch(offset, page_size)`` returns one page."""
    page_params(0, page_size)
    offset = 0
    while True:
        page = await fetch(offset, page_size)
        for item in page.items:
            yield item
        offset += len(page.items)
        total = page.meta.total_records
        if not page.items or len(page.items) < page_size or (total is not None and offset >= total):
            return
