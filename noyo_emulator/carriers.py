"""Carriers (Noyo's Carrier API): ``GET /api/v1/carriers`` is a bare JSON array."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .http import NoyoHTTPError, find_or_404, state_of, uuid_csv_param


async def list_carriers(request: Request) -> JSONResponse:
    carriers = list(state_of(request).carriers.values())
    params = request.query_params
    ids = uuid_csv_param(request, "ids")
    if ids is not None:
        carriers = [c for c in carriers if c["id"] in set(ids)]
    if params.get("state"):
        carriers = [c for c in carriers if c["state"] == params["state"].upper()]
    if params.get("internal_name"):
        carriers = [c for c in carriers if c["internal_name"] == params["internal_name"]]
    if params.get("line_of_coverage"):
        carriers = [c for c in carriers if params["line_of_coverage"] in c["lines_of_coverage"]]
    if params.get("is_send"):
        flag = params["is_send"].lower()
        if flag not in ("true", "false"):
            raise NoyoHTTPError(400, "is_send must be true or false")
        carriers = [c for c in carriers if c["is_send"] is (flag == "true")]
    return JSONResponse(sorted(carriers, key=lambda c: (c["display_name"], c["id"])))


async def get_carrier(request: Request) -> JSONResponse:
    return JSONResponse(find_or_404(state_of(request).carriers, request.path_params["carrier_id"], "Carrier"))


routes = [
    Route("/api/v1/carriers", list_carriers, methods=["GET"]),
    Route("/api/v1/carriers/{carrier_id}", get_carrier, methods=["GET"]),
]
