"""Test hooks under ``/__emulator/`` (no auth, never counted).

- ``GET /__emulator/requests`` -> ``{"METHOD /template": n}``; ``DELETE`` clears the counts.
- ``POST /__emulator/reset``: rebuild the seeded world in place (clock, faults, counts, outbox too).
- ``GET|POST /__emulator/clock``: ``{"today": "YYYY-MM-DD"}`` or ``{"advance_days": n}``.
- ``GET|POST /__emulator/faults``: add ``{"path": glob, "method"?, "latency_ms", "error_rate",
  "error_status", "reset_rate", "retry_after", "count", "after_commit"?}``; ``{}`` clears every
  fault. ``after_commit`` (``"reset"``, ``"502"`` or ``"timeout"``) lets the request commit, then
  drops the connection, answers 502, or answers only after ``latency_ms`` (default 30 s).
- ``POST /__emulator/tokens/expire``: every issued bearer token stops working.
- ``GET /__emulator/webhooks``: deliveries (event ids, types, attempts, outcomes), held count, mode.
  ``POST /__emulator/webhooks``: the delivery mode ``{"duplicates": n, "hold": bool}``;
  ``.../release`` ``{"order": "fifo"|"reverse"}`` sends held events (reverse: out of order);
  ``.../emit`` ``{"type", "id"}`` queues any event; ``.../redeliver`` ``{"event_id"}`` sends a
  delivered event again (same id, fresh signature); ``.../replay`` ``{"event_id"}`` resends its
  first attempt's exact headers and answers ``{"status": <the receiver's status>}``.
  409 when no webhook URL is configured.
- ``POST /__emulator/carrier-disconnection``: ``{"group_id", "carrier_id", "effective_end_date"?}``
  -> 201 with a carrier-sourced ``needs_review`` disconnection request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import disconnections, webhooks, world
from .http import NoyoHTTPError, json_body, state_of
from .state import Fault

PREFIX = "/__emulator"


async def get_requests(request: Request) -> JSONResponse:
    return JSONResponse(dict(sorted(state_of(request).request_counts.items())))


async def clear_requests(request: Request) -> Response:
    state_of(request).request_counts.clear()
    return Response(status_code=204)


async def reset(request: Request) -> JSONResponse:
    state = state_of(request)
    world.reset_in_place(state, request.app.state.start_today)
    return JSONResponse({"seed": state.seed, "today": state.today.isoformat()})


async def get_clock(request: Request) -> JSONResponse:
    return JSONResponse({"today": state_of(request).today.isoformat()})


async def set_clock(request: Request) -> JSONResponse:
    state = state_of(request)
    body = await json_body(request)
    if "today" in body and "advance_days" not in body:
        try:
            today = dt.date.fromisoformat(str(body["today"]))
        except ValueError:
            raise NoyoHTTPError(400, "today must be a YYYY-MM-DD date") from None
        state.set_today(today)
    elif "advance_days" in body and "today" not in body:
        days = body["advance_days"]
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise NoyoHTTPError(400, "advance_days must be a non-negative integer")
        state.advance_days(days)
    else:
        raise NoyoHTTPError(400, 'Send either {"today": "YYYY-MM-DD"} or {"advance_days": n}')
    return JSONResponse({"today": state.today.isoformat()})


def _fault_from(body: dict[str, Any]) -> Fault:
    known = {f.name for f in dataclasses.fields(Fault)}
    unknown = set(body) - known
    if unknown:
        raise NoyoHTTPError(400, f"Unknown fault fields: {', '.join(sorted(unknown))}")
    if not isinstance(body.get("path"), str) or not body["path"]:
        raise NoyoHTTPError(400, "path (a glob such as /api/v1/groups*) is required")
    fault = Fault(path=body["path"])
    for name in ("error_rate", "reset_rate"):
        value = body.get(name, 0.0)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise NoyoHTTPError(400, f"{name} must be a number between 0 and 1")
        setattr(fault, name, float(value))
    for name, allowed in (
        ("method", ("GET", "POST", "PUT", "PATCH", "DELETE")),
        ("after_commit", ("reset", "502", "timeout")),
    ):
        value = body.get(name)
        if value is None:
            continue
        value = value.upper() if name == "method" and isinstance(value, str) else value
        if value not in allowed:
            raise NoyoHTTPError(400, f"{name} must be one of {', '.join(allowed)}")
        setattr(fault, name, value)
    limits = (("latency_ms", 0, 60_000), ("error_status", 400, 599), ("retry_after", 0, 86_400), ("count", 1, 10**6))
    for name, low, high in limits:
        if body.get(name) is None:
            continue
        value = body[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise NoyoHTTPError(400, f"{name} must be an integer between {low} and {high}")
        setattr(fault, name, value)
    return fault


async def get_faults(request: Request) -> JSONResponse:
    return JSONResponse([dataclasses.asdict(f) for f in state_of(request).faults])


async def set_faults(request: Request) -> JSONResponse:
    state = state_of(request)
    body = await json_body(request, required=False)
    if not body:
        state.faults.clear()
    else:
        state.faults.append(_fault_from(body))
    return JSONResponse([dataclasses.asdict(f) for f in state.faults])


async def expire_tokens(request: Request) -> JSONResponse:
    return JSONResponse({"expired": request.app.state.tokens.expire_all()})


async def carrier_disconnection(request: Request) -> JSONResponse:
    body = await json_body(request)
    if not isinstance(body.get("group_id"), str) or not isinstance(body.get("carrier_id"), str):
        raise NoyoHTTPError(400, "group_id and carrier_id are required")
    record = disconnections.create_carrier_sourced(
        state_of(request), body["group_id"], body["carrier_id"], body.get("effective_end_date")
    )
    return JSONResponse(record, status_code=201)


def _dispatcher(request: Request) -> Any:
    dispatcher = getattr(request.app.state, "webhooks", None)
    if dispatcher is None:
        raise NoyoHTTPError(409, "No webhook URL is configured")
    return dispatcher


async def get_webhooks(request: Request) -> JSONResponse:
    dispatcher = _dispatcher(request)
    return JSONResponse(
        {
            "pending": dispatcher.pending,
            "held": len(dispatcher.held),
            "mode": dataclasses.asdict(dispatcher.mode),
            "delivered": [d.summary() for d in dispatcher.delivered],
            "failed": [d.summary() for d in dispatcher.failed],
        }
    )


async def set_webhook_mode(request: Request) -> JSONResponse:
    dispatcher = _dispatcher(request)
    body = await json_body(request)
    duplicates, hold = body.get("duplicates", 1), body.get("hold", False)
    if not isinstance(duplicates, int) or isinstance(duplicates, bool) or not 1 <= duplicates <= 10:
        raise NoyoHTTPError(400, "duplicates must be an integer between 1 and 10")
    if not isinstance(hold, bool):
        raise NoyoHTTPError(400, "hold must be a boolean")
    dispatcher.mode = webhooks.DeliveryMode(duplicates=duplicates, hold=hold)
    return JSONResponse(dataclasses.asdict(dispatcher.mode))


async def release_webhooks(request: Request) -> JSONResponse:
    dispatcher = _dispatcher(request)
    order = (await json_body(request, required=False) or {}).get("order", "fifo")
    if order not in ("fifo", "reverse"):
        raise NoyoHTTPError(400, 'order must be "fifo" or "reverse"')
    return JSONResponse({"released": dispatcher.release(order)})


async def emit_webhook(request: Request) -> JSONResponse:
    _dispatcher(request)
    body = await json_body(request)
    if not isinstance(body.get("type"), str) or not isinstance(body.get("id"), str):
        raise NoyoHTTPError(400, "type and id are required")
    state_of(request).emit(body["type"], body["id"])
    return JSONResponse({"queued": True}, status_code=202)


async def _event_id(request: Request) -> str:
    body = await json_body(request)
    if not isinstance(body.get("event_id"), str):
        raise NoyoHTTPError(400, "event_id is required")
    return body["event_id"]


async def redeliver_webhook(request: Request) -> JSONResponse:
    dispatcher = _dispatcher(request)
    if not dispatcher.redeliver(await _event_id(request)):
        raise NoyoHTTPError(404, "No such delivered event")
    return JSONResponse({"queued": True}, status_code=202)


async def replay_webhook(request: Request) -> JSONResponse:
    dispatcher = _dispatcher(request)
    status = await dispatcher.replay(await _event_id(request))
    if status is None:
        raise NoyoHTTPError(404, "No such delivered event")
    return JSONResponse({"status": status})


routes = [
    Route(f"{PREFIX}/webhooks", get_webhooks, methods=["GET"]),
    Route(f"{PREFIX}/webhooks", set_webhook_mode, methods=["POST"]),
    Route(f"{PREFIX}/webhooks/release", release_webhooks, methods=["POST"]),
    Route(f"{PREFIX}/webhooks/emit", emit_webhook, methods=["POST"]),
    Route(f"{PREFIX}/webhooks/redeliver", redeliver_webhook, methods=["POST"]),
    Route(f"{PREFIX}/webhooks/replay", replay_webhook, methods=["POST"]),
    Route(f"{PREFIX}/requests", get_requests, methods=["GET"]),
    Route(f"{PREFIX}/requests", clear_requests, methods=["DELETE"]),
    Route(f"{PREFIX}/reset", reset, methods=["POST"]),
    Route(f"{PREFIX}/clock", get_clock, methods=["GET"]),
    Route(f"{PREFIX}/clock", set_clock, methods=["POST"]),
    Route(f"{PREFIX}/faults", get_faults, methods=["GET"]),
    Route(f"{PREFIX}/faults", set_faults, methods=["POST"]),
    Route(f"{PREFIX}/tokens/expire", expire_tokens, methods=["POST"]),
    Route(f"{PREFIX}/carrier-disconnection", carrier_disconnection, methods=["POST"]),
]
