"""``python -m noyo_emulator`` serves Noyo over real HTTP on a loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "noyo_emulator", "--host", "127.0.0.1", "--port", str(port), "--seed", "42"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{base_url}/__emulator/clock", timeout=0.5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("python -m noyo_emulator did not start")
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_token_and_group_over_real_http(served: str) -> None:
    with httpx.Client(base_url=served, timeout=5) as client:
        # given a token from the served emulator
        token = client.post(
            "/auth/public/token", auth=("demo-client", "demo-secret"), json={"grant_type": "client_credentials"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        # when a group is listed and fetched
        first = client.get("/api/v1/groups", params={"page_size": 1}).json()["response"][0]
        group = client.get(f"/api/v1/groups/{first['id']}")
        # then the same record comes back
        assert group.status_code == 200 and group.json() == first


def test_reset_fault_aborts_the_connection(served: str) -> None:
    with httpx.Client(base_url=served, timeout=5) as client:
        client.post("/__emulator/faults", json={"path": "/api/v1/carriers", "reset_rate": 1.0, "count": 1})
        with pytest.raises(httpx.TransportError):
            client.get("/api/v1/carriers")
        # the fault was used up: the next call reaches the (authenticating) API again
        assert client.get("/api/v1/carriers").status_code == 401
