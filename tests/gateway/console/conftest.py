"""Browser fixtures: the demo stack over real loopback HTTP and Debian's Chromium driven by Playwright.

``DemoStack`` runs ``python -m gateway serve --demo`` (gateway + embedded emulator) on free
ports in a subprocess; ``start_secured_stack`` runs the same pair as two processes (the emulator,
and ``serve`` without ``--demo``), so anonymous callers are refused and only the API keys get in.
``browser`` is the system Chromium (``/usr/bin/chromium``, never a downloaded one) launched with
a fresh profile and the flags that keep it off the network.
Without Chromium the browser tests skip, except under ``CI=true`` where they fail.
Screenshots go to ``test-output/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
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
KEY_OPERATOR = "console-test-operator-phi"
API_KEYS = [
    {"sha256": hashlib.sha256(KEY_NO_PHI.encode()).hexdigest(), "role": "operator", "scopes": [], "name": "no-phi"},
    {"sha256": hashlib.sha256(KEY_OPERATOR.encode()).hexdigest(), "role": "operator", "scopes": ["phi"],
     "name": "operator"},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoStack:
    """A running gateway: ``url`` is the gateway, ``emulator`` its Noyo emulator; ``headers``
    are the credentials ``graphql`` sends (none for the demo, which lets anonymous callers in)."""

    processes: list[subprocess.Popen[bytes]]
    url: str
    emulator: str
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}},
                              headers=self.headers, timeout=30)
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    def hook(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.emulator}/__emulator/{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _environment(**env: str) -> dict[str, str]:
    return {
        **os.environ,
        "GATEWAY_API_KEYS": json.dumps(API_KEYS),
        "GATEWAY_RATE_LIMIT": "",  # the whole test session comes from one loopback address
        **env,
    }


def _until_healthy(stack: DemoStack, url: str) -> DemoStack:
    deadline = time.monotonic() + 30
    while True:
        if any(process.poll() is not None for process in stack.processes):
            stack.stop()
            raise RuntimeError(f"the stack exited: {stack.log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return stack
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stack.stop()
            raise RuntimeError(f"the stack did not answer {url} within 30 s")
        time.sleep(0.1)


def start_demo_stack(tmp: Path, **env: str) -> DemoStack:
    port, emulator_port = free_port(), free_port()
    log = tmp / f"demo-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
             "--emulator-port", str(emulator_port), "--log-level", "warning"],
            cwd=ROOT, env=_environment(**env), stdout=out, stderr=subprocess.STDOUT,
        )
    stack = DemoStack([process], f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emulator_port}", log)
    return _until_healthy(stack, f"{stack.url}/healthz")


def start_secured_stack(tmp: Path, **env: str) -> DemoStack:
    """The demo's world and signed webhooks, but anonymous callers refused: only ``API_KEYS`` get in
    (``stack.headers`` holds ``KEY_OPERATOR``)."""
    port, emulator_port = free_port(), free_port()
    log = tmp / f"secured-{port}.log"
    url, emulator = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emulator_port}"
    webhook_secret = secrets.token_hex(32)
    with log.open("wb") as out:
        emulator_process = subprocess.Popen(
            [sys.executable, "-m", "noyo_emulator", "--host", "127.0.0.1", "--port", str(emulator_port),
             "--seed", "42", "--webhook-url", f"{url}/webhooks/noyo", "--webhook-secret", webhook_secret],
            cwd=ROOT, env=_environment(), stdout=out, stderr=subprocess.STDOUT,
        )
        stack = DemoStack([emulator_process], url, emulator, log, headers={"x-api-key": KEY_OPERATOR})
        _until_healthy(stack, f"{emulator}/__emulator/clock")
        gateway_env = _environment(
            NOYO_BASE_URL=emulator, NOYO_TOKEN_URL=f"{emulator}/auth/public/token",
            NOYO_CLIENT_ID="demo-client", NOYO_CLIENT_SECRET="demo-secret",  # the emulator's public demo credentials
            GATEWAY_WEBHOOK_SECRETS=webhook_secret, GATEWAY_ALLOW_ANONYMOUS="false", **env,
        )
        stack.processes.append(subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"],
            cwd=ROOT, env=gateway_env, stdout=out, stderr=subprocess.STDOUT,
        ))
    return _until_healthy(stack, f"{url}/healthz")


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
    # every browser test: no uncaught exception or unhandled rejection in any page it opened
    assert traffic.page_errors == [], traffic.page_errors


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
