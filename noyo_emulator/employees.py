"""Employees, their dependents and individual enrollments (read only)."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .http import NoyoHTTPError, find_or_404, in_order, paginate, state_of


async def get_employee(request: Request) -> JSONResponse:
    return JSONResponse(find_or_404(state_of(request).employees, request.path_params["employee_id"], "Employee"))


async def list_group_employees(request: Request) -> JSONResponse:
    state = state_of(request)
    group = find_or_404(state.groups, request.path_params["group_id"], "Group")
    employees = [e for e in state.employees.values() if e["group_id"] == group["id"]]
    params = request.query_params
    for name in ("first_name", "last_name", "date_of_birth"):
        if params.get(name):
            wanted = params[name].lower()
            employees = [e for e in employees if e["person"].get(name, "").lower() == wanted]
    if params.get("name"):
        needle = params["name"].lower()
        employees = [
            e for e in employees if needle in f"{e['person']['first_name']} {e['person']['last_name']}".lower()
        ]
    if params.get("employment_status"):
        employees = [e for e in employees if e["employment"]["employment_status"] == params["employment_status"]]
    return JSONResponse(paginate(request, in_order(employees)))


def _dependents_of(request: Request) -> list[dict]:
    state = state_of(request)
    employee = find_or_404(state.employees, request.path_params["employee_id"], "Employee")
    return in_order(d for d in state.dependents.values() if d.get("employee_id") == employee["id"])


async def list_employee_dependents(request: Request) -> JSONResponse:
    """``GET /employees/{employee_id}/dependents``: ``PaginatedDependentResult``."""
    return JSONResponse(paginate(request, _dependents_of(request)))


async def get_dependent(request: Request) -> JSONResponse:
    return JSONResponse(find_or_404(state_of(request).dependents, request.path_params["dependent_id"], "Dependent"))


async def list_individual_enrollments(request: Request) -> JSONResponse:
    state = state_of(request)
    employee = find_or_404(state.employees, request.path_params["employee_id"], "Employee")
    include = request.query_params.get("include_dependents", "false").lower()
    if include not in ("true", "false"):
        raise NoyoHTTPError(400, "include_dependents must be true or false")
    individuals = set(state.family_of(employee["id"])) if include == "true" else {employee["id"]}
    enrollments = [e for e in state.enrollments.values() if e["individual_id"] in individuals]
    effective_date = request.query_params.get("effective_date")
    if effective_date:
        try:
            effective_date = dt.date.fromisoformat(effective_date).isoformat()
        except ValueError:
            raise NoyoHTTPError(400, "effective_date must be a YYYY-MM-DD date") from None
        enrollments = [
            e
            for e in enrollments
            if e.get("effective_start_date", "") <= effective_date <= e.get("effective_end_date", "9999-12-31")
        ]
    page = paginate(request, in_order(enrollments))
    page["response"] = [{**e, "individual_enrollment_configuration": {}} for e in page["response"]]
    return JSONResponse(page)


routes = [
    Route("/api/v1/employees/{employee_id}", get_employee, methods=["GET"]),
    Route("/api/v1/groups/{group_id}/employees", list_group_employees, methods=["GET"]),
    Route("/api/v1/employees/{employee_id}/dependents", list_employee_dependents, methods=["GET"]),
    Route("/api/v1/dependents/{dependent_id}", get_dependent, methods=["GET"]),
    Route("/api/v1/employees/{employee_id}/individual_enrollments", list_individual_enrollments, methods=["GET"]),
]
