"""Security test fixtures: a gateway that demands credentials, and credentials to present.

``secure`` is a factory: ``async with secure(**settings_overrides) as client`` runs a gateway over
this test's emulator with HS256 JWT auth (issuer/audience checked), no anonymous access and no
rate limit unless the overrides say otherwise. ``token(...)`` mints a bearer token.
"""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Callable

import httpx
import pytest
from starlette.applications import Starlette

from tests.gateway.conftest import running_gateway

from .support import mint, security_settings


@pytest.fixture
def token() -> Callable[..., str]:
    return mint


@pytest.fixture
def secure(
    emulator_app: Starlette, cache_namespace: str
) -> Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = security_settings(cache_namespace, **overrides)
        async with running_gateway(settings, emulator_app) as (_, client):
            yield client

    return start


@pytest.fixture
async def client(secure: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway with the default security settings."""
    async with secure() as c:
        yield c
