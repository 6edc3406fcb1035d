"""Fixtures of the live-data tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from bench._redis_server import RedisServer


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free port (for tests that stop it)."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    with RedisServer() as server:
        yield server
