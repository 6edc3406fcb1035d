"""The access log: one JSON line per HTTP request, logger ``gateway.access``.

Fields: ``time`` (UTC, milliseconds), ``method``, ``path`` (never the query string, never the
body), ``status``, ``duration_ms``, ``request_id``, ``caller`` (the principal's kind and
subject: an API key's name or a token's subject, never a person's data), and for GraphQL
``operation_type``, ``operation_name``, ``cost`` and ``outcome`` (``OK`` or the first error
code, a mutation payload's included), plus ``upstream_calls`` (attempts sent to Noyo on behalf
of this request).

``AccessLogMiddleware`` is the outermost ASGI middleware: it opens an :class:`AccessRecord` in
a context variable; the layers below fill it in through :func:`annotate` (the schema
extension, the security middleware's refusals, the write path's payload errors) and the Noyo
client counts its attempts through :func:`count_upstream_call`. Uvicorn's own access log is
turned off in favour of this one.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from strawberry.extensions import SchemaExtension

from .security.logging import quick_record
from .tracing import RECORD_SCOPE_KEY

logger = logging.getLogger("gateway.access")

REQUEST_ID_HEADER = b"x-request-id"
PRINCIPAL_SCOPE_KEY = "gateway.principal"  # where the security middleware puts the caller
REQUEST_ID_SCOPE_KEY = "gateway.request_id"  # where the security middleware puts the request id
MAX_PATH = 256


@dataclass(slots=True)
class AccessRecord:
    """What one request did; see the module docstring for each field."""

    method: str
    path: str
    status: int | None = None
    duration_ms: float | None = None
    request_id: str | None = None
    caller: str | None = None
    operation_type: str | None = None
    operation_name: str | None = None
    cost: int | None = None
    outcome: str | None = None
    upstream_calls: int = 0


_current: contextvars.ContextVar[AccessRecord | None] = contextvars.ContextVar("gateway_access", default=None)


def annotate(**fields: Any) -> None:
    """Set fields of the current request's record (a no-op outside a request).

    ``outcome`` keeps its first value: the first refusal or error code explains the request.
    """
    record = _current.get()
    if record is None:
        return
    for name, value in fields.items():
        if name == "outcome" and record.outcome not in (None, "OK"):
            continue
        setattr(record, name, value)


def count_upstream_call() -> None:
    """One more attempt sent to Noyo for the current request."""
    record = _current.get()
    if record is not None:
        record.upstream_calls += 1


_second: list[Any] = [None, ""]  # the last whole second formatted, and its text
_millisecond: list[tuple[int, str]] = [(-1, "")]  # the last millisecond's text (several requests end in one)


def _timestamp() -> str:
    millisecond = int(time.time() * 1000)
    last = _millisecond[0]
    if last[0] == millisecond:
        return last[1]
    second = millisecond // 1000
    if _second[0] != second:
        _second[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))]
    text = f"{_second[1]}.{millisecond % 1000:03d}Z"
    _millisecond[0] = (millisecond, text)
    return text


_CALLERS: dict[int, tuple[Any, str | None]] = {}  # by id(principal), the principal kept alive with it


def _caller(principal: Any) -> str | None:
    if principal is None:
        return None
    found = _CALLERS.get(id(principal))
    if found is not None and found[0] is principal:  # principals are made once per caller and reused
        return found[1]
    kind = getattr(principal, "kind", None) or "unknown"
    subject = getattr(principal, "subject", None) or "-"
    caller = f"{kind}:{subject}"[:128]
    if len(_CALLERS) >= 4096:
        _CALLERS.clear()
    _CALLERS[id(principal)] = (principal, caller)
    return caller


def current_record() -> AccessRecord | None:
    """The current request's record (None outside a request), for a layer that fills several
    fields at once."""
    return _current.get()


class AccessLogMiddleware:
    """Writes the access line once the response is sent (see the module docstring)."""

    def __init__(self, app: Any, *, status_noted: bool = False) -> None:
        self.app = app
        self.status_noted = status_noted  # the layer inside sets ``record.status`` on the response's start

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = AccessRecord(scope.get("method", "?"), scope.get("path", "")[:MAX_PATH])
        scope[RECORD_SCOPE_KEY] = record  # for the layers around this one (the request's trace span)
        token = _current.set(record)
        started = time.perf_counter()

        async def observed(message: dict[str, Any]) -> None:
            if record.status is None and message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        try:
            # the security layer inside notes the status itself: no wrapper of every send then
            await self.app(scope, receive, send if self.status_noted else observed)
        except BaseException:
            record.status = record.status or 500
            raise
        finally:
            _current.reset(token)
            duration_ms = record.duration_ms = round((time.perf_counter() - started) * 1000, 1)
            caller = record.caller = _caller(scope.get(PRINCIPAL_SCOPE_KEY))
            request_id = record.request_id = scope.get(REQUEST_ID_SCOPE_KEY)
            if logger.isEnabledFor(logging.INFO):
                method, path, status = record.method, record.path, record.status
                fields = {
                    "time": _timestamp(),
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "request_id": request_id,
                    "caller": caller,
                    "operation_type": record.operation_type,
                    "operation_name": record.operation_name,
                    "cost": record.cost,
                    "outcome": record.outcome,
                    "upstream_calls": record.upstream_calls,
                }
                message = f"{method} {path} {status} {duration_ms:.1f}ms"
                logger.handle(quick_record(logger, logging.INFO, message, access=fields))


class AccessLogExtension(SchemaExtension):
    """Notes the operation's type, name and outcome on the request's access record."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            ctx = self.execution_context
            operation_type: str | None
            try:
                operation_type = ctx.operation_type.value
            except Exception:  # noqa: BLE001 - no document or no such operation
                operation_type = None
            name = ctx.operation_name
            errors = list(getattr(ctx.result, "errors", None) or []) or list(ctx.pre_execution_errors or [])
            codes = [(e.extensions or {}).get("code") for e in errors]
            annotate(
                operation_type=operation_type,
                operation_name=name[:128] if isinstance(name, str) else None,
                outcome=next((c for c in codes if c), "GRAPHQL_ERROR" if errors else "OK"),
            )


__all__ = [
    "PRINCIPAL_SCOPE_KEY",
    "REQUEST_ID_SCOPE_KEY",
    "AccessLogExtension",
    "AccessLogMiddleware",
    "AccessRecord",
    "annotate",
    "count_upstream_call",
    "current_record",
]
