"""Groups: ``GET /api/v1/groups`` and ``GET /api/v1/groups/{group_id}``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .http import NoyoHTTPError, find_or_404, in_order, paginate, state_of, uuid_csv_param


async def list_groups(request: Request) -> JSONResponse:
    state = state_of(request)
    groups: list[dict[str, Any]] = list(state.groups.values())
    company = request.query_params.get("company")
    if company:
        needle = company.lower()
        groups = [g for g in groups if needle in g["name"].lower() or needle in g.get("dba_name", "").lower()]
    group_ids = uuid_csv_param(request, "group_ids")
    if group_ids is not None:
        wanted = set(group_ids)
        groups = [g for g in groups if g["id"] in wanted]
    carrier_id = request.query_params.get("carrier_id")
    carrier_group_id = request.query_params.get("carrier_group_id")
    if carrier_group_id and not carrier_id:
        raise NoyoHTTPError(400, "carrier_group_id must be used with carrier_id")
    if carrier_id:
        connected = {
            c["group_id"]
            for c in state.connections.values()
            if c["carrier_id"] == carrier_id
            and (not carrier_group_id or c["group_data"].get("carrier_group_id") == carrier_group_id)
        }
        groups = [g for g in groups if g["id"] in connected]
    return JSONResponse(paginate(request, in_order(groups)))


async def get_group(request: Request) -> JSONResponse:
    return JSONResponse(find_or_404(state_of(request).groups, request.path_params["group_id"], "Group"))


routes = [
    Route("/api/v1/groups", list_groups, methods=["GET"]),
    Route("/api/v1/groups/{group_id}", get_group, methods=["GET"]),
]
