"""Fixtures for the Noyo client: settings and a client wired to the emulator over ASGI."""

from __future__ import annotations

from typing import AsyncIterator

import pytest
from starlette.applications import Starlette

from gateway.noyo import NoyoClient, RetryPolicy
from gateway.settings import Settings

from .support import BASE_URL, RecordingSleep, RecordingTransport


@pytest.fixture
def settings() -> Settings:
    return Settings(
        noyo_base_url=BASE_URL,
        noyo_token_url=f"{BASE_URL}/auth/public/token",
        noyo_client_id="demo-client",
        noyo_client_secret="demo-secret",
    )


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def policy(sleeps: RecordingSleep) -> RetryPolicy:
    return RetryPolicy(max_attempts=4, backoff_base=0.2, backoff_max=5.0, total_timeout=30.0, sleep=sleeps)


@pytest.fixture
def transport(emulator_app: Starlette) -> RecordingTransport:
    return RecordingTransport(emulator_app)


@pytest.fixture
async def client(
    settings: Settings, transport: RecordingTransport, policy: RetryPolicy
) -> AsyncIterator[NoyoClient]:
    async with NoyoClient.from_settings(settings, transport=transport, retry=policy) as noyo_client:
        yield noyo_client
