"""Helpers of the live-data tests: a private Redis, loopback servers, signed deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import uvicorn

from gateway.events.signature import sign

SECRET = "whsec-test-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port (never the shared one)."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.workdir = tempfile.mkdtemp()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.workdir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@contextlib.asynccontextmanager
async def serving(app: Any, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on loopback in this event loop; yields its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on", log_config=None))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def delivery(event_type: str, record_id: str, *, event_id: str | None = None, secret: str = SECRET,
             timestamp: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A body and Noyo's headers for one event, signed with ``secret``."""
    body = json.dumps({"data": {"id": record_id}, "event": {
        "id": event_id or str(uuid.uuid4()), "created": int(time.time()), "type": event_type,
    }}, separators=(",", ":")).encode()
    timestamp = timestamp or dt.datetime.now(dt.timezone.utc).isoformat()
    return body, {"content-type": "application/json", "x-noyo-timestamp": timestamp,
                  "x-noyo-signature": sign(secret, timestamp, body)}


async def eventually(predicate: Callable[[], Any], seconds: float = 5.0, step: float = 0.02) -> Any:
    """Poll ``predicate`` (sync or async) until it is truthy; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(step)


async def post(client: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return await client.post(path, content=body, headers=headers)
