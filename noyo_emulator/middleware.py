"""The emulator's request pipeline: counting, injected faults, latency, bearer auth.

A pure ASGI middleware (fast, and it can abort a connection, which a response
cannot). Order: count the call under its route template, apply matching faults,
sleep the global latency, then require a valid bearer token on ``/api/v1/*``.
An ``after_commit`` fault lets the request run (the write commits) and then loses
its answer: the connection drops, a 502 is sent instead, or the answer comes late.
"""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any

import httpx
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from .auth import bearer_error
from .http import error_response
from .state import Fault, State

HOOKS_PREFIX = "/__emulator"
API_PREFIX = "/api/v1/"


class FaultReset(httpx.ReadError):
    """A connection reset injected by a fault.

    It subclasses ``httpx.ReadError`` so a client over ``httpx.ASGITransport``
    sees the same exception family as for a real reset; under uvicorn the
    connection is closed after the status line, mid-response.
    """


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, *, latency_ms: int = 0) -> None:
        self.app = app
        self.latency_ms = latency_ms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(HOOKS_PREFIX):
            await self.app(scope, receive, send)
            return
        emulator_app = scope["app"]
        state: State = emulator_app.state.emulator
        key = f"{scope['method']} {_route_template(emulator_app, scope)}"
        state.request_counts[key] = state.request_counts.get(key, 0) + 1

        matching = _matching_faults(state, scope)
        before = [f for f in matching if not f.after_commit]
        if before and await _apply_faults(state, before, scope, receive, send):
            return
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
        if path.startswith(API_PREFIX):
            reason = bearer_error(Headers(scope=scope), emulator_app.state.tokens)
            if reason is not None:
                await error_response(401, reason, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        after = next((f for f in matching if f.after_commit), None)
        if after is None:
            await self.app(scope, receive, send)
            return
        _consume(state, after)
        await _lose_the_answer(after, self.app, scope, receive, send)


def _route_template(app: Any, scope: Scope) -> str:
    partial = None
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route.path
        if match == Match.PARTIAL and partial is None:
            partial = route.path
    return partial or scope["path"]


def _matching_faults(state: State, scope: Scope) -> list[Fault]:
    path, method = scope["path"], scope["method"]
    return [
        f
        for f in state.faults
        if fnmatch.fnmatchcase(path, f.path) and (f.method is None or f.method.upper() == method)
    ]


async def _lose_the_answer(fault: Fault, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run the request to completion (it commits), then fail to deliver its response."""
    held: list[Any] = []

    async def hold(message: Any) -> None:
        held.append(message)

    await app(scope, receive, hold)
    if fault.after_commit == "502":
        await error_response(502, "Bad gateway (injected after commit)")(scope, receive, send)
    elif fault.after_commit == "timeout":
        await asyncio.sleep((fault.latency_ms or 30_000) / 1000)
        for message in held:
            await send(message)
    else:  # reset: start the response, then fail mid-way
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        raise FaultReset(f"connection reset after commit by injected fault on {fault.path}")


async def _apply_faults(state: State, matching: list[Fault], scope: Scope, receive: Receive, send: Send) -> bool:
    """Apply the matching faults; True when the response was already sent."""
    rng = state.fault_rng()
    for fault in matching:
        _consume(state, fault)
    delay = sum(f.latency_ms for f in matching)
    if delay:
        await asyncio.sleep(delay / 1000)
    for fault in matching:
        if fault.reset_rate and rng.random() < fault.reset_rate:
            # Start the response, then fail: uvicorn closes the socket mid-response and
            # ASGITransport re-raises the exception to the client.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
            raise FaultReset(f"connection reset by injected fault on {fault.path}")
        if fault.error_rate and rng.random() < fault.error_rate:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
            response = error_response(fault.error_status, "Injected fault", headers)
            await response(scope, receive, send)
            return True
    return False


def _consume(state: State, fault: Fault) -> None:
    if fault.count is None:
        return
    fault.count -= 1
    if fault.count <= 0:
        state.faults.remove(fault)
