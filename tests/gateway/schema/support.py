"""Reading the emulator's seeded world to pick test subjects (never to predict gateway output
beyond what Noyo itself holds)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.applications import Starlette


def world(emulator_app: Starlette) -> Any:
    return emulator_app.state.emulator


def data(result: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of a GraphQL response that must have succeeded."""
    assert "errors" not in result, result.get("errors")
    return result["data"]


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def _redis_internal(coro: Any) -> bool:
    """Whether redis-py made this task itself: on Python 3.11 every socket write of a client with a
    socket timeout is an ``asyncio.wait_for`` task, and a connection the pool opens or checks writes
    its own commands (CLIENT SETINFO, PING) first; how many depends on how many connections the
    pool happens to hold, not on what the request resolves."""
    code = getattr(coro, "cr_code", None)
    return code is not None and f"{os.sep}redis{os.sep}" in code.co_filename


@contextmanager
def counting_tasks() -> Iterator[list[int]]:
    """Counts the tasks the running loop creates inside the block (``counted[0]``), redis-py's
    own socket writes aside."""
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    counted = [0]

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Future[Any]:
        counted[0] += not _redis_internal(coro)
        return previous(loop, coro, **kwargs) if previous else asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    try:
        yield counted
    finally:
        loop.set_task_factory(previous)
