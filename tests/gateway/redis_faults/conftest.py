"""A redis-server of the test's own on a free port (never the shared one), to pause and kill."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from bench._redis_server import RedisServer


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    with RedisServer() as server:
        yield server
