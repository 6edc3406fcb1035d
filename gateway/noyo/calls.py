"""``NoyoCalls``: the request pipeline every Noyo call goes through, over one httpx client.

Every call sends a bearer token from the ``TokenProvider``; a 401 invalidates it and
the call is repeated once with a fresh token (reads and writes alike: a 401 means
nothing happened). GETs are retried on transient failures per the ``RetryPolicy``;
writes never are. Each call is bounded by the policy's overall deadline. Failures
raise the ``errors`` tree. Logs (logger ``gateway.noyo``) carry method, path
template, status, attempt and duration: never bodies, query strings or tokens.
The typed endpoints are ``NoyoClient``'s (``client``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Self, TypeVar
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
    Page,
    parse_response,
)
from .pagination import MAX_PAGE_SIZE, chunked, in_order, unique
from .retry import RetryPolicy, parse_retry_after
from .transport import http_transport

logger = logging.getLogger("gateway.noyo")

API = "/api/v1"
REQUEST_ID_HEADER = "x-request-id"
#: The current inbound request's id; forwarded to Noyo as ``x-request-id`` when set.
request_id: ContextVar[str | None] = ContextVar("noyo_request_id", default=None)

USER_AGENT = f"noyo-gateway/{VERSION}"

M = TypeVar("M", bound=BaseModel)
Params = dict[str, Any]


def _seg(value: str) -> str:
    """One path segment, percent-encoded so an id can never change the path."""
    return quote(str(value), safe="")


def _clean(params: Params) -> Params:
    return {k: v for k, v in params.items() if v is not None}


class NoyoCalls:
    """One logical Noyo call at a time (token, retries, deadline, logs, typed parsing). Owns (and
    closes) its ``httpx.AsyncClient``."""

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
    ) -> Self:
        """One pooled ``httpx.AsyncClient`` (limits and timeouts from settings) for API and token calls,
        over ``NOYO_HTTP_TRANSPORT`` unless ``transport`` replaces the network."""
        limits = httpx.Limits(
            max_connections=settings.noyo_max_connections,
            max_keepalive_connections=settings.noyo_max_keepalive_connections,
            keepalive_expiry=settings.noyo_keepalive_expiry,
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

    async def __aenter__(self) -> Self:
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
