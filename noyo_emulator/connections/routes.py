"""Group connections (Noyo's group setup requests): lists, one by id, creation for an existing group, retry."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..http import csv_param, find_or_404, in_order, json_body, paginate, state_of, uuid_csv_param
from . import lifecycle


def _by_status(request: Request, connections: list[dict]) -> list[dict]:
    statuses = csv_param(request, "status")
    if statuses is None:
        return connections
    return [c for c in connections if c["status"] in set(statuses)]


async def list_connections(request: Request) -> JSONResponse:
    connections = list(state_of(request).connections.values())
    params = request.query_params
    ids = uuid_csv_param(request, "id")
    if ids is not None:
        connections = [c for c in connections if c["id"] in set(ids)]
    connections = _by_status(request, connections)
    for name in ("carrier_id", "organization_id"):
        if params.get(name):
            connections = [c for c in connections if c[name] == params[name]]
    if params.get("carrier_group_id"):
        connections = [c for c in connections if c["group_data"]["carrier_group_id"] == params["carrier_group_id"]]
    return JSONResponse(paginate(request, in_order(connections)))


async def get_connection(request: Request) -> JSONResponse:
    connections = state_of(request).connections
    return JSONResponse(find_or_404(connections, request.path_params["connection_id"], "Group connection"))


async def list_group_connections(request: Request) -> JSONResponse:
    state = state_of(request)
    group = find_or_404(state.groups, request.path_params["group_id"], "Group")
    connections = [c for c in state.connections.values() if c["group_id"] == group["id"]]
    return JSONResponse(paginate(request, in_order(_by_status(request, connections))))


async def create_group_connection(request: Request) -> JSONResponse:
    body = await json_body(request)
    record = lifecycle.create(state_of(request), request.path_params["group_id"], body)
    return JSONResponse(record, status_code=201)


async def retry_connection(request: Request) -> JSONResponse:
    body = await json_body(request, required=False)
    record = lifecycle.retry(state_of(request), request.path_params["connection_id"], body)
    return JSONResponse(record, status_code=201)


routes = [
    Route("/api/v1/group_connections", list_connections, methods=["GET"]),
    Route("/api/v1/group_connections/{connection_id}", get_connection, methods=["GET"]),
    Route("/api/v1/groups/{group_id}/group_connections", list_group_connections, methods=["GET"]),
    Route("/api/v1/groups/{group_id}/group_connections", create_group_connection, methods=["POST"]),
    Route("/api/v1/group_connections/{connection_id}/retry", retry_connection, methods=["PUT"]),
]
