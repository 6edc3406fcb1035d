"""Group disconnection request routes (Noyo's paths).

Lists are ordered oldest first (``created`` ascending, then ``id``), so pages stay
stable while new requests arrive. The rules live in ``rules``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..http import NoyoHTTPError, csv_filter, find_or_404, json_body, paginate, state_of
from ..state import Record
from . import rules

BASE = "/api/v1/group_disconnection_requests"


def _ordered(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r["created"], r["id"]))


def _date_param(request: Request, name: str) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return rules.parse_date(raw, name).isoformat()
    except NoyoHTTPError:
        raise NoyoHTTPError(400, f"Invalid value for {name}: must be a date (YYYY-MM-DD)") from None


def _filters(request: Request) -> list[Callable[[Record], bool]]:
    checks = [
        check
        for param in ("status", "carrier_id", "group_id", "id", "source_type")
        if (check := csv_filter(request, param)) is not None
    ]
    low = _date_param(request, "min_effective_end_date")
    if low is not None:
        checks.append(lambda r: r.get("effective_end_date", "") >= low)
    high = _date_param(request, "max_effective_end_date")
    if high is not None:
        checks.append(lambda r: "" < r.get("effective_end_date", "") <= high)
    search = request.query_params.get("search", "").strip().lower()
    if search:
        checks.append(lambda r: search in (r.get("group_name") or "").lower())
    return checks


async def list_requests(request: Request) -> JSONResponse:
    checks = _filters(request)
    records = [r for r in state_of(request).disconnections.values() if all(c(r) for c in checks)]
    return JSONResponse(paginate(request, _ordered(records)))


async def list_for_group(request: Request) -> JSONResponse:
    state = state_of(request)
    group_id = request.path_params["group_id"]
    find_or_404(state.groups, group_id, "Group")
    records = [r for r in state.disconnections.values() if r.get("group_id") == group_id]
    return JSONResponse(paginate(request, _ordered(records)))


async def list_for_group_deprecated(request: Request) -> JSONResponse:
    """``GET /api/v1/{group_id}/group_disconnection_requests``: only a UUID segment matches."""
    try:
        uuid.UUID(request.path_params["group_id"])
    except ValueError:
        raise NoyoHTTPError(404, "Not found") from None
    return await list_for_group(request)


async def get_request(request: Request) -> JSONResponse:
    state = state_of(request)
    return JSONResponse(
        find_or_404(state.disconnections, request.path_params["request_id"], "GroupDisconnectionRequest")
    )


async def create_request(request: Request) -> JSONResponse:
    body = await json_body(request)
    record = rules.create_platform(state_of(request), body)
    return JSONResponse(record, status_code=201)


async def confirm_request(request: Request) -> JSONResponse:
    state = state_of(request)
    record = find_or_404(state.disconnections, request.path_params["request_id"], "GroupDisconnectionRequest")
    body = await json_body(request, required=False)
    return JSONResponse(rules.confirm(state, record, body))


async def reject_request(request: Request) -> JSONResponse:
    state = state_of(request)
    record = find_or_404(state.disconnections, request.path_params["request_id"], "GroupDisconnectionRequest")
    body = await json_body(request, required=False)
    return JSONResponse(rules.reject(state, record, body))


async def edit_request(request: Request) -> JSONResponse:
    state = state_of(request)
    record = find_or_404(state.disconnections, request.path_params["request_id"], "GroupDisconnectionRequest")
    body = await json_body(request)
    return JSONResponse(rules.edit(state, record, request.path_params["version"], body))


# Order matters: ``/confirm`` and ``/reject`` must come before the ``/{version}`` edit route.
routes = [
    Route(BASE, list_requests, methods=["GET"]),
    Route(BASE, create_request, methods=["POST"]),
    Route(BASE + "/{request_id}", get_request, methods=["GET"]),
    Route(BASE + "/{request_id}/confirm", confirm_request, methods=["PUT"]),
    Route(BASE + "/{request_id}/reject", reject_request, methods=["PUT"]),
    Route(BASE + "/{request_id}/{version}", edit_request, methods=["PUT"]),
    Route("/api/v1/groups/{group_id}/group_disconnection_requests", list_for_group, methods=["GET"]),
    Route("/api/v1/{group_id}/group_disconnection_requests", list_for_group_deprecated, methods=["GET"]),
]
