"""Browser fixtures: the demo stack over real loopback HTTP and Debian's Chromium driven by Playwright.

``DemoStack`` runs ``python -m gateway serve --demo`` (gateway + embedded emulator) on free
ports in a subprocess. ``browser`` is the system Chromium (``/usr/bin/chromium``, never a
downloaded one) launched with a fresh profile and the flags that keep it off the network.
Without Chromium the browser tests skip, except under ``CI=true`` where they fail.
Screenshots go to ``test-output/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"

# API keys the stacks accept besides anonymous callers (the demo's anonymous operator sees PHI).
KEY_NO_PHI = "console-test-operator-no-phi"
API_KEYS = [{"sha256": hashlib.sha256(KEY_NO_PHI.encode()).hexdigest(), "role": "operator", "scopes": [], "name": "no-phi"}]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoStack:
    """A running ``serve --demo``: ``url`` is the gateway, ``emulator`` the embedded Noyo emulator."""

    process: subprocess.Popen[bytes]
    url: str
    emulator: str
    log: Path

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    def hook(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.emulator}/__emulator/{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_demo_stack(tmp: Path, **env: str) -> DemoStack:
    port, emulator_port = free_port(), free_port()
    log = tmp / f"demo-{port}.log"
    environment = {
        **os.environ,
        "GATEWAY_API_KEYS": json.dumps(API_KEYS),
        "GATEWAY_RATE_LIMIT": "",  # the whole test session comes from one loopback address
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
             "--emulator-port", str(emulator_port), "--log-level", "warning"],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )
    stack = DemoStack(process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emulator_port}", log)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the demo stack exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{stack.url}/healthz", timeout=1).status_code == 200:
                return stack
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stack.stop()
            raise RuntimeError("the demo stack did not answer /healthz within 30 s")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    """One demo stack for the module's tests (each test uses records no other test touches)."""
    running = start_demo_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture
def playwright_driver() -> Iterator[Any]:
    """Playwright's sync driver, for one test only: it runs an event loop in this thread while
    it is open, which must be gone before the next asyncio test starts."""
    if not CHROMIUM.exists():
        message = f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@dataclass
class Traffic:
    """Every URL the browser asked for, and every Content-Security-Policy violation it reported."""

    requests: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def off_origin(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (data: and blob: URLs are no request)."""
        return [
            url for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"
        ]


@dataclass
class Browser:
    """One fresh Chromium profile and what it did on the network."""

    context: Any
    traffic: Traffic

    def page(self) -> Any:
        page = self.context.new_page()
        page.on("websocket", lambda ws: self.traffic.requests.append(ws.url))
        page.set_default_timeout(20_000)
        return page


@pytest.fixture
def browser(playwright_driver: Any, tmp_path: Path) -> Iterator[Browser]:
    """A fresh Chromium profile. Requests off 127.0.0.1 are recorded and aborted."""
    traffic = Traffic()
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 900},
    )

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    def console_message(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            traffic.csp_violations.append(message.text)

    context.route("**/*", guard)
    context.on("request", lambda request: traffic.requests.append(request.url))
    context.on("weberror", lambda error: traffic.page_errors.append(str(error.error)))
    context.on("console", console_message)
    try:
        yield Browser(context, traffic)
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now (axe injected over CDP, not CSP-bound)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
