"""``NoyoClient``: typed calls to Noyo's Fulfillment and Carrier APIs over one httpx client.

Every call sends a bearer token from the ``TokenProvider``; a 401 invalidates it and
the call is repeated once with a fresh token (reads and writes alike: a 401 means
nothing happened). GETs are retried on transient failures per the ``RetryPolicy``;
writes never are. Each call is bounded by the policy's overall deadline. Failures
raise the ``errors`` tree. Logs (logger ``gateway.noyo``) carry method, path
template, status, attempt and duration: never bodies, query strings or tokens.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from opentelemetry.trace import SpanKind, get_current_span
from pydantic import BaseModel

from ..settings import Settings
from ..tracing import inject_trace_context, record_error, tracer
from ..version import VERSION
from .auth import TokenProvider
from .errors import (
    NOT_SENT_ERRORS,
    TRANSIENT_ERRORS,
    NoyoInvalidResponse,
    NoyoTimeout,
    NoyoUnavailable,
    error_from_response,
)
from .ids import InvalidNoyoId, is_noyo_id
from .models import (
    Carrier,
    Dependent,
    DisconnectionRequest,
    Employee,
    Group,
    GroupConnection,
    IndividualEnrollment,
    MemberSnapshot,
    Page,
    TestMemberSnapshot,
    parse_response,
)
from .pagination import MAX_PAGE_SIZE, chunked, in_order, page_params, unique
from .retry import RetryPolicy, parse_retry_after
from .transport import http_transport

logger = logging.getLogger("gateway.noyo")

API = "/api/v1"
DISCONNECTIONS = "/group_disconnection_requests"
REQUEST_ID_HEADER = "x-request-id"
#: The current inbound request's id; forwarded to Noyo as ``x-request-id`` when set.
request_id: ContextVar[str | None] = ContextVar("noyo_request_id", default=None)

USER_AGENT = f"noyo-gateway/{VERSION}"

M = TypeVar("M", bound=BaseModel)
Params = dict[str, Any]


def _seg(value: str) -> str:
    """One path segment, percent-encoded so an id can never change the path."""
    return quote(str(value), safe="")


def _csv(values: str | Iterable[str] | None) -> str | None:
    if values is None:
        return None
    if isinstance(values, str):
        return values
    return ",".join(values) or None


def _clean(params: Params) -> Params:
    return {k: v for k, v in params.items() if v is not None}


class NoyoClient:
    """Noyo's REST API as typed async methods. Owns (and closes) its ``httpx.AsyncClient``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        token_provider: TokenProvider,
        *,
        retry: RetryPolicy | None = None,
        base_url: str | None = None,
    ) -> None:
        self._http = http
        self._tokens = token_provider
        self._retry = retry or RetryPolicy()
        self._base_url = (base_url or str(http.base_url)).rstrip("/")
        self._host = httpx.URL(self._base_url).host
        # Optional observer of every attempt: (method, path template, outcome, seconds); set by the app.
        self.on_attempt: Callable[[str, str, object, float], None] | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> NoyoClient:
        """One pooled ``httpx.AsyncClient`` (limits and timeouts from settings) for API and token calls,
        over ``NOYO_HTTP_TRANSPORT`` unless ``transport`` replaces the network."""
        limits = httpx.Limits(
            max_connections=settings.noyo_max_connections,
            max_keepalive_connections=settings.noyo_max_keepalive_connections,
        )
        http = httpx.AsyncClient(
            base_url=settings.noyo_base_url,
            transport=transport or http_transport(settings.noyo_http_transport, limits),
            timeout=httpx.Timeout(
                connect=settings.noyo_connect_timeout,
                read=settings.noyo_read_timeout,
                write=settings.noyo_write_timeout,
                pool=settings.noyo_pool_timeout,
            ),
            limits=limits,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            follow_redirects=False,
        )
        tokens = TokenProvider(
            http,
            token_url=settings.noyo_token_url,
            client_id=settings.noyo_client_id,
            client_secret=settings.noyo_client_secret,
            refresh_margin=settings.noyo_token_refresh_margin,
        )
        policy = retry or RetryPolicy(
            max_attempts=settings.noyo_read_max_attempts,
            backoff_base=settings.noyo_retry_backoff_base,
            backoff_max=settings.noyo_retry_backoff_max,
            total_timeout=settings.noyo_total_timeout,
        )
        return cls(http, tokens, retry=policy, base_url=settings.noyo_base_url)

    @property
    def tokens(self) -> TokenProvider:
        return self._tokens

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> NoyoClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- the request pipeline -------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        template: str | None = None,
        params: Params | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send one logical call (retries, 401 refresh, deadline); returns the 2xx response."""
        template = template or path
        method = method.upper()
        attributes = {"http.request.method": method, "url.template": template, "server.address": self._host}
        with tracer().start_as_current_span(
            f"{method} {template}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                return await self._deadline(method, path, template, params, json)
            except Exception as exc:
                record_error(span, exc)
                raise

    async def _deadline(
        self, method: str, path: str, template: str, params: Params | None, body: Any
    ) -> httpx.Response:
        timeout = self._retry.total_timeout
        sent: list[bool] = []  # appended to when an attempt goes out: the deadline may cut its answer
        try:
            async with asyncio.timeout(timeout):
                return await self._attempts(method, path, template, params, body, sent)
        except TimeoutError:
            self._log(logging.WARNING, method, template, "deadline", 0, timeout or 0.0)
            raise NoyoTimeout(f"Noyo call exceeded its {timeout}s deadline", in_doubt=bool(sent)) from None

    async def _attempts(
        self, method: str, path: str, template: str, params: Params | None, body: Any, sent: list[bool]
    ) -> httpx.Response:
        policy = self._retry
        retryable = policy.is_retryable_method(method)
        started = policy.clock()
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            try:
                token = await self._tokens.get_token()
            except TRANSIENT_ERRORS as exc:
                wait = policy.next_delay(attempt, started, exc.retry_after) if retryable else None
                if wait is None:
                    raise
                await policy.sleep(wait)
                continue
            headers = {"Authorization": f"Bearer {token}"}
            rid = request_id.get()
            if rid:
                headers[REQUEST_ID_HEADER] = rid
            inject_trace_context(headers)  # W3C traceparent: Noyo's side joins the caller's trace
            t0 = time.perf_counter()
            sent.append(True)
            try:
                response = await self._http.request(
                    method, self._base_url + path, params=params, json=body, headers=headers
                )
            except httpx.TransportError as exc:
                elapsed = time.perf_counter() - t0
                error_type = NoyoTimeout if isinstance(exc, httpx.TimeoutException) else NoyoUnavailable
                error = error_type(
                    f"Noyo unreachable ({type(exc).__name__})", in_doubt=not isinstance(exc, NOT_SENT_ERRORS)
                )
                wait = policy.next_delay(attempt, started) if retryable else None
                self._log(
                    logging.INFO if wait is not None else logging.WARNING,
                    method,
                    template,
                    type(exc).__name__,
                    attempt,
                    elapsed,
                )
                if wait is None:
                    raise error from exc
                await policy.sleep(wait)
                continue

            elapsed = time.perf_counter() - t0
            status = response.status_code
            if 200 <= status < 300:
                self._log(logging.DEBUG, method, template, status, attempt, elapsed)
                return response
            if status == 401 and not refreshed:
                self._log(logging.INFO, method, template, status, attempt, elapsed)
                refreshed = True
                attempt -= 1  # the refresh is not a retry
                self._tokens.invalidate(token)
                continue
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            wait = None
            if retryable and policy.is_retryable_status(status):
                wait = policy.next_delay(attempt, started, retry_after)
            self._log(logging.INFO if wait is not None else logging.WARNING, method, template, status, attempt, elapsed)
            if wait is None:
                raise error_from_response(response, retry_after=retry_after)
            await policy.sleep(wait)

    def _log(self, level: int, method: str, template: str, outcome: object, attempt: int, seconds: float) -> None:
        if self.on_attempt is not None:
            self.on_attempt(method, template, outcome, seconds)
        span = get_current_span()  # the call's span: its latest outcome and how many attempts it took
        if attempt:
            span.set_attributes({"noyo.attempts": attempt, "noyo.retries": attempt - 1})
        if isinstance(outcome, int):
            span.set_attribute("http.response.status_code", outcome)
        if not logger.isEnabledFor(level):
            return
        duration_ms = round(seconds * 1000, 1)
        logger.log(
            level,
            "noyo %s %s -> %s (attempt %d, %.1f ms)",
            method,
            template,
            outcome,
            attempt,
            duration_ms,
            extra={
                "noyo_method": method,
                "noyo_path": template,
                "status": outcome,
                "attempt": attempt,
                "duration_ms": duration_ms,
            },
        )

    async def _call(
        self,
        method: str,
        model: Any,
        template: str,
        ids: dict[str, str],
        params: Params | None = None,
        body: Any = None,
    ) -> Any:
        """``template`` is relative to /api/v1 with ``{name}`` slots filled from ``ids`` (UUIDs only:
        anything else raises ``InvalidNoyoId`` before a call is made)."""
        for name, value in ids.items():
            if not is_noyo_id(value):
                raise InvalidNoyoId(name)
        path = API + template.format(**{k: _seg(v) for k, v in ids.items()})
        response = await self.request(method, path, template=API + template, params=_clean(params or {}), json=body)
        try:
            data = response.json()
        except ValueError:
            raise NoyoInvalidResponse("Noyo returned a body that is not JSON", response.status_code) from None
        return parse_response(model, data)

    async def _get(self, model: Any, template: str, params: Params | None = None, **ids: str) -> Any:
        return await self._call("GET", model, template, ids, params)

    async def _send(self, method: str, model: type[M], template: str, body: Any, **ids: str) -> M:
        return await self._call(method, model, template, ids, body=body)

    async def _by_ids(self, model: type[M], template: str, param: str, ids: Iterable[str]) -> list[M]:
        wanted = [i for i in unique(ids) if is_noyo_id(i)]  # anything else cannot exist upstream
        page_of: Any = Page  # parametrised at run time with the model being read
        pages = await asyncio.gather(
            *(
                self._get(page_of[model], template, {param: ",".join(chunk), "page_size": MAX_PAGE_SIZE})
                for chunk in chunked(wanted, MAX_PAGE_SIZE)
            )
        )
        return in_order(wanted, (item for page in pages for item in page.items))

    # -- groups and carriers --------------------------------------------------------

    async def list_groups(
        self,
        *,
        company: str | None = None,
        group_ids: Sequence[str] | None = None,
        carrier_id: str | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[Group]:
        params = {
            "company": company,
            "group_ids": _csv(group_ids),
            "carrier_id": carrier_id,
            **page_params(offset, page_size),
        }
        return await self._get(Page[Group], "/groups", params)

    async def get_group(self, group_id: str) -> Group:
        return await self._get(Group, "/groups/{group_id}", group_id=group_id)

    async def groups_by_ids(self, ids: Iterable[str]) -> list[Group]:
        """Groups for ``ids`` in that order (unknown ids absent); 100 ids per upstream call."""
        return await self._by_ids(Group, "/groups", "group_ids", ids)

    async def list_carriers(self, *, ids: Sequence[str] | None = None) -> list[Carrier]:
        """Carriers (Noyo returns a bare array, not a page)."""
        return await self._get(list[Carrier], "/carriers", {"ids": _csv(ids)})

    async def get_carrier(self, carrier_id: str) -> Carrier:
        return await self._get(Carrier, "/carriers/{carrier_id}", carrier_id=carrier_id)

    async def carriers_by_ids(self, ids: Iterable[str]) -> list[Carrier]:
        """Carriers for ``ids`` in that order (unknown ids absent); 100 ids per upstream call."""
        wanted = [i for i in unique(ids) if is_noyo_id(i)]
        lists = await asyncio.gather(*(self.list_carriers(ids=chunk) for chunk in chunked(wanted, MAX_PAGE_SIZE)))
        return in_order(wanted, (c for found in lists for c in found))

    # -- group connections ----------------------------------------------------------

    async def list_group_connections(
        self, group_id: str, *, status: str | Sequence[str] | None = None, offset: int = 0, page_size: int = 100
    ) -> Page[GroupConnection]:
        params = {"status": _csv(status), **page_params(offset, page_size)}
        return await self._get(Page[GroupConnection], "/groups/{group_id}/group_connections", params, group_id=group_id)

    async def list_connections(
        self,
        *,
        ids: Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        carrier_id: str | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[GroupConnection]:
        params = {"id": _csv(ids), "status": _csv(status), "carrier_id": carrier_id, **page_params(offset, page_size)}
        return await self._get(Page[GroupConnection], "/group_connections", params)

    async def get_connection(self, connection_id: str) -> GroupConnection:
        return await self._get(GroupConnection, "/group_connections/{connection_id}", connection_id=connection_id)

    async def connections_by_ids(self, ids: Iterable[str]) -> list[GroupConnection]:
        return await self._by_ids(GroupConnection, "/group_connections", "id", ids)

    # -- employees --------------------------------------------------------------------

    async def get_employee(self, employee_id: str) -> Employee:
        return await self._get(Employee, "/employees/{employee_id}", employee_id=employee_id)

    async def list_group_employees(
        self, group_id: str, *, name: str | None = None, offset: int = 0, page_size: int = 20
    ) -> Page[Employee]:
        """The group's employees, optionally only those matching ``name`` (Noyo's ``name`` filter;
        personal data: like every query string, never logged)."""
        params = {"name": name, **page_params(offset, page_size)}
        return await self._get(Page[Employee], "/groups/{group_id}/employees", params, group_id=group_id)

    async def list_employee_dependents(
        self, employee_id: str, *, offset: int = 0, page_size: int = 100
    ) -> Page[Dependent]:
        return await self._get(
            Page[Dependent],
            "/employees/{employee_id}/dependents",
            page_params(offset, page_size),
            employee_id=employee_id,
        )

    async def get_dependent(self, dependent_id: str) -> Dependent:
        return await self._get(Dependent, "/dependents/{dependent_id}", dependent_id=dependent_id)

    async def list_employee_enrollments(
        self, employee_id: str, *, include_dependents: bool = True, offset: int = 0, page_size: int = 100
    ) -> Page[IndividualEnrollment]:
        params = {"include_dependents": "true" if include_dependents else "false", **page_params(offset, page_size)}
        return await self._get(
            Page[IndividualEnrollment],
            "/employees/{employee_id}/individual_enrollments",
            params,
            employee_id=employee_id,
        )

    async def get_employee_member_snapshot(self, employee_id: str) -> dict[str, Any]:
        """The employee's current InboundMemberSnapshot, as Noyo's JSON."""
        return await self._get(dict[str, Any], "/employees/{employee_id}/member_snapshot", employee_id=employee_id)

    # -- group disconnection requests -----------------------------------------------------

    async def list_disconnection_requests(
        self,
        *,
        ids: Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        carrier_ids: Sequence[str] | None = None,
        group_id: str | None = None,
        min_effective_end_date: Any = None,
        max_effective_end_date: Any = None,
        search: str | None = None,
        source_type: str | Sequence[str] | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[DisconnectionRequest]:
        params = {
            "id": _csv(ids),
            "status": _csv(status),
            "carrier_id": _csv(carrier_ids),
            "group_id": group_id,
            "min_effective_end_date": _date(min_effective_end_date),
            "max_effective_end_date": _date(max_effective_end_date),
            "search": search,
            "source_type": _csv(source_type),
            **page_params(offset, page_size),
        }
        return await self._get(Page[DisconnectionRequest], DISCONNECTIONS, params)

    async def disconnection_requests_by_ids(self, ids: Iterable[str]) -> list[DisconnectionRequest]:
        return await self._by_ids(DisconnectionRequest, DISCONNECTIONS, "id", ids)

    async def list_group_disconnection_requests(
        self, group_id: str, *, offset: int = 0, page_size: int = 20
    ) -> Page[DisconnectionRequest]:
        return await self._get(
            Page[DisconnectionRequest],
            "/groups/{group_id}/group_disconnection_requests",
            page_params(offset, page_size),
            group_id=group_id,
        )

    async def get_disconnection_request(self, request_id: str) -> DisconnectionRequest:
        return await self._get(DisconnectionRequest, DISCONNECTIONS + "/{id}", id=request_id)

    async def create_group_connection(self, group_id: str, body: dict[str, Any]) -> GroupConnection:
        """``POST /groups/{group_id}/group_connections``: connect an existing group with a carrier."""
        return await self._send(
            "POST", GroupConnection, "/groups/{group_id}/group_connections", body, group_id=group_id
        )

    async def retry_group_connection(self, connection_id: str, body: dict[str, Any]) -> GroupConnection:
        """``PUT /group_connections/{id}/retry``: retry a failed connection, optionally with corrected data."""
        return await self._send("PUT", GroupConnection, "/group_connections/{id}/retry", body, id=connection_id)

    async def create_disconnection_request(self, body: dict[str, Any]) -> DisconnectionRequest:
        return await self._send("POST", DisconnectionRequest, DISCONNECTIONS, body)

    async def confirm_disconnection_request(
        self, request_id: str, body: dict[str, Any] | None = None
    ) -> DisconnectionRequest:
        return await self._send(
            "PUT", DisconnectionRequest, DISCONNECTIONS + "/{id}/confirm", body or {}, id=request_id
        )

    async def reject_disconnection_request(
        self, request_id: str, body: dict[str, Any] | None = None
    ) -> DisconnectionRequest:
        return await self._send("PUT", DisconnectionRequest, DISCONNECTIONS + "/{id}/reject", body or {}, id=request_id)

    async def edit_disconnection_request(
        self, request_id: str, version: str, body: dict[str, Any]
    ) -> DisconnectionRequest:
        return await self._send(
            "PUT", DisconnectionRequest, DISCONNECTIONS + "/{id}/{version}", body, id=request_id, version=version
        )

    # -- member snapshots ------------------------------------------------------------

    async def list_member_snapshots(
        self,
        *,
        ids: Sequence[str] | None = None,
        group_id: str | None = None,
        employee_id: str | None = None,
        status: str | Sequence[str] | None = None,
        offset: int = 0,
        page_size: int = 20,
    ) -> Page[MemberSnapshot]:
        params = {
            "id": _csv(ids),
            "group_id": group_id,
            "employee_id": employee_id,
            "status": _csv(status),
            **page_params(offset, page_size),
        }
        return await self._get(Page[MemberSnapshot], "/member_snapshots", params)

    async def member_snapshots_by_ids(self, ids: Iterable[str]) -> list[MemberSnapshot]:
        return await self._by_ids(MemberSnapshot, "/member_snapshots", "id", ids)

    async def get_member_snapshot(self, snapshot_id: str) -> MemberSnapshot:
        return await self._get(MemberSnapshot, "/member_snapshots/{snapshot_id}", snapshot_id=snapshot_id)

    async def create_member_snapshot(self, group_id: str, body: dict[str, Any]) -> MemberSnapshot:
        return await self._send("POST", MemberSnapshot, "/groups/{group_id}/member_snapshots", body, group_id=group_id)

    async def test_member_snapshot(self, group_id: str, body: dict[str, Any]) -> TestMemberSnapshot:
        """The dry run: what ``create_member_snapshot`` would do, nothing stored."""
        return await self._send(
            "POST", TestMemberSnapshot, "/groups/{group_id}/member_snapshots/test", body, group_id=group_id
        )


def _date(value: Any) -> str | None:
    return None if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))


__all__ = ["REQUEST_ID_HEADER", "USER_AGENT", "NoyoClient", "request_id"]
