"""A redis-server of the test's own on a free port (never the shared one), to pause and kill."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from bench._redis_server import RedisServer


def _needs_redis_server() -> None:
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    _needs_redis_server()
    with RedisServer() as server:
        yield server


@pytest.fixture
def own_persistent_redis() -> Iterator[RedisServer]:
    """The same, with an append-only file: what it held survives a kill and restart."""
    _needs_redis_server()
    with RedisServer(persistent=True) as server:
        yield server
