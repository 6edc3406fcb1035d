"""HTTP helpers shared by every emulator route: Noyo's error body, pagination, JSON input."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .state import State

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class NoyoHTTPError(Exception):
    """Raised anywhere in a route; rendered as Noyo's ``{"message", "status"}`` body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message, "status": status}, status_code=status, headers=headers)


async def noyo_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NoyoHTTPError)
    return error_response(exc.status, exc.message, exc.headers)


def state_of(request: Request) -> State:
    return request.app.state.emulator


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise NoyoHTTPError(400, f"Invalid value for {name}: must be an integer") from None


def paginate(request: Request, items: Sequence[Any]) -> dict[str, Any]:
    """Noyo's offset pagination: ``{"meta": {...}, "response": [...]}``; 400 beyond the limits."""
    page_size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE)
    offset = _int_param(request, "offset", 0)
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise NoyoHTTPError(400, f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    if offset < 0:
        raise NoyoHTTPError(400, "offset must be 0 or greater")
    return {
        "meta": {
            "offset": offset,
            "page_num": offset // page_size + 1,
            "page_size": page_size,
            "total_records": len(items),
        },
        "response": list(items[offset : offset + page_size]),
    }


def csv_param(request: Request, name: str) -> list[str] | None:
    """A comma-separated filter (``group_ids=a,b``); repeated parameters are merged."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def csv_values(request: Request, name: str) -> set[str] | None:
    """A comma-separated filter as lower-cased values (ids and enums match case-insensitively)."""
    values = csv_param(request, name)
    return None if values is None else {value.lower() for value in values}


def csv_filter(request: Request, name: str, key: str | None = None) -> Callable[[dict[str, Any]], bool] | None:
    """A predicate keeping records whose ``key`` (default ``name``) is one of the filter's values."""
    wanted = csv_values(request, name)
    if wanted is None:
        return None
    field = key or name
    return lambda record: str(record.get(field) or "").lower() in wanted


async def json_body(request: Request, *, required: bool = True) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise NoyoHTTPError(400, "Request body is required")
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise NoyoHTTPError(400, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise NoyoHTTPError(400, "Request body must be a JSON object")
    return body


# -- ids and lookups (path ids: malformed -> 404; id filters: malformed -> 400) ----


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return len(value) == 36


def find_or_404(records: dict[str, Any], record_id: str, what: str) -> dict[str, Any]:
    """The record with this id, or Noyo's 404 ``"<what> not found with UUID <id>"``."""
    record = records.get(record_id) if is_uuid(record_id) else None
    if record is None:
        raise NoyoHTTPError(404, f"{what} not found with UUID {record_id}")
    return record


def uuid_csv_param(request: Request, name: str) -> list[str] | None:
    """A comma-separated list of UUIDs; 400 when one is malformed."""
    values = csv_param(request, name)
    if values is not None and not all(is_uuid(v) for v in values):
        raise NoyoHTTPError(400, f"Invalid UUID in {name}")
    return values


def in_order(records: Any) -> list[dict[str, Any]]:
    """Records in Noyo's stable list order: oldest first, ties by id."""
    return sorted(records, key=lambda r: (r.get("created", 0), r["id"]))
