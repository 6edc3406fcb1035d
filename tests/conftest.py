"""Shared fixtures: a fresh emulator per test and clients that talk to it over ASGI.

Every response the ``noyo`` client receives is checked against Noyo's OpenAPI
documents (``../shared/noyo``) when the test ends; a violation fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from noyo_emulator import create_app
from tests.contract import ContractChecker

SHARED_NOYO = Path(__file__).resolve().parents[2] / "shared" / "noyo"
BASE_URL = "http://noyo.test"
CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-secret"
CONTRACT_SKIP_REASON = f"Noyo OpenAPI documents not found at {SHARED_NOYO}: contract checks skipped"


def pytest_report_header(config: pytest.Config) -> str:
    if SHARED_NOYO.is_dir():
        return f"noyo contract: responses checked against {SHARED_NOYO}"
    return f"noyo contract: {CONTRACT_SKIP_REASON}"


def shared_documents(path: Path = SHARED_NOYO, *, ci: bool | None = None) -> Path | None:
    """``path`` when Noyo's reference documents are there; None when absent, except that under
    ``CI=true`` their absence fails the test (a CI run must never skip the contract checks)."""
    if (path / "fulfillment-openapi.json").is_file():
        return path
    if os.environ.get("CI") == "true" if ci is None else ci:
        pytest.fail(f"Noyo OpenAPI documents not found at {path}; CI needs ../shared beside the checkout")
    return None


@pytest.fixture
def shared_noyo() -> Path:
    """Path to ``../shared/noyo`` (Noyo's reference documents); skips when absent (fails under CI)."""
    path = shared_documents()
    if path is None:
        pytest.skip(CONTRACT_SKIP_REASON)
    return path


@pytest.fixture(scope="session")
def contract_checker() -> ContractChecker | None:
    """The session's contract checker, or None when the documents are absent (fails under CI)."""
    path = shared_documents()
    return None if path is None else ContractChecker(path)


@pytest.fixture
def emulator_app() -> Starlette:
    return create_app(seed=42)


async def fetch_token(client: httpx.AsyncClient, client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> str:
    response = await client.post(
        "/auth/public/token", auth=(client_id, secret), json={"grant_type": "client_credentials"}
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.fixture
async def noyo(
    emulator_app: Starlette, contract_checker: ContractChecker | None
) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client; every response it receives is contract-checked at teardown."""
    recorded: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        await response.aread()
        recorded.append(response)

    transport = httpx.ASGITransport(app=emulator_app)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE_URL, event_hooks={"response": [record]}
    ) as client:
        token = await fetch_token(client)
        client.headers["Authorization"] = f"Bearer {token}"
        yield client

    if contract_checker is not None:
        violations = [v for response in recorded for v in contract_checker.check(response)]
        if violations:
            pytest.fail("Responses violating Noyo's OpenAPI contract:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
async def hooks(emulator_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An unauthenticated client for the ``/__emulator/*`` test hooks."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator_app), base_url=BASE_URL) as client:
        yield client
