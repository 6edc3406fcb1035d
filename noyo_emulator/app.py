"""``create_app``: the emulator as one Starlette application."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse

from . import (
    auth,
    carriers,
    connections,
    disconnections,
    employees,
    groups,
    hooks,
    snapshots,
    webhooks,
    world,
)
from .auth import TokenStore
from .http import NoyoHTTPError, error_response, noyo_error_handler
from .middleware import EmulatorMiddleware
from .state import DEFAULT_TODAY, State


def register_ticks(state: State) -> None:
    state.tick_handlers[:] = [connections.tick, disconnections.tick, snapshots.tick]


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    messages = {404: "Not found", 405: "Method not allowed"}
    return error_response(exc.status_code, messages.get(exc.status_code, str(exc.detail)), exc.headers)


def create_app(
    *,
    seed: int = 42,
    latency_ms: int = 0,
    token_ttl: float = 600,
    client_id: str = "demo-client",
    client_secret: str = "demo-secret",
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    today: dt.date | str | None = None,
) -> Starlette:
    """Build a fresh emulator seeded with ``seed``; its state is ``app.state.emulator``."""
    start = dt.date.fromisoformat(today) if isinstance(today, str) else (today or DEFAULT_TODAY)
    state = world.build_state(seed, start)
    register_ticks(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        dispatcher = None
        if webhook_url:
            dispatcher = webhooks.WebhookDispatcher(state, webhook_url, webhook_secret or "")
            await dispatcher.start()
        app.state.webhooks = dispatcher
        try:
            yield
        finally:
            app.state.webhooks = None
            if dispatcher is not None:
                await dispatcher.stop()

    routes = [
        *auth.routes,
        *hooks.routes,
        *groups.routes,
        *carriers.routes,
        *connections.routes,
        *employees.routes,
        *disconnections.routes,
        *snapshots.routes,
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(EmulatorMiddleware, latency_ms=latency_ms)],
        exception_handlers={NoyoHTTPError: noyo_error_handler, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.emulator = state
    app.state.webhooks = None  # the WebhookDispatcher while the lifespan runs with a webhook URL
    app.state.start_today = start
    app.state.tokens = TokenStore(client_id=client_id, client_secret=client_secret, ttl=token_ttl)
    return app
